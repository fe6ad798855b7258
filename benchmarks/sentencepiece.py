"""SentencePiece subwords: ulmfit_nb beside fastai's SentencePiece path, and what subwords change for ULMFiT on IMDB_SAMPLE.

    python -m benchmarks.sentencepiece                    # speed, vocabulary, xxunk, and accuracy (two `train` runs, ~13 min on 2 cores)
    python -m benchmarks.sentencepiece --no-accuracy      # without the two training runs

Speed: one SentencePiece model (learned by ulmfit_nb from the texts with fastai's settings) cuts the
same IMDb reviews in both libraries — fastai's `tokenize_texts` with its `SentencePieceTokenizer`,
ulmfit_nb's `tokenize_texts` with its own — with `--workers` processes and fastai's default rules;
`--runs` alternating runs each in a fresh child process that first tokenizes 20 texts untimed; the
pieces are checked identical (a digest). Vocabulary and `xxunk`: IMDB_SAMPLE's 800 training reviews
make the vocabularies (spaCy words, or the pieces of a model learned from them; `min_freq=3` for
both) and its 200 validation reviews are counted against them. Accuracy: the recipe's `train` with every
default (IMDB_SAMPLE, the small model from scratch, 10 language-model epochs, the seed's gradual
unfreezing), once with spaCy's words and once with `tokenizer='sentencepiece'`, on the 200
validation reviews. Needs IMDB_SAMPLE and IMDb in $FASTAI_HOME/data (see the README).
"""
import sys, tempfile, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, run_isolated, arg_parser, row, write_result
from benchmarks.tokenize import imdb_texts, digest, WARMUP

import pandas as pd
from fastai.data.external import untar_data, URLs
from fastai.text.core import tokenize_texts as fa_tokenize_texts, SentencePieceTokenizer as FaSentencePieceTokenizer
from ulmfit_nb.tokenize import SentencePieceTokenizer, Numericalize, make_vocab, tokenize_texts

def speed(texts:list, n_workers:int, runs:int)->dict:
    "Both libraries cut `texts` with the same SentencePiece model: docs/s (medians of `runs`), the runs' ratios, identical pieces"
    sp = SentencePieceTokenizer().train(texts, progress=False)
    with tempfile.TemporaryDirectory() as d:
        (Path(d)/'spm.model').write_bytes(sp.model)
        fa_sp = FaSentencePieceTokenizer(sp_model=Path(d)/'spm.model', cache_dir=d)
        libs = {'fastai': lambda t=texts: fa_tokenize_texts(t, n_workers=n_workers, tok=fa_sp),
                'ulmfit_nb': lambda t=texts: tokenize_texts(t, n_workers=n_workers, tok=sp, progress=False)}
        times = {name: [] for name in libs}
        digests = set()
        for r in range(runs):
            for name in (list(libs) if r % 2 == 0 else list(libs)[::-1]):
                res, dt, *_ = run_isolated(libs[name], after=digest, warmup=lambda: libs[name](texts[:WARMUP]))
                times[name].append(dt); digests.add(res)
    if len(digests) != 1: sys.exit(f'the pieces differ between the libraries on {len(texts):,} texts: the benchmark is void')
    out = dict(n_docs=len(texts), n_pieces=next(iter(digests))[0], model_pieces=len(sp.pieces), runs=runs,
               **{name: len(texts) / median(ts) for name, ts in times.items()})
    out['speed_ratios'] = [f / u for f, u in zip(times['fastai'], times['ulmfit_nb'])]
    print(f'{len(texts):,} reviews, {out["n_pieces"]:,} pieces (a model of {out["model_pieces"]:,}), identical: fastai {out["fastai"]:,.0f} docs/s, '
          f'ulmfit_nb {out["ulmfit_nb"]:,.0f} docs/s, {median(out["speed_ratios"]):.2f}x', flush=True)
    return out

def coverage()->dict:
    "Vocabulary sizes and the share of `xxunk` in IMDB_SAMPLE's validation reviews, for words and for subwords learned from the training reviews"
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    train, valid = df[~df.is_valid].text.tolist(), df[df.is_valid].text.tolist()
    out = {}
    for kind, tok in (('words', None), ('subwords', SentencePieceTokenizer().train(train, progress=False))):
        vocab = make_vocab(tokenize_texts(train, tok=tok, progress=False), min_freq=3)
        ids = Numericalize(vocab).corpus(tokenize_texts(valid, tok=tok, progress=False)).ids
        out[kind] = dict(vocab=len(vocab), valid_tokens=len(ids), xxunk=float((ids == vocab.index('xxunk')).mean()))
        print(f'{kind}: vocabulary of {len(vocab):,}, {len(ids):,} validation tokens, {out[kind]["xxunk"]:.2%} of them xxunk', flush=True)
    return out

def accuracy()->dict:
    "The recipe's `train` with every default, with words and with subwords: validation accuracy and minutes, from each run's metrics"
    from contextlib import redirect_stdout
    from ulmfit_nb.recipe import train
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for kind, extra in (('words', {}), ('subwords', {'tokenizer': 'sentencepiece'})):
            with redirect_stdout(None): m = train('imdb_sample', f'{d}/{kind}', show=False, **extra).metrics
            out[kind] = dict(accuracy=m['stages']['evaluate']['accuracy'], minutes=m['wall_seconds'] / 60, vocab=m['stages']['lm']['vocab'],
                             precision=m['precision'])
            print(f'{kind}: accuracy {out[kind]["accuracy"]:.4f}, {out[kind]["minutes"]:.1f} min, vocabulary of {out[kind]["vocab"]:,}', flush=True)
    return out

def table(sweep:list, cov:dict, acc:dict|None)->list:
    rows = [row(f'{o["n_docs"]:,} reviews: docs/s (median of {o["runs"]})', o['ulmfit_nb'], o['fastai'], 'docs/s', ratio_runs=o['speed_ratios'])
            for o in sweep]
    for kind in ('subwords', 'words'):
        rows.append(row(f'IMDB_SAMPLE, {kind}: vocabulary (from the 800 training reviews, min_freq 3)', cov[kind]['vocab']))
        rows.append(row(f'IMDB_SAMPLE, {kind}: share of xxunk in the 200 validation reviews', round(100 * cov[kind]['xxunk'], 2), None, '%'))
    for kind in ('subwords', 'words') if acc else ():
        rows.append(row(f'`ulmfit train`, every default, {kind}: validation accuracy', acc[kind]['accuracy']))
        rows.append(row(f'`ulmfit train`, every default, {kind}: wall time', round(acc[kind]['minutes'], 1), None, 'min'))
    return rows

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--sizes', type=int, nargs='+', default=[1000, 5000], help='IMDb reviews cut in the speed runs')
    ap.add_argument('--runs', type=int, default=3, help='runs of each library (medians are reported)')
    ap.add_argument('--workers', type=int, default=2, help='worker processes, both libraries')
    ap.add_argument('--no-accuracy', action='store_true', help='skip the two `ulmfit train` runs')
    args = ap.parse_args()
    print(machine(), f'\n{args.workers} workers, fastai\'s default rules and SentencePiece settings')
    all_texts = imdb_texts(max(args.sizes))
    sweep = [speed(all_texts[:n], args.workers, args.runs) for n in args.sizes]
    cov = coverage()
    acc = None if args.no_accuracy else accuracy()
    write_result(args.json, 'sentencepiece', 'SentencePiece subwords', f'{args.workers} worker processes for both, one SentencePiece model '
                 f'(fastai\'s settings) learned from the texts, fastai\'s default rules; pieces checked identical', table(sweep, cov, acc),
                 sweep=sweep, coverage=cov, accuracy=acc)
