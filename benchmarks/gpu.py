"""The GPU run: ulmfit_nb vs fastai.text language-model training in fp16, classifier inference, a shortened whole-IMDb run.

    python -m benchmarks.gpu           # on one GPU: at most ~8 minutes, writes benchmarks/results/gpu.json
    python -m benchmarks.gpu --dry     # on a CPU: the same code on tiny data in fp32, to check it runs (under a minute)

1. **LM training speed**, paper config (400/1152/3), fp16 (`learn.to_fp16()`, fastai's mixed precision): both
   libraries build language-model loaders from the same `--speed-texts` IMDb train reviews (the same
   vocabulary, checked), start from the same weights, run a short warm-up, then one timed epoch of
   `fit_one_cycle` each; tokens/s and validation loss.
2. **A shortened whole-IMDb run** with ulmfit_nb's recipe (`train_lm`, then `train_classifier`): one
   language-model epoch (fp16, from scratch: the WikiText-103 weights need the internet) on `--lm-texts`
   of IMDb's train + unsup reviews, then its encoder into a classifier trained on all 25,000 train
   reviews with one pass of gradual unfreezing (1 epoch per stage), then the accuracy on the 25,000
   test reviews.
3. **Classifier inference**: `predict_texts` of the exported model on the 25,000 test reviews (raw text in),
   in fp32 and in fp16 (`precision`); docs/s.
Every phase's wall time is in the JSON with the GPU's name. Needs IMDb in $FASTAI_HOME/data.
"""
import shutil, tempfile, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, arg_parser, row, write_result

import numpy as np, pandas as pd, torch
from fastai.basics import set_seed
from fastai.callback.training import ShortEpochCallback
from fastai.data.external import untar_data, URLs
from fastai.text.all import (TextDataLoaders as FaTextDataLoaders, language_model_learner as fa_language_model_learner,
                             AWD_LSTM as FaAWD_LSTM)
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.lm_finetune import language_model_learner
from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_config, awd_lstm_lm_small_config
from ulmfit_nb.recipe import load_model, train_classifier, train_lm

def imdb_frames(n_lm:int, n_clas:int|None, seed:int=0):
    "(train, unsup and test reviews as DataFrames): `n_clas` of each labelled split (all: None), `n_lm` of train + unsup for the LM"
    path, rng = untar_data(URLs.IMDB), np.random.default_rng(seed)
    def read(folders, n):
        files = [f for d in folders for f in sorted((path/d).glob('*.txt'))]
        if n is not None and n < len(files): files = [files[i] for i in sorted(rng.choice(len(files), n, replace=False))]
        return pd.DataFrame({'text': [f.read_text() for f in files], 'label': [f.parent.name for f in files]})
    train, test = read(['train/pos', 'train/neg'], n_clas), read(['test/pos', 'test/neg'], n_clas)
    lm = read(['train/pos', 'train/neg', 'unsup'], n_lm)
    return train, test, lm.assign(is_valid=np.arange(len(lm)) % 20 == 0)

def timed_fit(learn, n_tokens):
    "Warm-up (a tenth of an epoch), then one timed epoch of fit_one_cycle: (tokens/s, validation loss)"
    with learn.no_bar(), learn.no_logging():
        learn.fit(1, 1e-3, cbs=ShortEpochCallback(pct=0.1, short_valid=True))
        if torch.cuda.is_available(): torch.cuda.synchronize()
        t0 = time.perf_counter(); learn.fit_one_cycle(1, 2e-3)
        if torch.cuda.is_available(): torch.cuda.synchronize()
        return n_tokens / (time.perf_counter() - t0), float(learn.recorder.values[-1][1])

def lm_speed(df, cfg, bs, fp16, device):
    "Both libraries' language_model_learner on the same texts, same weights: tokens/s and validation loss"
    kw = dict(text_col='text', is_lm=True, valid_col='is_valid', bs=bs, seq_len=72, device=device)
    dls = {'fastai': FaTextDataLoaders.from_df(df, **kw), 'ulmfit_nb': TextDataLoaders.from_df(df, **kw)}
    assert list(dls['fastai'].vocab) == dls['ulmfit_nb'].vocab, 'the two vocabularies differ'
    set_seed(0)
    fa = fa_language_model_learner(dls['fastai'], FaAWD_LSTM, config=cfg, pretrained=False)
    ours = language_model_learner(dls['ulmfit_nb'], AWD_LSTM, config=cfg, pretrained=False)
    ours.model.load_state_dict(fa.model.state_dict())
    n_tokens = len(dls['fastai'].train) * bs * 72
    res = {}
    for lib, learn in (('fastai', fa), ('ulmfit_nb', ours)):
        if fp16: learn.to_fp16()
        res[lib] = timed_fit(learn, n_tokens)
        print(f'  {lib:10} {res[lib][0]:12,.0f} tokens/s, validation loss {res[lib][1]:.4f}', flush=True)
    return res, len(dls['fastai'].vocab)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--dry', action='store_true', help='tiny data, small model, fp32: checks the script on a CPU')
    ap.add_argument('--speed-texts', type=int, default=5000, help='IMDb reviews for the LM speed comparison')
    ap.add_argument('--lm-texts', type=int, default=20000, help='IMDb train + unsup reviews for the one LM epoch')
    ap.add_argument('--bs', type=int, default=64)
    args = ap.parse_args()
    gpu = torch.cuda.is_available() and not args.dry
    device, fp16 = ('cuda' if gpu else 'cpu'), gpu
    n_speed, n_lm, n_clas = (200, 400, 200) if args.dry else (args.speed_texts, args.lm_texts, None)
    if args.dry: args.bs = 16
    elif args.json is None: args.json = str(Path(__file__).parent/'results'/'gpu.json')
    lm_cfg = awd_lstm_lm_small_config if args.dry else awd_lstm_lm_config
    print(machine(), f'| {"dry run: " if args.dry else ""}{device}, {"fp16" if fp16 else "fp32"}', flush=True)
    t_start = time.perf_counter(); phases = {}
    train, test, lm_df = imdb_frames(n_lm, n_clas)
    t0 = time.perf_counter()
    print(f'1. LM training speed, {"small" if args.dry else "paper"} config, {n_speed:,} reviews, bs {args.bs} x 72', flush=True)
    speed, vocab = lm_speed(lm_df.iloc[:n_speed], lm_cfg, args.bs, fp16, device)
    phases['lm_speed'] = time.perf_counter() - t0
    t0 = time.perf_counter()
    print(f'2. one LM epoch on {len(lm_df):,} IMDb train + unsup reviews, then gradual unfreezing on {len(train):,} train reviews', flush=True)
    tmp = Path(tempfile.mkdtemp())                                      # the two runs' folders and their CSV files
    lm_df[['text']].to_csv(tmp/'lm.csv', index=False)
    pd.concat([train.assign(is_valid=False), test.assign(is_valid=True)]).to_csv(tmp/'clas.csv', index=False)
    machine_kw = dict(bs=args.bs, device=device, precision='fp16' if fp16 else 'fp32', show=False)
    lm_run = train_lm(tmp/'lm.csv', tmp/'lm', pretrained='none', size='small' if args.dry else 'paper', epochs_lm=1, **machine_kw)
    phases['lm_epoch'] = time.perf_counter() - t0; t0 = time.perf_counter()
    clas_run = train_classifier(tmp/'clas.csv', tmp/'clf', encoder=tmp/'lm', valid_col='is_valid', epochs_clas=(1, 1, 1, 1), **machine_kw)
    acc = clas_run.metrics['stages']['evaluate']['accuracy']
    phases['classifier'] = time.perf_counter() - t0; t0 = time.perf_counter()
    print(f'3. classifier inference on {len(test):,} test reviews', flush=True)
    clf = load_model(clas_run.path/'model.pth', device, 'fp32')
    rates = {}
    for mode in ('fp32', 'fp16') if gpu else ('fp32',):
        clf.precision = mode
        clf.predict_texts(test.text.tolist()[:64], progress=False)                    # warm-up
        t1 = time.perf_counter(); labels, _ = clf.predict_texts(test.text.tolist(), progress=False); dt = time.perf_counter() - t1
        rates[mode] = len(test) / dt
        print(f'  predict_texts {mode}: {rates[mode]:,.0f} docs/s, test accuracy {np.mean(np.array(labels) == test.label.values):.4f}', flush=True)
    phases['inference'] = time.perf_counter() - t0
    shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - t_start
    print(f'shortened whole-IMDb run: test accuracy {acc:.4f}; phases (s): {", ".join(f"{k} {v:.0f}" for k, v in phases.items())}; total {total:.0f} s')
    prec = 'fp16' if fp16 else 'fp32'
    rows = [row(f'LM training, {prec}: tokens/s', speed['ulmfit_nb'][0], speed['fastai'][0], 'tokens/s'),
            row(f'LM training, {prec}: validation loss after one epoch', speed['ulmfit_nb'][1], speed['fastai'][1], '', better='lower'),
            row('shortened whole-IMDb run: test accuracy', acc, None, '', lm_texts=len(lm_df), seconds=phases['lm_epoch'] + phases['classifier'])]
    rows += [row(f'classifier inference, predict_texts {m}', r, None, 'docs/s') for m, r in rates.items()]
    write_result(args.json, 'gpu', 'On a GPU', f'{"DRY RUN on the CPU, tiny data: " if args.dry else ""}LM speed on {n_speed:,} reviews '
                 f'(vocabulary {vocab:,}); one LM epoch on {len(lm_df):,} reviews from scratch, gradual unfreezing 1,1,1,1 on {len(train):,}; '
                 f'inference on {len(test):,} test reviews', rows, phases=phases, total_seconds=total, dry=args.dry)
