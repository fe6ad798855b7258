"""Check the built docs site in a real headless browser (Chromium): what a reader would see.

    python docs/build.py && python docs/check_site.py

Each page is loaded in Chromium and its rendered DOM read back (`--dump-dom`). The checks grow
with the notebooks, because they are derived from them:

- every notebook in nbs/ has its page, and every page's navigation links to all the others, in order;
- no page shows nbdev directive lines (`#| export`…), raw notebook JSON or a Python traceback;
- every HTML table stored in a shown cell output — `show_batch` tables (a `text` column) and
  training logs (`epoch`, `train_loss`, …) above all — is an HTML table on the page, with the same
  columns and number of rows, and no training log is stored as console text;
- no table is shown twice in a row (a cell that both displays a table and returns it);
- every public function/class a module exports has its API docs (a `show_doc` heading) on its page;
- no signature or parameter table shows `NoneType` (a type guessed from a `None` default), and no
  public function has a parameter comment on the line of its return type (docments would give the
  parameter's comment to the return value);
- every link resolves: the page, and the anchor on it (navigation, API links, the notebook download,
  which must be the repository's own notebook, byte for byte);
- every picture is there: each `<img>` loads a non-empty file, and each page shows at least as many
  pictures as its notebook holds (image outputs and Markdown images);
- one search box: none in the sidebars or the article; no link to an empty general index;
- furniture: no curly quotes in a default, no bare `Optional`/`Union` type, no code box wider than the
  column, no path of the building machine, no maintainer material (`#| slow`, CI) outside the
  maintainers page, no heading twice in the page contents, code toggles that name what they fold,
  pictures with alt texts and plots shown at 70% of their size or more, a favicon;
- every public function and class has an example below it: a shown code cell that uses it, or a line
  `Example: [where](#...)` pointing to the section that does (when it needs what the notebook builds later);
- every measured figure in the prose names its source and agrees with it (docs/figures.py);
- no page loads anything from the network (no CDN), the offline search index exists, and a search
  finds pages with snippets of their text, not of the code-cell toggles or the contents column.
"""
import argparse, importlib, inspect, re, subprocess, sys, tempfile
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # docs/build.py: notebooks(), page_name(), default_exp()
import figures  # docs/figures.py: every measured figure names its source and agrees with it

CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--window-size=1280,1000', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', '--no-first-run']
_re_raw_json = re.compile(r'"(cell_type|output_type|execution_count|text/html|text/plain|application/vnd[\w.+-]*)"\s*:')
_re_directive = re.compile(r'^\s*#\|\s*[\w-]+', re.M)

def render(page, browser='chromium', query='', budget=3000, tries:int=2):
    "The DOM of `page` (with `?query`) after Chromium loaded and ran it; a headless Chromium that exits without a page is started again once"
    for attempt in range(tries):
        with tempfile.TemporaryDirectory() as profile:
            res = subprocess.run([browser, *CHROME_FLAGS, f'--user-data-dir={profile}', f'--virtual-time-budget={budget}',
                                  '--allow-file-access-from-files',     # the search reads the pages for its snippets
                                  '--dump-dom', page.resolve().as_uri() + query], capture_output=True, text=True, timeout=120)
        if res.returncode == 0 and '<html' in res.stdout: return BeautifulSoup(res.stdout, 'html.parser')
    raise RuntimeError(f'{browser} could not render {page} ({tries} tries; exit code {res.returncode}): {res.stderr[-2000:]}')

def table_headers(table):
    "The column names of an HTML table (its header row, index column dropped)"
    row = table.find('thead').find_all('tr')[-1] if table.find('thead') else table.find('tr')
    return [th.get_text(' ', strip=True) for th in row.find_all(['th', 'td'])] if row else []

def table_rows(table):
    body = table.find('tbody')
    return len(body.find_all('tr', recursive=False)) if body else max(len(table.find_all('tr')) - 1, 0)

def table_kind(headers):
    if {'epoch', 'train_loss'} <= set(headers): return 'training-log table'
    if 'text' in headers: return 'show_batch table'
    return 'table'

def stored_tables(nb):
    "(kind, headers, n_rows) of each HTML table in the shown outputs of a processed notebook"
    res = []
    for cell in nb.cells:
        if cell.cell_type != 'code' or 'remove-output' in cell.metadata.get('tags', []): continue
        for out in cell.get('outputs', []):
            html = out.get('data', {}).get('text/html')
            if not html or '<table' not in html: continue
            for t in BeautifulSoup(''.join(html), 'html.parser').find_all('table'):
                hs = table_headers(t)
                res.append((table_kind(hs), hs, table_rows(t)))
    return res

_re_text_log = re.compile(r"^\s*epoch\s+train_loss\s+valid_loss|^\[\d+, [-\d.e]+, .*'\d\d:\d\d'\]$", re.M)   # a console table, or the bare list fastai prints without its progress callback

def text_logs(nb):
    "Training logs stored as console text (executed with execnb, not a real kernel): they cannot render as tables"
    return [c.source.splitlines()[0][:60] for c in nb.cells if c.cell_type == 'code'
            for o in c.get('outputs', []) if 'text/html' not in o.get('data', {})
            and _re_text_log.search(''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')))]

def public_api(mod_name):
    "Functions and classes `ulmfit_nb.<mod_name>` defines and exports"
    mod = importlib.import_module(f'ulmfit_nb.{mod_name}')
    return [n for n in getattr(mod, '__all__', []) if (inspect.isfunction(o := getattr(mod, n)) or inspect.isclass(o))
            and getattr(o, '__module__', None) == mod.__name__ and o.__name__ == n]   # aliases are documented under their own name

def stored_pictures(nb)->int:
    "How many pictures a notebook holds: image outputs of shown cells and Markdown images"
    outs = sum(1 for c in nb.cells if c.cell_type == 'code' and 'remove-output' not in c.metadata.get('tags', [])
               for o in c.get('outputs', []) if any(k.startswith('image/') for k in o.get('data', {})))
    return outs + sum(len(re.findall(r'!\[[^\]]*\]\([^)]+\)', c.source)) for c in nb.cells if c.cell_type == 'markdown')

def return_comment_errors(mod_name)->list[str]:
    "Public functions of `ulmfit_nb.<mod_name>` with a parameter on the line of their return type and a comment there"
    import ast
    mod = importlib.import_module(f'ulmfit_nb.{mod_name}')
    src = inspect.getsource(mod)
    lines, errs = src.splitlines(), []
    for node in ast.walk(ast.parse(src)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.returns is None or node.name.startswith('_'): continue
        args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        if args and args[-1].lineno == node.returns.lineno and args[-1].lineno != node.lineno and '#' in lines[node.returns.lineno - 1]:
            errs.append(f'{mod_name}.{node.name}: the comment of parameter `{args[-1].arg}` sits after the return type '
                        '(docments gives it to the return value): close the parenthesis on the next line')
    return errs

def example_errors(nb_path)->list[str]:
    "Public functions and classes with no example below them: a shown code cell that uses the name, or a Markdown line `Example: [where](...)`, before the next API entry"
    nb, errs = nbformat.read(nb_path, as_version=4), []
    if not build.default_exp(nb): return []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != 'code': continue
        dirs, body = build.split_directives(cell.source)
        if not {'export', 'exports'} & dirs.keys() or not (names := build.api_names(body)): continue
        shown, linked = '', False
        for nxt in nb.cells[i + 1:]:
            if nxt.cell_type == 'markdown':
                linked |= bool(re.match(r'Examples?: .*\]\(', nxt.source))
                continue
            d, b = build.split_directives(nxt.source)
            if {'export', 'exports', 'exporti'} & d.keys() and build.api_names(b): break
            if not {'hide', 'export', 'exports', 'exporti'} & d.keys(): shown += b + '\n'
        if linked: continue
        errs += [f'{build.page_name(nb_path)}.html: {n} has no example below it (a code cell that uses it, or "Example: [where](#...)")'
                 for n in names if not re.search(r'\b' + re.escape(n.split('.')[-1]) + r'\b', shown)]
    return errs

def check_page(nb_path, html_dir, order, dom):
    "Problems found on the page of the notebook at `nb_path`, rendered as `dom`"
    name = build.page_name(nb_path)
    errs = []
    article = dom.select_one('article') or dom.body
    text = article.get_text('\n')
    say = lambda msg: errs.append(f'{name}.html: {msg}')
    # navigation: links to every page, in notebook order
    nav = dom.select_one('nav.bd-docs-nav') or dom
    hrefs = [a.get('href', '').split('#')[0] for a in nav.find_all('a')]
    targets = [h.rsplit('/', 1)[-1].removesuffix('.html') for h in hrefs if h.endswith('.html') or h in ('', '#')]
    seen = [t for t in targets if t in order]
    missing = [p for p in order if p != name and p not in seen]
    if missing: say(f'navigation lacks links to {missing}')
    if [p for p in seen if p in order] != [p for p in order if p in seen]: say(f'navigation order {seen} is not {order}')
    # what must never show
    code = '\n'.join(pre.get_text() for pre in article.find_all('pre'))
    if m := _re_directive.search(code): say(f'shows an nbdev directive line: {m.group(0)!r}')
    if 'Traceback (most recent call last)' in text or article.select('.output.traceback, .output.error'):
        say('shows a Python traceback')
    if m := _re_raw_json.search(text): say(f'shows raw notebook JSON: {m.group(0)!r}')
    # stored tables rendered as tables
    tables = article.find_all('table')
    rendered = [(table_headers(t), table_rows(t)) for t in tables]
    shown = article.select('.cell_output table')      # tables of outputs (not the API docs' parameter tables)
    for t, nxt in zip(shown, shown[1:]):               # a cell that both displays a table and returns it shows it twice
        if t.get_text(' ', strip=True) == nxt.get_text(' ', strip=True):
            say(f'shows the table with columns {table_headers(t)} twice in a row')
    processed = nbformat.read(build.SRC/f'{name}.ipynb', as_version=4)
    for kind, headers, n in stored_tables(processed):
        if (headers, n) not in rendered: say(f'the {kind} with columns {headers} ({n} rows) is not an HTML table on the page')
    for first_line in text_logs(processed):
        say(f'the cell starting {first_line!r} stored its training log as text: re-run it with tools/run_nbs.py')
    # API docs of the exported symbols
    mod = build.default_exp(nbformat.read(nb_path, as_version=4))
    if mod:
        heads = {h.get_text(strip=True).rstrip('#¶').strip() for h in article.find_all(['h2', 'h3', 'h4'])}
        for sym in public_api(mod):
            if sym not in heads: say(f'no API docs (show_doc) for {mod}.{sym}')
    # signatures and parameter tables
    api = [t for t in article.find_all('table') if table_headers(t)[1:3] == ['Type', 'Default']]          # parameter tables
    api += [pre for pre in article.find_all('pre') if re.match(r'\s*(class )?[\w.]+ \(', pre.get_text())]   # signatures
    if any('NoneType' in el.get_text() for el in api): say('shows `NoneType` (a type guessed from a None default): annotate the parameter, e.g. `x:int|None=None`')
    if mod: errs += [f'{name}.html: {e}' for e in return_comment_errors(mod)]
    # pictures
    imgs = article.find_all('img')
    for img in imgs:
        src = (img.get('src') or '').split('?')[0]
        if src.startswith('data:'): continue
        f = (html_dir/src).resolve()
        if not f.exists() or f.stat().st_size == 0: say(f'a picture does not load: {src}')
    if len(imgs) < (n := stored_pictures(nbformat.read(nb_path, as_version=4))):
        say(f'shows {len(imgs)} pictures but its notebook holds {n}')
    # furniture a reader notices
    for row in api:
        if row.name != 'table': continue
        for tr in row.find_all('tr')[1:]:
            tds = tr.find_all('td')
            if len(tds) >= 3 and re.search('[‘’“”]', tds[2].get_text()): say(f'the default of `{tds[0].get_text(strip=True)}` shows curly quotes: {tds[2].get_text(strip=True)!r}')
            if len(tds) >= 2 and re.fullmatch(r'(Optional|Union)', tds[1].get_text(strip=True)): say(f'the type of `{tds[0].get_text(strip=True)}` is a bare {tds[1].get_text(strip=True)}')
    for pre in article.select('pre[data-overflow]'):
        say(f'a code box is {pre["data-overflow"]} px wider than the column: {pre.get_text()[:60]!r}')
    if m := re.search(r'/work/|/tmp/tmp\w+|/root/|' + re.escape(str(build.ROOT)), text):
        say(f'shows a path of the machine that built it: {text[max(0, m.start() - 40):m.end() + 20]!r}')
    if name != 'maintainers' and (m := re.search(r'#\| ?slow|\(our CI\)|CI has put', text)): say(f'shows maintainer material: {m.group(0)!r}')
    toc = [a.get_text(' ', strip=True) for a in dom.select('.bd-sidebar-secondary nav a, .bd-toc nav a')]
    if dups := sorted({t for t in toc if toc.count(t) > 1}): say(f'the page contents list these headings more than once: {dups}')
    if labels := [s.get_text(' ', strip=True) for s in article.select('details summary') if 'Show code cell source' in s.get_text()]:
        say(f'{len(labels)} code toggles say only "Show code cell source" (name what they fold)')
    for img in imgs:
        alt = (img.get('alt') or '').strip()
        if not alt or re.search(r'[/\\]|\.(png|svg|jpe?g)$', alt): say(f'a picture has no alt text a reader can use: {alt or img.get("src")!r}')
        if (img.get('src') or '').split('?')[0].endswith('.png') and float(img.get('data-scale', 1)) < 0.7:   # plots and pictures, not the SVG diagrams
            say(f'a plot is shown at {float(img["data-scale"]):.0%} of its size (its labels shrink with it): {img.get("alt", img.get("src"))[:60]!r}')
    if not dom.select_one('link[rel~="icon"]'): say('has no favicon (browsers ask for /favicon.ico and get a 404)')
    # one search box, no empty general index
    if dom.select('.bd-sidebar-primary .search-button-field, .bd-sidebar-secondary .search-button-field, article .search-button-field'):
        say('has a second search box (in a sidebar or the article)')
    if dom.find('a', href=re.compile(r'genindex')): say('links the general index, which is empty')
    # offline: nothing fetched from the network
    for tag, attr in (('script', 'src'), ('link', 'href'), ('img', 'src'), ('iframe', 'src')):
        for el in dom.find_all(tag):
            url = el.get(attr) or ''
            if re.match(r'^(https?:)?//', url) and not (tag == 'link' and el.get('rel') in (['canonical'],)):
                say(f'loads <{tag}> from the network: {url}')
    return errs

def link_errors(doms:dict, html_dir:Path)->list[str]:
    "Links on every page whose page or anchor does not exist; notebook downloads that are not the repository's notebook"
    ids = {page: {el['id'] for el in dom.find_all(id=True)} for page, dom in doms.items()}
    errs = []
    for page, dom in doms.items():
        for a in dom.find_all('a', href=True):
            href = a['href']
            if re.match(r'^([a-z]+:|//)', href) and not href.startswith('file:'): continue   # http(s), mailto: not ours to check
            target, _, anchor = href.partition('#')
            target = target.split('?')[0]
            f = (html_dir/page).parent/target if target else html_dir/page
            if not f.exists(): errs.append(f'{page}: the link {href!r} ({a.get_text(strip=True)[:40]!r}) leads nowhere'); continue
            if anchor and f.suffix == '.html':
                rel = f.resolve().relative_to(html_dir.resolve()).as_posix()
                if rel in ids and anchor not in ids[rel]: errs.append(f'{page}: the link {href!r} points to no anchor on {rel}')
            if f.suffix == '.ipynb' and '_downloads' in f.parts and f.read_bytes() != (build.NBS/f.name).read_bytes():
                errs.append(f'{page}: the download {href!r} is not the repository\'s nbs/{f.name}')
    return errs

# what a search must put near the top: (query, page, at most this rank)
SEARCH_RANKS = (('tokenize', 'tokenize.html', 2), ('ulmfit train', 'cli.html', 3), ('padding', 'data.html', 3))

def search_errors(html_dir:Path, browser:str, ranks=SEARCH_RANKS):
    "A search in the offline index that finds nothing, ranks the page that answers it too low, or shows snippets of the page furniture"
    errs = []
    for q, page, best in ranks:
        dom = render(html_dir/'search.html', browser, query=f'?q={q}', budget=8000)
        hits = dom.select('#search-results li')
        if not hits: errs.append(f'search.html: searching {q!r} finds nothing'); continue
        pages = [(h.find('a') or {}).get('href', '').split('#')[0].split('?')[0].rsplit('/', 1)[-1] for h in hits]
        if page not in pages[:best]: errs.append(f'search.html: searching {q!r} ranks {page} {pages.index(page) + 1 if page in pages else "nowhere"}, not in the first {best}: {pages[:best]}')
        for hit in hits:
            t = hit.get_text(' ', strip=True)
            if 'code cell source' in t: errs.append(f'search.html: a snippet for {q!r} shows the code-cell toggle: {t[:80]!r}')
            if re.search(r'System Settings|Light Dark|\bContents\b', t): errs.append(f'search.html: a snippet for {q!r} shows the page furniture: {t[:80]!r}')
    return errs

def check_site(html_dir=build.HTML, browser='chromium'):
    html_dir = Path(html_dir)
    nbs = build.notebooks()
    order = [build.page_name(p) for p in nbs]
    missing = [p for p in nbs if not (html_dir/f'{build.page_name(p)}.html').exists()]
    errs = [f'{p.name}: no page {build.page_name(p)}.html' for p in missing]
    doms = {f'{build.page_name(p)}.html': render(html_dir/f'{build.page_name(p)}.html', browser, query='?check') for p in nbs if p not in missing}
    errs += [e for p in nbs if p not in missing for e in check_page(p, html_dir, order, doms[f'{build.page_name(p)}.html'])]
    errs += [e for p in nbs for e in figures.figure_errors(p)]
    errs += [e for p in nbs for e in example_errors(p)]
    errs += link_errors(doms, html_dir)
    for f in ('search.html', 'searchindex.js'):
        if not (html_dir/f).exists(): errs.append(f'no {f}: the offline search is missing')
    if (html_dir/'search.html').exists(): errs += search_errors(html_dir, browser)
    return order, errs

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--html', default=str(build.HTML), help='the built site')
    ap.add_argument('--browser', default='chromium', help='Chromium executable')
    args = ap.parse_args()
    order, errs = check_site(args.html, args.browser)
    if errs: sys.exit('Docs site check FAILED:\n  ' + '\n  '.join(errs))
    print(f'Docs site check passed: {len(order)} pages ({", ".join(order)})')
