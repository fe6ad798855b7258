"Helpers shared by the benchmark scripts: the machine, timing medians, peak memory of a call, the JSON record."
import argparse, datetime, json, os, platform, statistics, sys, threading, time
from importlib.metadata import version, PackageNotFoundError
from pathlib import Path

def machine() -> str:
    "One line naming the machine, for the record: CPU model, cores, bf16 units (from `ulmfit_nb.core.machine_info`), versions"
    import torch
    from ulmfit_nb.core import machine_info
    m = machine_info('cuda' if torch.cuda.is_available() else 'cpu')
    units = ', '.join(m['cpu_bf16_units']) or 'no bf16 units'
    return (f'{datetime.date.today()} | {m["cpu"]} | {m["cores"]} cores | {units}' + (f' | {m["gpu"]}' if 'gpu' in m else '') +
            f' | Python {platform.python_version()} | torch {torch.__version__} | {platform.system()}')

def machine_record() -> dict:
    "The machine and software a result was measured on: CPU model, cores, bf16 units, GPU, date and versions"
    import torch
    from ulmfit_nb.core import machine_info
    m = machine_info('cuda' if torch.cuda.is_available() else 'cpu')
    def v(pkg):
        try: return version(pkg)
        except PackageNotFoundError: return None
    return dict(m, date=str(datetime.date.today()), torch_threads=torch.get_num_threads(),
                versions={'python': platform.python_version(), **{p: v(p) for p in ('ulmfit_nb', 'fastai', 'torch', 'spacy', 'scikit-learn')}})

def row(measure:str, ulmfit_nb, fastai=None, unit:str='', better:str='higher', **extra) -> dict:
    "One line of a benchmark's table: a measure for both libraries and `ulmfit_nb / fastai` (`better`: which way is better)"
    ratio = ulmfit_nb / fastai if isinstance(ulmfit_nb, (int, float)) and isinstance(fastai, (int, float)) and fastai else None
    return dict(measure=measure, unit=unit, ulmfit_nb=ulmfit_nb, fastai=fastai, ratio=ratio, better=better, **extra)

def goal(text:str, target:float, measured:float|None) -> dict:
    "A goal of the issues (`measured` should be at least `target`), and whether this run met it"
    return dict(goal=text, target=target, measured=measured, met=None if measured is None else bool(measured >= target))

def arg_parser(doc:str) -> argparse.ArgumentParser:
    "The parser every benchmark starts from: its description, and `--json PATH` to write the result there"
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument('--json', default=None, help='write the result (tables, goals, machine) to this JSON file')
    return ap

def write_result(path, name:str, title:str, setup:str, rows:list, goals:list=(), **extra):
    "Write one benchmark's result as JSON at `path` (if given): its table rows, goals, the machine and the command that ran it"
    if not path: return
    argv = [a for i, a in enumerate(sys.argv[1:]) if a != '--json' and (i == 0 or sys.argv[i] != '--json')]   # the command without --json PATH
    res = dict(name=name, title=title, setup=setup, command=' '.join(['python -m benchmarks.' + name, *argv]),
               rows=list(rows), goals=list(goals), machine=machine_record(), **extra)
    from ulmfit_nb.core import atomic_write_text
    atomic_write_text(path, json.dumps(res, indent=1, default=lambda o: o.item() if hasattr(o, 'item') else str(o)))

def _rss_kb(pid) -> int:
    try:
        for line in Path(f'/proc/{pid}/status').read_text().splitlines():
            if line.startswith('VmRSS:'): return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError): pass
    return 0

def _uss_kb(pid) -> int:
    "Memory only this process holds (private pages): what a forked worker adds, shared pages not counted twice"
    try:
        return sum(int(l.split()[1]) for l in Path(f'/proc/{pid}/smaps_rollup').read_text().splitlines()
                   if l.startswith(('Private_Clean:', 'Private_Dirty:')))
    except (FileNotFoundError, ProcessLookupError, PermissionError): return 0

def _children(pid) -> list:
    "All descendants of `pid` (Linux /proc)"
    kids = []
    for p in Path('/proc').iterdir():
        if not p.name.isdigit(): continue
        try: ppid = int((p/'stat').read_text().rsplit(')', 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, PermissionError): continue
        if ppid == pid: kids.append(int(p.name))
    return kids + [g for k in kids for g in _children(k)]

class PeakRSS:
    """Peak resident memory while the `with` block runs, sampled every `every` seconds:
    `main_mb` is this process's peak growth over its size at entry, `total_mb` the peak of that
    growth plus the memory of its worker processes (their private pages: a forked worker shares
    the pages it inherited with this process, and they are not counted twice)."""
    def __init__(self, every=0.02): self.every = every
    def __enter__(self):
        self.pid, self.base = os.getpid(), _rss_kb(os.getpid())
        self.main = self.total = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True); self._t.start()
        return self
    def _watch(self):
        n = 0
        while not self._stop.is_set():
            main = _rss_kb(self.pid) - self.base
            kids = sum(_uss_kb(k) for k in _children(self.pid)) if n % 5 == 0 else 0
            self.main, self.total = max(self.main, main), max(self.total, main + kids)
            n += 1
            time.sleep(self.every)
    def __exit__(self, *a):
        self._stop.set(); self._t.join()
        self.main = max(self.main, _rss_kb(self.pid) - self.base)
        self.main_mb, self.total_mb = self.main / 1024, max(self.total, self.main) / 1024

def _status_kb(key, pid='self') -> int:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith(key + ':'): return int(line.split()[1])
    return 0

def run_isolated(f, after=None, warmup=None):
    """Run `f()` in a forked child process, so that what ran before in this process (freed memory it
    keeps, warm caches) cannot hide or inflate `f`'s memory. Returns `(f(), seconds, main_mb, total_mb)`:
    the child's peak resident growth (VmHWM over its size at the start), and that plus the peak
    private memory of its worker processes. `after`, if given, is applied to `f()`'s result in the
    child, untimed (e.g. to return a digest of a large result instead of the result); `warmup`, if given,
    runs in the child first, untimed (what a process that has done the work once has loaded)."""
    import multiprocessing as mp, traceback
    ctx = mp.get_context('fork')
    q = ctx.Queue()
    def target():
        try:
            if warmup is not None: warmup()
            base = _status_kb('VmRSS')
            with PeakRSS() as mem:
                t0 = time.perf_counter(); res = f(); dt = time.perf_counter() - t0
            main = (_status_kb('VmHWM') - base) / 1024
            if after is not None: res = after(res)
            q.put(('ok', (res, dt, main, main + max(mem.total_mb - mem.main_mb, 0))))
        except BaseException: q.put(('error', traceback.format_exc()))
    p = ctx.Process(target=target); p.start()
    status, out = q.get(); p.join()
    if status != 'ok': raise RuntimeError(f'benchmark child failed:\n{out}')
    return out

def timed(f, *args, **kwargs):
    "(result, seconds, PeakRSS) of `f(*args, **kwargs)`"
    with PeakRSS() as mem:
        t0 = time.perf_counter(); res = f(*args, **kwargs); dt = time.perf_counter() - t0
    return res, dt, mem

def median(xs): return statistics.median(xs)
