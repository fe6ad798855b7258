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
- no page loads anything from the network (no CDN), and the offline search index exists.
"""
import argparse, importlib, inspect, re, subprocess, sys, tempfile
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # docs/build.py: notebooks(), page_name(), default_exp()

CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', '--no-first-run']
_re_raw_json = re.compile(r'"(cell_type|output_type|execution_count|text/html|text/plain|application/vnd[\w.+-]*)"\s*:')
_re_directive = re.compile(r'^\s*#\|\s*[\w-]+', re.M)

def render(page, browser='chromium'):
    "The DOM of `page` after Chromium loaded and ran it"
    with tempfile.TemporaryDirectory() as profile:
        res = subprocess.run([browser, *CHROME_FLAGS, f'--user-data-dir={profile}', '--virtual-time-budget=3000',
                              '--dump-dom', page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    if res.returncode != 0 or '<html' not in res.stdout:
        raise RuntimeError(f'{browser} could not render {page}: {res.stderr[-2000:]}')
    return BeautifulSoup(res.stdout, 'html.parser')

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

def check_page(nb_path, html_dir, order, browser):
    "Problems found on the page of the notebook at `nb_path`"
    name = build.page_name(nb_path)
    page = html_dir/f'{name}.html'
    if not page.exists(): return [f'{nb_path.name}: no page {page}']
    dom, errs = render(page, browser), []
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
    for t, nxt in zip(tables, tables[1:]):             # a cell that both displays a table and returns it shows it twice
        if t.get_text(' ', strip=True) == nxt.get_text(' ', strip=True):
            say(f'shows the table with columns {table_headers(t)} twice in a row')
    src = nbformat.read(build.SRC/f'{name}.ipynb', as_version=4)
    for kind, headers, n in stored_tables(src):
        if (headers, n) not in rendered: say(f'the {kind} with columns {headers} ({n} rows) is not an HTML table on the page')
    for first_line in text_logs(src):
        say(f'the cell starting {first_line!r} stored its training log as text: re-run it with tools/run_nbs.py')
    # API docs of the exported symbols
    if mod := build.default_exp(nbformat.read(nb_path, as_version=4)):
        heads = {h.get_text(strip=True).rstrip('#¶').strip() for h in article.find_all(['h2', 'h3', 'h4'])}
        for sym in public_api(mod):
            if sym not in heads: say(f'no API docs (show_doc) for {mod}.{sym}')
    # offline: nothing fetched from the network
    for tag, attr in (('script', 'src'), ('link', 'href'), ('img', 'src'), ('iframe', 'src')):
        for el in dom.find_all(tag):
            url = el.get(attr) or ''
            if re.match(r'^(https?:)?//', url) and not (tag == 'link' and el.get('rel') in (['canonical'],)):
                say(f'loads <{tag}> from the network: {url}')
    return errs

def check_site(html_dir=build.HTML, browser='chromium'):
    html_dir = Path(html_dir)
    nbs = build.notebooks()
    order = [build.page_name(p) for p in nbs]
    errs = [e for p in nbs for e in check_page(p, html_dir, order, browser)]
    for f in ('search.html', 'searchindex.js'):
        if not (html_dir/f).exists(): errs.append(f'no {f}: the offline search is missing')
    return order, errs

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--html', default=str(build.HTML), help='the built site')
    ap.add_argument('--browser', default='chromium', help='Chromium executable')
    args = ap.parse_args()
    order, errs = check_site(args.html, args.browser)
    if errs: sys.exit('Docs site check FAILED:\n  ' + '\n  '.join(errs))
    print(f'Docs site check passed: {len(order)} pages ({", ".join(order)})')
