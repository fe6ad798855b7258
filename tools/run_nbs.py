"""Re-execute notebooks in place with a real Jupyter kernel, so their stored outputs are real,
in order, and what the docs site shows.

    python tools/run_nbs.py                      # every notebook in nbs/, slow cells kept as they are
    python tools/run_nbs.py nbs/02_data.ipynb    # some notebooks
    python tools/run_nbs.py --slow nbs/04_lm_finetune.ipynb   # also run the `#| slow` cells

Why not `nbdev-test --save`: it executes with execnb, which stores fastprogress training logs as
console text; a real kernel (nbclient) stores them as the HTML tables the site shows.
Cells marked `#| slow` (or `#| eval: false`) are skipped unless `--slow`, and keep the outputs
they had from their last real run. The notebook is then cleaned with `nbdev-clean`.
"""
import argparse, re, subprocess, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def cell_flags(source):
    "nbdev directives at the top of a cell, as {name: value}"
    res = {}
    for line in source.splitlines():
        if not line.strip(): continue
        m = _re_dir.match(line)
        if not m: break
        res[m.group(1)] = m.group(2)
    return res

class SkippingClient(NotebookClient):
    "A NotebookClient that leaves `#| slow` / `#| eval: false` cells (and their outputs) untouched"
    def __init__(self, nb, run_slow=False, **kw):
        super().__init__(nb, **kw)
        self.run_slow = run_slow

    def skip(self, cell):
        f = cell_flags(cell.source)
        return f.get('eval') == 'false' or ('slow' in f and not self.run_slow)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == 'code' and self.skip(cell): return cell
        t0 = time.time()
        res = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type == 'code' and time.time() - t0 > 20: print(f'  cell {cell_index}: {time.time()-t0:.0f}s', flush=True)
        return res

def run_nb(path, run_slow=False, timeout=None):
    "Execute the notebook at `path` top to bottom in its folder and write it back"
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    try: SkippingClient(nb, run_slow=run_slow, timeout=timeout, kernel_name='python3',
                        resources={'metadata': {'path': str(path.parent)}}).execute()
    except Exception:                       # keep what ran (a long slow run is expensive) beside the untouched notebook,
        failed = path.with_name(f'_{path.stem}.failed.ipynb')    # named with a '_' so that nbdev-test and the docs skip it
        nbformat.write(nb, failed)
        print(f'{path.name} failed: its outputs so far are in {failed.name}', flush=True)
        raise
    nbformat.write(nb, path)
    subprocess.run(['nbdev-clean', '--fname', str(path)], check=True, cwd=ROOT)
    print(f'{path.name}: executed in {time.time()-t0:.0f}s')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help='notebooks to run (default: all of nbs/)')
    ap.add_argument('--slow', action='store_true', help='also run `#| slow` cells')
    ap.add_argument('--timeout', type=int, default=None, help='seconds per cell (default: no limit)')
    args = ap.parse_args()
    paths = args.notebooks or sorted(str(p) for p in (ROOT/'nbs').glob('*.ipynb'))
    for p in paths: run_nb(p, run_slow=args.slow, timeout=args.timeout)
