"""Data loaders: ulmfit_nb vs fastai.text, built the user's way on the same DataFrame.

    python -m benchmarks.data                    # IMDb's 25,000 train reviews, bs 64, seq_len 72
    python -m benchmarks.data --n-docs 5000

Both libraries build `TextDataLoaders.from_df` on the same DataFrame (the IMDb train reviews, every
10th one for validation) with the same bs and seq_len, then iterate one training epoch of the
language-model loader and one of the classifier loader. Each build + epoch runs in a fresh child
process (so that memory freed by an earlier run cannot hide the next one's); printed: the build
time, the epoch's tokens/s, the peak memory growth of the process, and the ratios. ulmfit_nb's
tokenization cache is warmed first and its build time is given both ways; fastai has no cache.
"""
import gc, random, sys, time, warnings
warnings.filterwarnings('ignore')
from benchmarks._common import machine, run_isolated, arg_parser, row, write_result

import numpy as np, pandas as pd, torch
from fastai.data.external import untar_data, URLs
from fastai.text.data import TextDataLoaders as FaTextDataLoaders
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.tokenize import tokenize_df

def imdb_df(n_docs):
    files = sorted((untar_data(URLs.IMDB)/'train').glob('*/*.txt'))
    files = [files[i] for i in sorted(random.Random(0).sample(range(len(files)), n_docs))]
    return pd.DataFrame({'text': [f.read_text() for f in files], 'label': [f.parent.name for f in files],
                         'is_valid': [i % 10 == 0 for i in range(len(files))]})

def epoch(dl):
    "(tokens, seconds) of one pass over `dl`"
    n, t0 = 0, time.perf_counter()
    for b in dl: n += b[0].numel()
    return n, time.perf_counter() - t0

def build_and_iterate(lib, df, is_lm, bs, seq_len):
    cls = TextDataLoaders if lib == 'ulmfit_nb' else FaTextDataLoaders
    kw = dict(text_col='text', valid_col='is_valid', bs=bs, seq_len=seq_len, device='cpu')
    kw.update(is_lm=True) if is_lm else kw.update(label_col='label')
    t0 = time.perf_counter()
    dls = cls.from_df(df, **kw)
    build = time.perf_counter() - t0
    n, dt = epoch(dls.train)
    n_doc_tokens = int(dls.train.dataset.n_tokens) if lib == 'ulmfit_nb' else None
    return dict(build=build, tokens=n, epoch=dt, doc_tokens=n_doc_tokens)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--n-docs', type=int, default=25000)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--seq-len', type=int, default=72)
    args = ap.parse_args()
    print(machine())
    df = imdb_df(args.n_docs)
    print(f'{len(df):,} IMDb train reviews ({int(df.is_valid.sum()):,} for validation), bs {args.bs}, seq_len {args.seq_len}')
    t0 = time.perf_counter(); corpus = tokenize_df(df, 'text', progress=False, cache=False); cold = time.perf_counter() - t0
    tokenize_df(df, 'text', progress=False)             # fills the cache (if an earlier run has not)
    print(f'ulmfit_nb tokenization (no cache, {corpus.n_tokens:,} tokens): {cold:.1f}s; the builds below read the cache')
    del corpus; gc.collect()
    rows = []
    for is_lm, name in ((True, 'language-model loader'), (False, 'classifier loader')):
        res = {}
        for lib in ('fastai', 'ulmfit_nb'):
            out, _, main_mb, _ = run_isolated(lambda: build_and_iterate(lib, df, is_lm, args.bs, args.seq_len))
            res[lib] = dict(out, mem=main_mb)
        print(f'\n{name}: build with from_df, then one training epoch')
        print(f'  {"":10} {"build s":>8} {"epoch s":>8} {"tokens/s":>12} {"peak MB":>8}')
        for lib, r in res.items():
            print(f'  {lib:10} {r["build"]:8.1f} {r["epoch"]:8.2f} {r["tokens"]/r["epoch"]:12,.0f} {r["mem"]:8,.0f}')
        f, u = res['fastai'], res['ulmfit_nb']
        rows += [row(f'{name}: one training epoch', u['tokens']/u['epoch'], f['tokens']/f['epoch'], 'tokens/s'),
                 row(f'{name}: building with from_df, tokenizing included', cold + u['build'], f['build'], 's', better='lower'),
                 row(f'{name}: building again (ulmfit_nb reads its tokenization cache; fastai has none)', u['build'], f['build'], 's', better='lower'),
                 row(f'{name}: peak memory growth, build + epoch', u['mem'], f['mem'], 'MB', better='lower')]
        print(f'  ulmfit_nb/fastai: epoch throughput {(u["tokens"]/u["epoch"]) / (f["tokens"]/f["epoch"]):.1f}x, '
              f'peak memory {u["mem"] / f["mem"]:.2f}x')
        if is_lm:
            arr_mb = u['doc_tokens'] * 4 / 2**20
            print(f'  ulmfit_nb: the training documents hold {u["doc_tokens"]:,} tokens, {arr_mb:,.0f} MB as an int32 array; '
                  f'building and iterating took {u["mem"]:,.0f} MB at the peak ({u["mem"] / arr_mb:.1f}x)')
    write_result(args.json, 'data', 'Data loaders', f'TextDataLoaders.from_df on {len(df):,} IMDb train reviews '
                 f'({int(df.is_valid.sum()):,} for validation), bs {args.bs}, seq_len {args.seq_len}; each build + epoch in a fresh process', rows)
