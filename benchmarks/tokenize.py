"""Tokenization: ulmfit_nb vs fastai.text, same process, same texts, same number of workers.

    python -m benchmarks.tokenize                          # 1,000 to 50,000 IMDb reviews, 3 runs up to 5,000
    python -m benchmarks.tokenize --sizes 1000 4000 --runs 3

For each corpus size (the first reviews of a fixed shuffle of IMDb's train and test reviews) both
libraries tokenize the same list of texts with `--workers` processes and fastai's default rules.
Each library runs `--runs` times (once above `--max-repeat-size` reviews), alternating, each run in a
fresh child forked from this process (so that memory freed by an earlier run cannot hide the next
one's) that first tokenizes 20 texts untimed, as a warm-up (loading spaCy takes ~0.9 s); each run's tokens are checked identical to the other library's (by a digest). Printed: docs/s,
tokens/s, wall time and peak memory (the main process's growth, and that plus its worker processes'
private memory) for each library, medians over the runs, and the median of the runs' speed ratios.
Needs IMDb in $FASTAI_HOME/data (see the README).
"""
import gc, hashlib, random, sys, warnings
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, run_isolated, arg_parser, row, goal, write_result

from fastai.data.external import untar_data, URLs
from fastai.text.core import tokenize_texts as fa_tokenize_texts
from ulmfit_nb.tokenize import tokenize_texts

def imdb_texts(n:int|None=None, seed:int=0)->list[str]:
    "The first `n` of IMDb's 50,000 labelled reviews (train and test) in a fixed random order"
    path = untar_data(URLs.IMDB)
    files = sorted((path/'train').glob('*/*.txt')) + sorted((path/'test').glob('*/*.txt'))
    files = [f for f in files if f.parent.name in ('pos', 'neg')]
    random.Random(seed).shuffle(files)
    return [f.read_text(encoding='utf-8') for f in files[:n]]

def digest(docs)->tuple[int, str]:
    "(number of tokens, a SHA-1 of all of them in order): compares two tokenizations without shipping them between processes"
    h, n = hashlib.sha1(), 0
    for d in docs:
        d = list(d); n += len(d)
        h.update('\x00'.join(d).encode()); h.update(b'\x01')
    return n, h.hexdigest()

WARMUP = 20   # texts each library tokenizes, untimed, in each fresh process before its timed run (spaCy's first load: ~0.9 s)

def run_pair(texts:list, n_workers:int, runs:int)->dict:
    "Both libraries on `texts`, `runs` alternating runs each in a fresh child process: medians, ratios, and whether the tokens agree"
    libs = {'fastai': lambda t=texts: fa_tokenize_texts(t, n_workers=n_workers),
            'ulmfit_nb': lambda t=texts: tokenize_texts(t, n_workers=n_workers, progress=False)}
    rows = {name: [] for name in libs}
    for r in range(runs):
        for name in (list(libs) if r % 2 == 0 else list(libs)[::-1]):
            rows[name].append(run_isolated(libs[name], after=digest, warmup=lambda: libs[name](texts[:WARMUP])))   # ((n_tokens, sha1), seconds, main MB, main+workers MB)
    digests = {r[0] for rs in rows.values() for r in rs}
    if len(digests) != 1: sys.exit(f'tokens differ between the libraries on {len(texts):,} texts: the benchmark is void')
    out = dict(n_docs=len(texts), n_tokens=next(iter(digests))[0], runs=runs, identical=True)
    for name, rs in rows.items():
        dt = median([r[1] for r in rs])
        out[name] = dict(wall=dt, docs_s=len(texts)/dt, tok_s=out['n_tokens']/dt,
                         main_mb=median([r[2] for r in rs]), total_mb=median([r[3] for r in rs]))
    out['speed_ratios'] = [f[1]/u[1] for f, u in zip(rows['fastai'], rows['ulmfit_nb'])]
    return out

def report(out:dict):
    print(f'\n{out["n_docs"]:,} reviews, {out["n_tokens"]:,} tokens, identical in both (median of {out["runs"]} run{"s" if out["runs"] > 1 else ""})')
    print(f'  {"":10} {"docs/s":>9} {"tokens/s":>11} {"wall s":>8} {"peak MB main":>13} {"main+workers":>13}')
    for name in ('fastai', 'ulmfit_nb'):
        o = out[name]
        print(f'  {name:10} {o["docs_s"]:9,.0f} {o["tok_s"]:11,.0f} {o["wall"]:8.2f} {o["main_mb"]:13,.0f} {o["total_mb"]:13,.0f}')
    f, u, ratios = out['fastai'], out['ulmfit_nb'], out['speed_ratios']
    print(f'  ulmfit_nb/fastai: speed {median(ratios):.2f}x (median of the runs\' ratios: {", ".join(f"{r:.2f}" for r in ratios)}), '
          f'peak memory main {u["main_mb"]/max(f["main_mb"],1):.2f}x, main+workers {u["total_mb"]/max(f["total_mb"],1):.2f}x', flush=True)

def table(sweep:list)->list:
    "The rows of the result table: docs/s and peak memory at each size"
    rows = []
    for o in sweep:
        n, f, u = f'{o["n_docs"]:,} reviews', o['fastai'], o['ulmfit_nb']
        rows.append(row(f'{n}: docs/s (median of {o["runs"]})', u['docs_s'], f['docs_s'], 'docs/s', ratio_runs=o['speed_ratios']))
        rows.append(row(f'{n}: peak memory, main process + workers', u['total_mb'], f['total_mb'], 'MB', better='lower'))
    return rows

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--sizes', type=int, nargs='+', default=[1000, 2000, 5000, 10000, 20000, 50000], help='corpus sizes (reviews)')
    ap.add_argument('--runs', type=int, default=3, help='runs of each library (medians are reported)')
    ap.add_argument('--max-repeat-size', type=int, default=5000, help='larger corpora run once per library')
    ap.add_argument('--workers', type=int, default=2, help='worker processes, both libraries')
    args = ap.parse_args()
    print(machine(), f'\n{args.workers} workers, fastai\'s default rules, IMDb reviews in a fixed random order')
    all_texts = imdb_texts(max(args.sizes))
    sweep = []
    for n in args.sizes:
        sweep.append(run_pair(all_texts[:n], args.workers, args.runs if n <= args.max_repeat_size else 1))
        report(sweep[-1]); gc.collect()
    few = [o for o in sweep if 2000 <= o['n_docs'] <= 5000]
    goals = [goal(f'tokenization of {few[-1]["n_docs"]:,} reviews: at least 4x fastai\'s docs/s', 4, median(few[-1]['speed_ratios']))] if few else []
    write_result(args.json, 'tokenize', 'Tokenization', f'{args.workers} worker processes for both, fastai\'s default rules, '
                 'IMDb reviews; tokens checked identical', table(sweep), goals, sweep=sweep)
