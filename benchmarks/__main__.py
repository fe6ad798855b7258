"""Every benchmark, ulmfit_nb beside fastai.text, into one JSON that the performance page reads.

    python -m benchmarks --quick            # under 10 minutes on 2 cores: smaller corpora, fewer runs
    python -m benchmarks                    # the full set (about 30 minutes on 2 cores)
    python -m benchmarks --only tokenize lm # some of them

Each benchmark runs in its own fresh Python process (`python -m benchmarks.<name> --json ...`), so
that one cannot inherit another's threads, caches or freed memory; a failing one is recorded as
failed and the others still run. The results go to `benchmarks/results/<mode>.json` (`--out` to
change it), written atomically; the performance page (nbs/performance.ipynb) is generated from it.
Needs the data seeded as the README explains (IMDB_SAMPLE and IMDb in $FASTAI_HOME/data).
"""
import argparse, json, subprocess, sys, tempfile, time
from pathlib import Path

RUNS = Path('runs')   # where the README's `ulmfit` runs write: used by the full mode when they exist

def plan(quick:bool)->dict:
    "Each benchmark's arguments, quick or full"
    if quick: return {
        'tokenize':   ['--sizes', '1000', '4000', '--runs', '3'],
        'data':       ['--n-docs', '2000'],
        'model':      ['--configs', 'small', '--steps', '2', '--no-bf16-loss'],
        'lm':         ['--runs', '1', '--bs', '64'],
        'lm_speed':   ['--configs', 'small', '--batches', '12'],
        'inference':  ['--config', 'small', '--n-docs', '500', '--n-predict', '50'],
        'classifier': ['--seeds', '0'],
        'baseline':   ['--no-scratch'],
        'sentencepiece': ['--sizes', '1000', '--no-accuracy']}
    full = {
        'tokenize':   [],                                  # 1,000 to 50,000 reviews
        'data':       [],                                  # 25,000 reviews
        'model':      [],                                  # paper and small configs, 5 steps
        'lm':         [],                                  # small config, 2 runs
        'lm_speed':   [],                                  # IMDb's vocabulary, small and paper configs
        'lm_vocab':   [],                                  # 15k subwords, 30k and 60k words: 3 training minutes each
        'inference':  ['--config', 'small', '--n-docs', '2000', '--n-predict', '100'],
        'classifier': [],                                  # 3 seeds
        'baseline':   [],
        'sentencepiece': []}                               # 1,000 and 5,000 reviews; two `ulmfit train` runs
    if (RUNS/'imdb_lm'/'lm'/'lstm_fwd.pth').exists():
        full['inference'] += ['--pretrained', str(RUNS/'imdb_lm'/'lm')]
        full['baseline'] += ['--encoder', str(RUNS/'imdb_lm')]
    if (RUNS/'imdb'/'model.pth').exists():
        full['baseline'] += ['--run', str(RUNS/'imdb')]
        full['bf16_inference'] = ['--model', str(RUNS/'imdb'/'model.pth')]
    return full

def run_one(name:str, args:list, timeout:float)->dict:
    "One benchmark in a fresh process: its JSON result, with its wall time (or the error it ended with)"
    with tempfile.TemporaryDirectory() as d:
        out, t0 = Path(d)/'result.json', time.perf_counter()
        cmd = [sys.executable, '-m', f'benchmarks.{name}', *args, '--json', str(out)]
        print(f'\n=== {" ".join(cmd[1:-2])}', flush=True)
        try: p = subprocess.run(cmd, timeout=timeout)
        except subprocess.TimeoutExpired: return dict(name=name, error=f'timed out after {timeout:.0f} s', seconds=time.perf_counter() - t0)
        dt = time.perf_counter() - t0
        if p.returncode or not out.exists(): return dict(name=name, error=f'exit status {p.returncode}', seconds=dt)
        return dict(json.loads(out.read_text()), seconds=dt)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='the quick set: under 10 minutes on 2 cores')
    ap.add_argument('--only', nargs='+', default=None, help='run only these benchmarks (and update them in an existing --out)')
    ap.add_argument('--out', default=None, help='the JSON to write (default: benchmarks/results/quick.json or full.json)')
    ap.add_argument('--timeout', type=float, default=1800, help='seconds one benchmark may take')
    a = ap.parse_args(argv)
    todo = plan(a.quick)
    if a.only:
        unknown = set(a.only) - set(todo)
        if unknown: ap.error(f'unknown benchmark(s) {", ".join(sorted(unknown))}: choose from {", ".join(todo)}')
        todo = {k: v for k, v in todo.items() if k in a.only}
    out = Path(a.out or Path(__file__).parent/'results'/f'{"quick" if a.quick else "full"}.json')
    from benchmarks._common import machine_record
    from ulmfit_nb.core import atomic_write_text
    res = dict(mode='quick' if a.quick else 'full', machine=machine_record(), benchmarks={})
    if a.only and out.exists(): res['benchmarks'] = json.loads(out.read_text())['benchmarks']   # --only: update those, keep the others
    t0 = time.perf_counter()
    for name, args in todo.items():
        res['benchmarks'][name] = run_one(name, args, a.timeout)
        res['seconds'] = time.perf_counter() - t0
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out, json.dumps(res, indent=1))        # after each benchmark: an interruption keeps what is done
    failed = [n for n, r in res['benchmarks'].items() if 'error' in r]
    print(f'\n{len(todo)} benchmark(s) in {res["seconds"]/60:.1f} min, written to {out}' + (f'; failed: {", ".join(failed)}' if failed else ''))
    goals = [g for r in res['benchmarks'].values() for g in r.get('goals', [])]
    for g in goals: print(f'  {"met    " if g["met"] else "NOT met"}  {g["goal"]}: {g["measured"]:.2f} (goal {g["target"]})')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
