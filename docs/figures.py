"""Every measured figure in the notebooks' prose names its source, and agrees with it.

A figure in a Markdown cell is followed by an HTML comment (invisible in Jupyter and on the site)
that says where it comes from:

    ulmfit_nb tokenizes 50,000 reviews **5.15x**<!--fig full tokenize.rows[measure^=50,000 reviews: docs/s].ratio--> faster
    the first call took **8.1 minutes**<!--fig output--> and reached **61.5%**<!--fig output-->
    the paper reached 94.5%<!--fig cited Howard & Ruder (2018), table 2-->
    a random 10%<!--fig setting--> of them

- `fig NAME PATH [/60]`: a value in `benchmarks/results/NAME.json` (`full` and `quick` of `python -m
  benchmarks`, `gpu`, or a benchmark run alone such as `wt103_route`). PATH is dotted, with `[3]` for a
  list item and `[key=value]` / `[key^=prefix]` for the item whose field matches; `/60` turns
  seconds into minutes. The figure must be the value rounded as written: `5.15x` is 5.145 to 5.155,
  `190k` 189,500 to 190,500, `72.5%` a fraction of 0.7245 to 0.7255 (or 72.45 to 72.55).
- `fig output [NOTEBOOK] ["TEXT"]`: the number appears in the stored outputs of this notebook (or of
  `nbs/NOTEBOOK.ipynb`), as written or as a fraction (`61.5%` as 0.615) — within TEXT, when given,
  which must itself be in an output (`<!--fig output 12_recipe "accuracy 0.6150"-->`).
- `fig cited WHO`: a figure of someone else's publication, named; not ours to check.
- `fig setting`: a configured value (a default, a goal), not a measurement.

A number with a measurement's unit (`x`, `%`, `tokens/s`, `docs/s`, `minutes`, `s`, `MB`) that has no
such comment is an error, so a figure cannot be typed from memory and drift from its source.
Run by `docs/check_site.py`; `python docs/figures.py` checks the notebooks alone (no browser).
"""
import json, re, sys
from functools import lru_cache
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/'benchmarks'/'results'

_unit = r'(?:x|×|%|k?\s?tokens/s|k?\s?docs/s|k?\s?texts/s|\s?minutes?|\s?min\b| s\b|\s?seconds|\s?MB|\s?GB)'
_re_figure = re.compile(r'(?<![\w.#/-])(\d[\d,]*(?:\.\d+)?(?:-\d[\d,]*(?:\.\d+)?)?k?)(' + _unit + r')(?![\w])')
_re_tagged = re.compile(r'(\d[\d,]*(?:\.\d+)?k?)(' + _unit + r')?(?:\*\*|\*|\)|\s)*<!--\s*fig\s+(.*?)\s*-->')
_re_code = re.compile(r'```.*?```|`[^`\n]*`|\[[^\]]*\]\([^)]*\)|<[^>]+>|\$[^$\n]+\$', re.S)

def _number(text:str)->tuple[float, float]:
    "(value, half of its last digit's step) of a figure as written: '5.15' -> (5.15, 0.005), '190k' -> (190000, 500)"
    k = text.endswith('k')
    t = text.rstrip('k').replace(',', '')
    decimals = len(t.split('.')[1]) if '.' in t else 0
    scale = 1000 if k else 1
    return float(t) * scale, 0.5 * 10**-decimals * scale

@lru_cache(None)
def _json(name:str)->dict: return json.loads((RESULTS/f'{name}.json').read_text())

def lookup(name:str, path:str):
    "The value at dotted `path` in `benchmarks/results/<name>.json`; a benchmark name first means `benchmarks.<name>`"
    obj = _json(name)
    if name in ('full', 'quick') and re.match(r'\w+', path).group() not in ('benchmarks', 'machine', 'seconds', 'mode'): path = 'benchmarks.' + path
    for part in re.findall(r'[^.\[\]]+|\[[^\]]*\]', path):
        if part.startswith('['):
            sel = part[1:-1]
            if sel.isdigit(): obj = obj[int(sel)]; continue
            key, op, val = re.match(r'(\w+)(\^?=)(.*)', sel).groups()
            hits = [o for o in obj if (str(o.get(key, '')).startswith(val) if op == '^=' else str(o.get(key, '')) == val)]
            if len(hits) != 1: raise KeyError(f'{part}: {len(hits)} items match')
            obj = hits[0]
        else: obj = obj[part]
    return obj

def agrees(figure:str, unit:str, value:float)->bool:
    "Whether `figure` (as written, with its `unit`) is `value` rounded as written"
    x, half = _number(figure)
    candidates = [value, value * 100] if unit.strip() == '%' else [value]
    return any(abs(c - x) <= half * 1.0001 for c in candidates)

def _outputs_text(nb)->str:
    return '\n'.join(''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')) + ''.join(o.get('data', {}).get('text/html', ''))
                     + ''.join(o.get('data', {}).get('text/markdown', ''))
                     for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []))

def _in_outputs(figure:str, unit:str, outputs:str)->bool:
    x, half = _number(figure)
    nums = [float(n.replace(',', '')) for n in re.findall(r'(?<![\w.])\d[\d,]*(?:\.\d+)?', outputs)]
    candidates = [x] + ([x / 100] if unit.strip() == '%' else [])
    halves = [half] + ([half / 100] if unit.strip() == '%' else [])
    return any(abs(n - c) <= h * 1.0001 for n in nums for c, h in zip(candidates, halves))

def check_figure(figure:str, unit:str, spec:str, nb, nb_name:str)->str|None:
    "Why the tagged `figure` disagrees with its source `spec`, or None"
    kind, _, rest = spec.partition(' ')
    if kind not in ('output', 'cited', 'setting') and (RESULTS/f'{kind}.json').exists():
        path, op = re.match(r'(.*?)\s*(/60)?$', rest.strip()).groups()
        try: value = lookup(kind, path)
        except (KeyError, IndexError, TypeError, FileNotFoundError) as e: return f'{figure}{unit}: no {path!r} in benchmarks/results/{kind}.json ({e})'
        if op == '/60': value = value / 60
        if not isinstance(value, (int, float)): return f'{figure}{unit}: {path!r} in {kind}.json is not a number: {value!r}'
        if not agrees(figure, unit, value): return f'{figure}{unit} disagrees with its source: {kind}.json {path} = {value:.6g}'
        return None
    if kind == 'output':
        m = re.match(r'\s*([\w.-]*)\s*(?:"(.*)")?\s*$', rest)
        if not m: return f'{figure}{unit}: write `fig output [NOTEBOOK] ["the output\'s text"]`'
        name, snippet = m.groups()
        outputs = _outputs_text(nbformat.read(ROOT/'nbs'/f'{name}.ipynb', as_version=4) if name else nb)
        if snippet is not None:
            if snippet not in outputs: return f'{figure}{unit}: {snippet!r} is in no stored output of {name or nb_name}'
            outputs = snippet
        if not _in_outputs(figure, unit, outputs): return f'{figure}{unit} appears in no stored output of {name or nb_name}' + (f' ({snippet!r})' if snippet else '')
        return None
    if kind == 'cited': return None if rest.strip() else f'{figure}{unit}: `fig cited` must name who published it'
    if kind == 'setting': return None
    return f'{figure}{unit}: unknown source {spec!r} (a benchmarks/results/NAME.json, output, cited or setting)'

def figure_errors(nb_path:Path)->list[str]:
    "Untagged figures and figures that disagree with their source, in the Markdown of the notebook at `nb_path`"
    nb, errs = nbformat.read(nb_path, as_version=4), []
    for cell in nb.cells:
        if cell.cell_type != 'markdown': continue
        src = re.sub(r'```.*?```', ' ', cell.source, flags=re.S)      # code blocks show commands and outputs, not claims
        for m in _re_tagged.finditer(src):
            if (e := check_figure(m.group(1), m.group(2) or '', m.group(3), nb, nb_path.stem)): errs.append(f'{nb_path.name}: {e}')
        bare = _re_code.sub(' ', _re_tagged.sub(' ', src))
        for m in _re_figure.finditer(bare):
            errs.append(f'{nb_path.name}: the figure {m.group(0)!r} ("...{bare[max(0, m.start() - 50):m.end()].strip()}") names no source: '
                        'follow it with <!--fig ...--> (see docs/figures.py)')
    return errs

if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import build
    errs = [e for p in build.notebooks() for e in figure_errors(p)]
    if errs: sys.exit('Figures check FAILED:\n  ' + '\n  '.join(errs))
    print(f'Figures check passed: {len(build.notebooks())} notebooks')
