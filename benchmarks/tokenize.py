"""Tokenization: ulmfit_nb vs fastai.text, same process, same texts, same number of workers.

    python -m benchmarks.tokenize                 # 5,000 IMDb train reviews x 3 runs, then all 50,000
    python -m benchmarks.tokenize --n-docs 2000 --runs 5 --no-full

Both tokenize the same list of texts with `n_workers` processes and fastai's default rules; the
tokens are checked identical first. Then each library runs `--runs` times, alternating, each run in
a fresh child forked from this process (so that memory freed by an earlier run cannot hide the next
one's). Printed: docs/s, tokens/s, wall time and peak memory (the main process's growth, and that
plus its worker processes' private memory) for each library, medians over the runs, and the median
of the runs' speed ratios. Needs IMDb in $FASTAI_HOME/data (see the README).
"""
import argparse, gc, random, sys, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, run_isolated

from fastai.data.external import untar_data, URLs
from fastai.text.core import tokenize_texts as fa_tokenize_texts
from ulmfit_nb.tokenize import tokenize_texts, tokenize_folder

def imdb_texts(path, n=None, seed=0):
    files = sorted((path/'train').glob('*/*.txt')) + sorted((path/'test').glob('*/*.txt'))
    if n is not None:
        files = sorted((path/'train').glob('*/*.txt'))
        random.Random(seed).shuffle(files)
        files = files[:n]
    return [f.read_text(encoding='utf-8') for f in files]

def run_pair(texts, n_workers, runs):
    "Both libraries on `texts`: tokens checked identical, then `runs` alternating runs, each in a fresh child process"
    ours = tokenize_texts(texts, n_workers=n_workers, progress=False)
    theirs = fa_tokenize_texts(texts, n_workers=n_workers)
    same = all(ours[i] == list(theirs[i]) for i in range(len(texts)))
    print(f'  tokens identical on all {len(texts):,} documents: {same}')
    if not same: sys.exit('tokens differ: the benchmark is void')
    del ours, theirs; gc.collect()
    libs = {'fastai': lambda: sum(len(t) for t in fa_tokenize_texts(texts, n_workers=n_workers)),
            'ulmfit_nb': lambda: tokenize_texts(texts, n_workers=n_workers, progress=False).n_tokens}
    rows = {name: [] for name in libs}
    for r in range(runs):
        for name in (list(libs) if r % 2 == 0 else list(libs)[::-1]):
            rows[name].append(run_isolated(libs[name]))      # (n_tokens, seconds, main MB, main+workers MB)
    out = {}
    for name, rs in rows.items():
        dt = median([r[1] for r in rs])
        out[name] = dict(wall=dt, docs_s=len(texts)/dt, tok_s=rs[0][0]/dt,
                         main_mb=median([r[2] for r in rs]), total_mb=median([r[3] for r in rs]))
    out['speed_ratios'] = [f[1]/u[1] for f, u in zip(rows['fastai'], rows['ulmfit_nb'])]
    return out

def report(title, out, runs):
    print(f'\n{title} (median of {runs} run{"s" if runs > 1 else ""})')
    print(f'  {"":10} {"docs/s":>9} {"tokens/s":>11} {"wall s":>8} {"peak MB main":>13} {"main+workers":>13}')
    for name in ('fastai', 'ulmfit_nb'):
        o = out[name]
        print(f'  {name:10} {o["docs_s"]:9,.0f} {o["tok_s"]:11,.0f} {o["wall"]:8.2f} {o["main_mb"]:13,.0f} {o["total_mb"]:13,.0f}')
    f, u, ratios = out['fastai'], out['ulmfit_nb'], out['speed_ratios']
    print(f'  ulmfit_nb/fastai: speed {median(ratios):.2f}x (median of the runs\' ratios: {", ".join(f"{r:.2f}" for r in ratios)}), '
          f'peak memory main {u["main_mb"]/max(f["main_mb"],1):.2f}x, main+workers {u["total_mb"]/max(f["total_mb"],1):.2f}x')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n-docs', type=int, default=5000, help='IMDb train reviews for the speed comparison')
    ap.add_argument('--runs', type=int, default=3, help='runs of each library (medians are reported)')
    ap.add_argument('--workers', type=int, default=2, help='worker processes, both libraries')
    ap.add_argument('--no-full', action='store_true', help='skip the whole 50,000-review IMDb run')
    args = ap.parse_args()
    print(machine())
    path = untar_data(URLs.IMDB)
    texts = imdb_texts(path, args.n_docs)
    print(f'{len(texts):,} IMDb train reviews, {args.workers} workers')
    report(f'{len(texts):,} reviews', run_pair(texts, args.workers, args.runs), args.runs)
    if not args.no_full:
        texts = imdb_texts(path)
        print(f'\nWhole IMDb: {len(texts):,} reviews (train + test), {args.workers} workers')
        report(f'{len(texts):,} reviews', run_pair(texts, args.workers, 1), 1)
        del texts; gc.collect()
        corpus, dt, main_mb, total_mb = run_isolated(lambda: tokenize_folder(path, folders=['train', 'test'], cache=False, progress=False, n_workers=args.workers))
        print(f'  ulmfit_nb tokenize_folder (the workers read the files): {dt:.1f}s, {len(corpus)/dt:,.0f} docs/s, '
              f'peak MB main {main_mb:,.0f}, main+workers {total_mb:,.0f}; {corpus}')
