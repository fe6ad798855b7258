"""Build ulmfit_nb's docs site (and README.md) from the notebooks' stored outputs, offline.

    python docs/build.py            # site -> docs/_build/html   (open docs/_build/html/index.html)
    python docs/build.py --readme   # README.md from nbs/index.ipynb
    python docs/build.py --check-readme   # exit 1 when README.md is out of date

Quarto, which `nbdev-docs` needs, cannot be installed here, so the site is Sphinx + myst-nb +
sphinx-book-theme rendering the notebooks *as stored* (`nb_execution_mode = "off"`): nothing is
executed to build it except `show_doc` for the exported symbols. What each page shows, cell by cell:

- `#| hide`, `#| default_exp` and `#| include: false` cells: removed (as nbdev does);
- `#| export` cells: the API docs of each public function/class the cell defines — a labelled heading,
  the signature (names and defaults), the docstring and a parameter table (type as annotated,
  default, the docments comment) like fastai's docs — then the cell's source folded behind a "Show
  code" toggle (nbdev shows only the docs; we keep the code one click away because these notebooks
  teach the implementation);
- `#| exports` cells: their `show_doc`, then the source shown; `#| exporti`: the source, folded; a
  folded source's toggle names what it defines ("Source: Parser, Parser.parse");
- `#| fig-alt: TEXT` (Quarto's directive) is the alt text of the cell's pictures;
- every other cell: source and stored outputs; `#|` directive lines are stripped everywhere;
  `#| echo: false` hides the source, `#| output: false` the outputs; stderr is dropped; the folders
  of the machine that ran the notebook (the checkout, the temporary folder an example worked in) are
  cut from the paths in outputs, which then read as the example's relative paths;
- Markdown links to notebooks (`[data](02_data.ipynb)`, which work in Jupyter) point to their pages;
  a name in backticks that has API docs (`tokenize_df`, `TextDataLoaders.from_df`) links to them;
- under each module page's title, a link to download the repository's notebook; `nbs/images/` (the
  diagrams) is copied beside the pages.
"""
import argparse, ast, copy, importlib, inspect, re, shutil, subprocess, sys, textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBS, DOCS = ROOT/'nbs', ROOT/'docs'
BUILD = DOCS/'_build'
SRC, HTML = BUILD/'src', BUILD/'html'

_re_directive = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def split_directives(source):
    "(directives, body) of a code cell: nbdev reads `#| name [value]` lines at the top of the cell"
    lines, dirs = source.splitlines(), {}
    i = 0
    while i < len(lines) and (not lines[i].strip() or _re_directive.match(lines[i])):
        m = _re_directive.match(lines[i])
        if m: dirs[m.group(1)] = m.group(2)
        i += 1
    body = '\n'.join(l for l in lines[i:] if not _re_directive.match(l))
    return dirs, body.strip('\n')

_re_nb_link = re.compile(r'\((?!https?:)([\w.-]+\.ipynb)(#[\w-]+)?\)')   # a Markdown link to a notebook: (02_data.ipynb#anchor)

def page_name(nb_path):
    "Page of a notebook, with nbdev's own URL rule: `01_tokenize.ipynb` -> `tokenize`"
    from nbdev.config import nbpath2html
    return nbpath2html(Path(nb_path).name).stem

def notebooks():
    "The documented notebooks: index first, the numbered ones in order, then the performance page and the others"
    nbs = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    last = ['performance.ipynb', 'reliability.ipynb', 'maintainers.ipynb']          # the pages without code, in this order
    return sorted(nbs, key=lambda p: (p.name != 'index.ipynb', not p.name[:1].isdigit(), last.index(p.name) if p.name in last else -1, p.name))

def default_exp(nb):
    "The module a notebook exports to (its `#| default_exp`), or None"
    for c in nb.cells:
        if c.cell_type == 'code':
            d, _ = split_directives(c.source)
            if 'default_exp' in d: return d['default_exp'].split()[0]

def defined_names(source):
    "Public functions/classes a cell defines, `Class.meth` for `@patch`ed ones (nbdev's rule)"
    from nbdev.showdoc import showdoc_nm
    try: trees = ast.parse(source).body
    except SyntaxError: return []
    nms = [showdoc_nm(t) for t in trees if isinstance(t, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
           and (not t.name.startswith('_') or t.name.startswith('__'))]
    return [n for nm in nms for n in (nm if isinstance(nm, list) else [nm])]

# Methods fastai (or torch) calls, never a user: a `DataLoader`'s and a `Callback`'s hooks. The class is
# documented; its overrides of these stay in its folded source, as in fastai's own docs.
FRAMEWORK_HOOKS = {'get_idxs', 'shuffle_fn', 'batch_idxs', 'create_batches', 'create_batch', 'new', 'to_detach', '__len__',
                   'before_fit', 'before_epoch', 'before_train', 'before_batch', 'after_pred', 'after_loss', 'before_backward',
                   'before_step', 'after_step', 'after_batch', 'after_train', 'before_validate', 'after_validate',
                   'after_epoch', 'after_fit', 'after_cancel_fit', 'after_cancel_batch'}

def api_names(source)->list[str]:
    "The names of a cell that get API docs: what it defines, less framework hooks"
    return [n for n in defined_names(source) if n.split('.')[-1] not in FRAMEWORK_HOOKS]

def _resolve(module, name):
    obj = module
    for part in name.split('.'): obj = getattr(obj, part)
    return obj

def _type_name(a)->str:
    "An annotation as written (`from __future__ import annotations` keeps them as strings), typing's `Optional[X]` as `X | None`; '' when there is none"
    import typing
    if a is inspect.Parameter.empty: return ''
    if isinstance(a, str): return a
    if a is type(None): return 'None'
    if typing.get_origin(a) is typing.Union: return ' | '.join(_type_name(t) for t in typing.get_args(a))
    if typing.get_origin(a) is not None: return inspect.formatannotation(a).replace('typing.', '')
    return getattr(a, '__name__', str(a))

def _default_text(d)->str:
    if d is inspect.Parameter.empty: return ''
    return getattr(d, '__name__', None) if callable(d) and hasattr(d, '__name__') else repr(d)

def signature_text(obj, name:str, width:int=90)->str:
    "`name(a, b=1, *, c=None)` as fastai's docs show it: names and defaults (types go to the table), wrapped at `width`"
    try: sig = inspect.signature(obj)
    except (TypeError, ValueError): return ('class ' if isinstance(obj, type) else '') + name   # e.g. an exception class
    params = [p for p in sig.parameters.values() if p.name not in ('self', 'cls')]
    parts, star = [], False
    for p in params:
        if p.kind == p.KEYWORD_ONLY and not star: parts.append('*'); star = True
        pre = '*' if p.kind == p.VAR_POSITIONAL else '**' if p.kind == p.VAR_KEYWORD else ''
        if p.kind == p.VAR_POSITIONAL: star = True
        parts.append(pre + p.name + ('' if p.default is p.empty else '=' + _default_text(p.default)))
    head = ('class ' if isinstance(obj, type) else '') + name + ' ('
    return textwrap.fill(', '.join(parts) + ')', width=width, initial_indent=head, subsequent_indent=' ' * len(head),
                         break_on_hyphens=False, break_long_words=False)

def param_table(obj)->str:
    "The parameters of `obj` as a Markdown table (Type, Default, Details) like fastai's docs, and what it returns"
    from fastcore.docments import docments
    try: d, sig = docments(obj, full=True, returns=True), inspect.signature(obj)
    except (TypeError, ValueError, OSError): return ''
    cell = lambda t: str(t).replace('|', '\\|').replace('\n', ' ')
    rows = []
    for n, p in d.items():
        if n in ('self', 'cls', 'return'): continue
        kind = p.get('kind')
        label = f'**{n}' if kind == inspect.Parameter.VAR_KEYWORD else f'*{n}' if kind == inspect.Parameter.VAR_POSITIONAL else n
        anno = sig.parameters[n].annotation if n in sig.parameters else inspect.Parameter.empty   # as written: never a type guessed from the default
        default = _default_text(p['default'])
        rows.append(f'| {cell(label)} | {cell(_type_name(anno))} | {cell(f"`{default}`" if default else "")} | {cell(p["docment"] or "")} |')
    ret = d.get('return')
    if ret and not isinstance(obj, type) and (_type_name(sig.return_annotation) or ret['docment']):
        rows.append(f'| **Returns** | {cell(_type_name(sig.return_annotation))} | | {cell(ret["docment"] or "")} |')
    if not rows: return ''
    return '\n'.join(['| | Type | Default | Details |', '| --- | --- | --- | --- |', *rows])

def show_doc_md(module, name):
    "The API docs of `module.name` in Markdown: a labelled heading, the signature, the docstring, the parameter table"
    obj = _resolve(module, name)
    doc = inspect.getdoc(obj) or ''
    if isinstance(obj, type) and doc == inspect.getdoc(obj.__mro__[1]): doc = ''      # inherited, not its own
    parts = [f'({api_label(name)})=', f'### {_md_escape(name)}', '', '```python', signature_text(obj, name), '```', '']
    if doc: parts += [f'*{doc.strip()}*', '']
    if tbl := param_table(obj): parts += [tbl, '']
    return '\n'.join(parts)

def _md_escape(name:str)->str: return name.replace('_', r'\_')   # `__len__` is a name, not bold "len"

def api_label(name:str)->str:
    "The Sphinx label of the API docs of `name` (what names in backticks link to)"
    return 'api-' + name.lower().replace('_', '-').replace('.', '-')

def _show_doc_cell(md):
    "A Markdown cell (so its heading is in the page's table of contents and search) holding `show_doc`'s output"
    cell = nbformat.v4.new_markdown_cell(md)
    cell.metadata['tags'] = ['show-doc']
    return cell

def documented_names(nb_path)->list[str]:
    "The names whose API docs the page of `nb_path` shows"
    nb = nbformat.read(nb_path, as_version=4)
    if not default_exp(nb): return []
    res = []
    for c in nb.cells:
        if c.cell_type != 'code': continue
        dirs, body = split_directives(c.source)
        if {'export', 'exports'} & dirs.keys(): res += api_names(body)
    return res

_re_code_name = re.compile(r'(?<![\[\w])`([A-Za-z_][\w.]*)(\(\))?`(?!\]\()')   # `name` or `name()`, not already a link

def link_names(md:str, symbols:set)->str:
    "`md` with each `name` in backticks that has API docs made a link to them (not in headings or code blocks)"
    if not symbols: return md
    out, in_fence = [], False
    for line in md.split('\n'):
        if line.lstrip().startswith(('```', '~~~')): in_fence = not in_fence
        elif not in_fence and not line.lstrip().startswith(('#', '(')):
            line = _re_code_name.sub(lambda m: f'[{m.group(0)}](#{api_label(m.group(1))})' if m.group(1) in symbols else m.group(0), line)
        out.append(line)
    return '\n'.join(out)

def _download_cell(nb_path):
    "A line under the title: the repository's notebook (with its outputs) to download"
    rel = Path('..', '..', '..', 'nbs', Path(nb_path).name).as_posix()      # from docs/_build/src
    return nbformat.v4.new_markdown_cell(f'{{download}}`Download this notebook <{rel}>` to run it in Jupyter.')

_re_machine_path = re.compile(r'/tmp/tmp\w+/|' + re.escape(str(ROOT)) + '/'    # a temporary folder, this checkout
                              r'|(?<![\w:/.])(?:/[\w.-]+)+/(?=runs/)')          # the checkout that ran the notebook: /home/me/ulmfit_nb/runs/demo -> runs/demo

def scrub_paths(output):
    "`output` with the folders of the machine that ran it (the checkout, a temporary folder the example worked in) cut from its paths"
    for key in ('text',):
        if key in output: output[key] = _re_machine_path.sub('', ''.join(output[key]))
    for mime, v in output.get('data', {}).items():
        if mime.startswith('text/'): output['data'][mime] = _re_machine_path.sub('', ''.join(v))
    return output

def process_nb(nb_path, toc=None, symbols=frozenset(), page_links=True):
    "A copy of the notebook at `nb_path` ready for myst-nb (see the module docstring); names in `symbols` become links"
    nb = nbformat.read(nb_path, as_version=4)
    mod_name = default_exp(nb)
    module = importlib.import_module(f'ulmfit_nb.{mod_name}') if mod_name else None
    shown = {m.group(1) for c in nb.cells if c.cell_type == 'code'
             for m in re.finditer(r'^show_doc\(\s*([\w.]+)', c.source, re.M)}
    cells = []
    for cell in nb.cells:
        cell = copy.deepcopy(cell)
        if cell.cell_type == 'markdown':
            if page_links: cell.source = _re_nb_link.sub(lambda m: f'({page_name(m.group(1))}.ipynb{m.group(2) or ""})', cell.source)
            cells.append(cell)
            cell.source = link_names(cell.source, symbols)
            if len(cells) == 1 and module is not None: cells.append(_download_cell(nb_path))
            continue
        if cell.cell_type != 'code': continue
        dirs, body = split_directives(cell.source)
        if {'hide', 'default_exp'} & dirs.keys() or dirs.get('include') == 'false' or not body.strip(): continue
        cell.source = body
        tags = set(cell.metadata.get('tags', []))
        exported = {'export', 'exporti', 'exports'} & dirs.keys()
        if exported - {'exports'}:
            tags.add('hide-input')
            names = defined_names(body) or re.findall(r'^(\w+)\s*[:=]', body, re.M)[:3]
            cell.metadata['mystnb'] = {'code_prompt_show': f'Source: {", ".join(names)}' if names else 'Source'}
        if alt := dirs.get('fig-alt'): cell.metadata.setdefault('mystnb', {})['image'] = {'alt': alt}
        if dirs.get('echo') == 'false': tags.add('remove-input')
        if dirs.get('output') == 'false': tags.add('remove-output')
        cell.outputs = [scrub_paths(o) for o in cell.get('outputs', []) if o.get('name') != 'stderr']
        if tags: cell.metadata['tags'] = sorted(tags)
        if exported and module is not None and 'exporti' not in dirs:
            cells += [_show_doc_cell(link_names(show_doc_md(module, nm), symbols - {nm})) for nm in api_names(body) if nm not in shown]
        cells.append(cell)
    if toc:
        toctree = '```{toctree}\n:hidden:\n:maxdepth: 1\n\n' + '\n'.join(toc) + '\n```'
        cells.append(nbformat.v4.new_markdown_cell(toctree))
    nb.cells = cells
    nb.metadata.setdefault('kernelspec', {'display_name': 'python3', 'language': 'python', 'name': 'python3'})
    nb.metadata.setdefault('language_info', {'name': 'python'})
    return nb

def build_site(quiet=True):
    "Process every notebook into docs/_build/src and run Sphinx into docs/_build/html"
    sys.path.insert(0, str(ROOT))
    if SRC.exists(): shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    nbs = notebooks()
    toc = [page_name(p) for p in nbs if p.name != 'index.ipynb']
    symbols = {nm for p in nbs for nm in documented_names(p)}
    if (NBS/'images').exists(): shutil.copytree(NBS/'images', SRC/'images')
    for p in nbs:
        nb = process_nb(p, toc=toc if p.name == 'index.ipynb' else None, symbols=symbols)
        nbformat.write(nb, SRC/f'{page_name(p)}.ipynb')
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-c', str(DOCS), '-W', '--keep-going',
           '-E', str(SRC), str(HTML)] + (['-q'] if quiet else [])
    subprocess.run(cmd, check=True)
    print(f'Site built: {HTML/"index.html"}')

def readme_text():
    "README.md: nbs/index.ipynb as Markdown, processed like its docs page"
    from nbconvert import MarkdownExporter
    nb = process_nb(NBS/'index.ipynb', page_links=False)
    for c in nb.cells:
        if 'remove-input' in c.metadata.get('tags', []): c.source = ''
    body, _ = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    body = body.replace('](images/', '](nbs/images/')               # the README sits above nbs/
    body = re.sub(r'\]\((?!https?:)([\w.-]+\.ipynb)', r'](nbs/\1', body)   # and links the notebooks there
    header = '<!-- Generated from nbs/index.ipynb by `python docs/build.py --readme`: edit the notebook, not this file. -->\n\n'
    return header + re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--readme', action='store_true', help='write README.md from nbs/index.ipynb')
    ap.add_argument('--check-readme', action='store_true', help='fail when README.md is not what --readme writes')
    ap.add_argument('--verbose', action='store_true', help="show Sphinx's progress")
    args = ap.parse_args()
    if args.readme: (ROOT/'README.md').write_text(readme_text()); print('README.md written')
    elif args.check_readme:
        if (ROOT/'README.md').read_text() != readme_text():
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python docs/build.py --readme` and commit it')
        print('README.md is up to date')
    else: build_site(quiet=not args.verbose)
