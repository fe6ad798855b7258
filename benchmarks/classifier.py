"""Classifier accuracy: ulmfit_nb vs fastai.text on IMDB_SAMPLE, same data, config, epochs and seeds, no pretraining.

    python -m benchmarks.classifier                # small config, seeds 0 1 2
    python -m benchmarks.classifier --seeds 0 --config paper

Both libraries build the classifier data from the same DataFrame (the same vocabulary, checked),
start from random weights (no language model: what a CPU user without WikiText-103 gets) and train
with the seed's gradual-unfreezing schedule — 1 epoch for the head, then one more layer group per
epoch, then 2 epochs for everything, discriminative learning rates 2.6x apart, Adam with wd 0.1,
one-cycle momentums (0.8, 0.7, 0.8) — with the same seeds. Printed: the validation accuracy of each
run, the means, the difference, and the training time.
"""
import time, warnings
from functools import partial
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, arg_parser, row, write_result

import numpy as np, pandas as pd, torch
from fastai.basics import Adam, accuracy, set_seed
from fastai.data.external import untar_data, URLs
from fastai.text.all import (TextDataLoaders as FaTextDataLoaders, text_classifier_learner as fa_text_classifier_learner,
                             AWD_LSTM as FaAWD_LSTM)
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.classifier import text_classifier_learner, fine_tune_ulmfit
from ulmfit_nb.model import AWD_LSTM, awd_lstm_clas_config, awd_lstm_clas_small_config

CONFIGS = {'paper': awd_lstm_clas_config, 'small': awd_lstm_clas_small_config}   # whole configs: fastai's learner replaces its default config with the one given

def seed_schedule(learn, lr, n_groups, moms=(0.8, 0.7, 0.8), wd=0.1):
    "The seed's gradual unfreezing, written out (for fastai's learner)"
    learn.fit_one_cycle(1, lr, moms=moms, wd=wd)
    for n, div in ((2, 2), (3, 2)):
        learn.freeze_to(-n); lr /= div
        learn.fit_one_cycle(1, slice(lr / 2.6**(n_groups - 1), lr), moms=moms, wd=wd)
    learn.unfreeze(); lr /= 5
    learn.fit_one_cycle(2, slice(lr / 2.6**(n_groups - 1), lr), moms=moms, wd=wd)

def train(lib, dls, cfg, seed, bs):
    set_seed(seed)
    kw = dict(config=cfg, drop_mult=0.5, pretrained=False, metrics=[accuracy], opt_func=partial(Adam, wd=0.1))
    t0 = time.perf_counter()
    if lib == 'fastai':
        learn = fa_text_classifier_learner(dls, FaAWD_LSTM, **kw)
        with learn.no_bar(), learn.no_logging(): seed_schedule(learn, 1e-1 * bs / 128, len(learn.splitter(learn.model)))
    else:
        learn = text_classifier_learner(dls, AWD_LSTM, **kw)
        with learn.no_bar(), learn.no_logging(): fine_tune_ulmfit(learn, show_stages=False)
    return learn.recorder.values[-1][2], time.perf_counter() - t0

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--config', default='small', choices=list(CONFIGS))
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--bs', type=int, default=32)
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    kw = dict(text_col='text', label_col='label', valid_col='is_valid', bs=args.bs, device='cpu')
    dls = {'fastai': FaTextDataLoaders.from_df(df, **kw), 'ulmfit_nb': TextDataLoaders.from_df(df, **kw)}
    assert list(dls['fastai'].vocab[0]) == dls['ulmfit_nb'].vocab[0], 'the two vocabularies differ'
    print(f'IMDB_SAMPLE classifier (800 train / 200 valid), {args.config} config, no pretraining, bs {args.bs}, seeds {args.seeds}')
    res = {'fastai': [], 'ulmfit_nb': []}
    for seed in args.seeds:
        for lib in res:
            acc, dt = train(lib, dls[lib], CONFIGS[args.config], seed, args.bs)
            res[lib].append((acc, dt))
            print(f'  seed {seed}: {lib:10} accuracy {acc:.3f}  ({dt:.0f}s)', flush=True)
    print()
    for lib, rs in res.items():
        print(f'  {lib:10} mean accuracy {np.mean([r[0] for r in rs]):.4f}  median time {median([r[1] for r in rs]):.0f}s')
    d = np.mean([r[0] for r in res['ulmfit_nb']]) - np.mean([r[0] for r in res['fastai']])
    print(f'  ulmfit_nb - fastai: {100 * d:+.1f} points of accuracy '
          f'({median([r[1] for r in res["fastai"]]) / median([r[1] for r in res["ulmfit_nb"]]):.2f}x the training speed)')
    acc = {lib: float(np.mean([r[0] for r in rs])) for lib, rs in res.items()}
    secs = {lib: median([r[1] for r in rs]) for lib, rs in res.items()}
    rows = [row(f'validation accuracy, mean of {len(args.seeds)} seed(s)', acc['ulmfit_nb'], acc['fastai'], '',
                per_seed={lib: [r[0] for r in rs] for lib, rs in res.items()}),
            row('training time (median)', secs['ulmfit_nb'], secs['fastai'], 's', better='lower')]
    write_result(args.json, 'classifier', 'Classifier accuracy on the same budget', f'IMDB_SAMPLE (800 train / 200 validation reviews), '
                 f'{args.config} config, no pretraining, the seed\'s gradual unfreezing (5 epochs), bs {args.bs}, seeds {args.seeds}; '
                 'both in fp32 (the classifier learners do not use bf16)', rows)
