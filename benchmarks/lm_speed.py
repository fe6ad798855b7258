"""Language-model training speed on IMDb's vocabulary: ulmfit_nb's chunked decoder loss vs the plain loss vs fastai.text.

    python -m benchmarks.lm_speed                         # small and paper configs, IMDb's 25,000 train texts
    python -m benchmarks.lm_speed --configs small --batches 30

The language model's data is what `ulmfit lm --data imdb` trains on: IMDb's 25,000 train reviews
(1% held out for validation), tokenized once by ulmfit_nb (fastai's tokens, checked identical in
benchmarks.tokenize) into ulmfit_nb's loaders, bs 64 x 72, and its vocabulary (min_freq 3, at most
60,000: about 38,000 words). On those same batches, from the same initial weights (fastai's), with
the same seed and optimizer (Adam, wd 0.1, one constant learning rate), three learners train
`--batches` batches each: fastai's `language_model_learner` (fp32: fastai's mixed precision refuses
CPUs), ulmfit_nb's with the plain loss (`chunked_loss=False`: ulmfit_nb before the chunked loss) and with
`ChunkedDecoderLoss` (its default on a CPU); then each validates on the held-out texts. Printed: the
median time of a training batch (the first two are warm-up) as tokens/s, the validation loss, and
the ratios. On a CPU with bf16 units, ulmfit_nb trains also under bf16, plain and chunked.
"""
import time, warnings
from functools import partial
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, arg_parser, row, goal, write_result

import pandas as pd, torch
from fastai.basics import Adam, Callback, CancelTrainException, set_seed
from fastai.data.external import untar_data, URLs
from fastai.text.all import language_model_learner as fa_language_model_learner, AWD_LSTM as FaAWD_LSTM
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.lm_finetune import language_model_learner
from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_config, awd_lstm_lm_small_config
from ulmfit_nb.precision import cpu_bf16_pays

CONFIGS = {'small': awd_lstm_lm_small_config, 'paper': awd_lstm_lm_config}

class BatchTimes(Callback):
    "Time each training batch (forward, loss, backward, step); stop training after `n` batches"
    order = -100
    def __init__(self, n:int): self.n, self.times = n, []
    def before_batch(self):
        if self.training: self.t0 = time.perf_counter()
    def after_batch(self):
        if not self.training: return
        self.times.append(time.perf_counter() - self.t0)
        if len(self.times) >= self.n: raise CancelTrainException

def imdb_lm_data(bs:int, seq_len:int)->TextDataLoaders:
    "IMDb's 25,000 train reviews as a language model's loaders, 1% held out"
    folder = untar_data(URLs.IMDB)/'train'
    texts = [p.read_text(encoding='utf-8') for d in ('pos', 'neg') for p in sorted((folder/d).glob('*.txt'))]
    return TextDataLoaders.from_df(pd.DataFrame({'text': texts}), text_col='text', is_lm=True, valid_pct=0.01, seed=0,
                                   bs=bs, seq_len=seq_len, device='cpu', tok_kwargs=dict(progress=False))

def run(kind:str, dls, cfg:dict, init:dict, n:int, lr:float, seed:int, order_state)->dict:
    "Train `n` batches with learner `kind` from `init`, then validate: tokens/s (median batch) and validation loss"
    kw = dict(config=cfg, pretrained=False, opt_func=partial(Adam, wd=0.1))
    if kind == 'fastai': learn = fa_language_model_learner(dls, FaAWD_LSTM, **kw)
    else:
        precision, chunked = kind.split()                           # e.g. 'fp32 chunked'
        learn = language_model_learner(dls, AWD_LSTM, precision=precision, chunked_loss=chunked == 'chunked', **kw)
    learn.model.load_state_dict(init)
    dls.train.rng.setstate(order_state); set_seed(seed)          # the same batches and dropout masks for every learner
    timer = BatchTimes(n)
    with learn.no_bar(), learn.no_logging():
        learn.fit(1, lr, cbs=timer)
        valid_loss = float(learn.validate()[0])
    batch_s = median(timer.times[2:])
    return dict(tok_s=dls.train.bs * dls.train.seq_len / batch_s, batch_s=batch_s, valid_loss=valid_loss)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--configs', nargs='+', default=['small', 'paper'], choices=list(CONFIGS))
    ap.add_argument('--batches', type=int, default=None, help='training batches per learner (default: 30 small, 8 paper)')
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--seq-len', type=int, default=72)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=42)
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    t0 = time.perf_counter(); dls = imdb_lm_data(args.bs, args.seq_len); t_data = time.perf_counter() - t0
    n_train = dls.train.dataset.n_tokens
    print(f'IMDb train texts: vocabulary {len(dls.vocab):,}, {n_train:,} training tokens ({len(dls.train)} batches of {args.bs} x {args.seq_len}), '
          f'{len(dls.valid)} validation batches; tokenized and loaded in {t_data:.0f} s', flush=True)
    kinds = ['fastai', 'fp32 plain', 'fp32 chunked'] + (['bf16 plain', 'bf16 chunked'] if cpu_bf16_pays() else [])
    rows, goals, res_all = [], [], {}
    order_state = dls.train.rng.getstate()
    for name in args.configs:
        cfg, n = CONFIGS[name], args.batches or (30 if name == 'small' else 8)
        torch.manual_seed(args.seed)
        init = fa_language_model_learner(dls, FaAWD_LSTM, config=cfg, pretrained=False).model.state_dict()
        print(f'\n{name} config, {n} training batches each, Adam at {args.lr}:')
        res = {}
        for kind in kinds:
            res[kind] = run(kind, dls, cfg, init, n, args.lr, args.seed, order_state)
            print(f'  {kind:13} {res[kind]["tok_s"]:7,.0f} tokens/s  ({res[kind]["batch_s"]:.2f} s a batch)  valid_loss {res[kind]["valid_loss"]:.4f}', flush=True)
        f = res['fastai']
        for kind in kinds[1:]:
            r = res[kind]
            print(f'  ulmfit_nb {kind} / fastai fp32: {r["tok_s"] / f["tok_s"]:.2f}x tokens/s, validation loss {(r["valid_loss"] - f["valid_loss"]) / f["valid_loss"]:+.2%}')
            rows += [row(f'{name} config, ulmfit_nb {kind}: training', r['tok_s'], f['tok_s'], 'tokens/s', config=name, kind=kind),
                     row(f'{name} config, ulmfit_nb {kind}: validation loss', r['valid_loss'], f['valid_loss'], '', better='lower', config=name, kind=kind)]
        best = max(kinds[1:], key=lambda k: res[k]['tok_s'])
        target = 2.0 if name == 'small' else 1.5
        goals += [goal(f'{name} config, IMDb vocabulary ({len(dls.vocab):,} words): ulmfit_nb\'s fastest ({best}) at least {target}x fastai fp32 tokens/s',
                       target, res[best]['tok_s'] / f['tok_s']),
                  goal(f'... its validation loss after the same batches within 1% of fastai\'s (1 - |relative difference|, at least 0.99)', 0.99,
                       1 - abs(res[best]['valid_loss'] - f['valid_loss']) / f['valid_loss'])]
        res_all[name] = res
    write_result(args.json, 'lm_speed', 'Language-model training speed (IMDb vocabulary)',
                 f'IMDb\'s 25,000 train reviews ({len(dls.vocab):,}-word vocabulary, {n_train:,} tokens), bs {args.bs} x {args.seq_len}, '
                 f'same batches, initial weights and seed; median training batch after 2 of warm-up', rows, goals,
                 n_train_tokens=n_train, vocab=len(dls.vocab), data_seconds=t_data, results=res_all)
