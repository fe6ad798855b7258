"""Build ulmfit_nb's docs site (and README.md) from the notebooks' stored outputs, offline.

    python docs/build.py            # site -> docs/_build/html   (open docs/_build/html/index.html)
    python docs/build.py --readme   # README.md from nbs/index.ipynb
    python docs/build.py --check-readme   # exit 1 when README.md is out of date

Quarto, which `nbdev-docs` needs, cannot be installed here, so the site is Sphinx + myst-nb +
sphinx-book-theme rendering the notebooks *as stored* (`nb_execution_mode = "off"`): nothing is
executed to build it except `show_doc` for the exported symbols. What each page shows, cell by cell:

- `#| hide`, `#| default_exp` and `#| include: false` cells: removed (as nbdev does);
- `#| export` cells: the API docs (`show_doc`) of each public function/class the cell defines,
  then the cell's source folded behind a "Show code" toggle (nbdev shows only the `show_doc`; we keep
  the code one click away because these notebooks teach the implementation);
- `#| exports` cells: their `show_doc`, then the source shown; `#| exporti`: the source, folded;
- every other cell: source and stored outputs; `#|` directive lines are stripped everywhere;
  `#| echo: false` hides the source, `#| output: false` the outputs; stderr is dropped;
- Markdown links to notebooks (`[data](02_data.ipynb)`, which work in Jupyter) point to their pages.
"""
import argparse, ast, copy, importlib, re, shutil, subprocess, sys
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
    "The documented notebooks, index first then in numbered order"
    nbs = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: p.name != 'index.ipynb')

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

def show_doc_md(module, name):
    "`show_doc` of `module.name` rendered to Markdown"
    from nbdev.showdoc import show_doc
    obj = module
    for part in name.split('.'): obj = getattr(obj, part)
    md = show_doc(obj, name=name)._repr_markdown_()
    md = re.sub(r'^---\s*', '', md)                          # a rule is not allowed inside an output
    md = re.sub(r'^\[source\]\([^)]*\)(\{[^}]*\})?\s*', '', md, flags=re.M)  # no hosted repo to link to
    if isinstance(obj, type): md = md.replace(f'def {name.split(".")[-1]}(', f'class {name.split(".")[-1]}(', 1)
    return md

def _show_doc_cell(md):
    "A Markdown cell (so its heading is in the page's table of contents and search) holding `show_doc`'s output"
    cell = nbformat.v4.new_markdown_cell(md)
    cell.metadata['tags'] = ['show-doc']
    return cell

def process_nb(nb_path, toc=None):
    "A copy of the notebook at `nb_path` ready for myst-nb (see the module docstring)"
    nb = nbformat.read(nb_path, as_version=4)
    mod_name = default_exp(nb)
    module = importlib.import_module(f'ulmfit_nb.{mod_name}') if mod_name else None
    shown = {m.group(1) for c in nb.cells if c.cell_type == 'code'
             for m in re.finditer(r'^show_doc\(\s*([\w.]+)', c.source, re.M)}
    cells = []
    for cell in nb.cells:
        cell = copy.deepcopy(cell)
        if cell.cell_type == 'markdown':
            cell.source = _re_nb_link.sub(lambda m: f'({page_name(m.group(1))}.ipynb{m.group(2) or ""})', cell.source)
            cells.append(cell); continue
        if cell.cell_type != 'code': continue
        dirs, body = split_directives(cell.source)
        if {'hide', 'default_exp'} & dirs.keys() or dirs.get('include') == 'false' or not body.strip(): continue
        cell.source = body
        tags = set(cell.metadata.get('tags', []))
        exported = {'export', 'exporti', 'exports'} & dirs.keys()
        if exported - {'exports'}: tags.add('hide-input')
        if dirs.get('echo') == 'false': tags.add('remove-input')
        if dirs.get('output') == 'false': tags.add('remove-output')
        cell.outputs = [o for o in cell.get('outputs', []) if o.get('name') != 'stderr']
        if tags: cell.metadata['tags'] = sorted(tags)
        if exported and module is not None and 'exporti' not in dirs:
            cells += [_show_doc_cell(show_doc_md(module, nm)) for nm in defined_names(body) if nm not in shown]
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
    for p in nbs:
        nb = process_nb(p, toc=toc if p.name == 'index.ipynb' else None)
        nbformat.write(nb, SRC/f'{page_name(p)}.ipynb')
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-c', str(DOCS), '-W', '--keep-going',
           '-E', str(SRC), str(HTML)] + (['-q'] if quiet else [])
    subprocess.run(cmd, check=True)
    print(f'Site built: {HTML/"index.html"}')

def readme_text():
    "README.md: nbs/index.ipynb as Markdown, processed like its docs page"
    from nbconvert import MarkdownExporter
    nb = process_nb(NBS/'index.ipynb')
    for c in nb.cells:
        if 'remove-input' in c.metadata.get('tags', []): c.source = ''
    body, _ = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
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
