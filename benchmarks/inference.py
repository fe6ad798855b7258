"""Classifier inference on raw texts: ulmfit_nb `predict_texts` vs fastai `learn.predict` and `learn.get_preds`.

    python -m benchmarks.inference                       # paper config, 2,000 IMDb test reviews
    python -m benchmarks.inference --config small --pretrained ~/.fastai/models/imdb_small_fwd

Both libraries get the same trained classifier weights and the same vocabulary (built by each
library from the same IMDB_SAMPLE texts, checked equal): ulmfit_nb's classifier trains its head on
IMDB_SAMPLE for `--fit-epochs` on a frozen encoder — random, or pretrained language-model weights
with `--pretrained` (then the predictions carry signal, which the int8 agreement needs) — and
fastai's model loads its weights. On the same IMDb test reviews, raw text in:
- fastai `learn.predict(text)` in a loop, on the first `--n-predict` reviews (it is slow: its docs/s
  is measured there);
- fastai `learn.get_preds(dl=learn.dls.test_dl(texts))` on all of them;
- ulmfit_nb `predict_texts(texts)` (tokenizing in parallel) on all of them, fp32, then int8 dynamic
  quantization, and bf16 autocast where the CPU has bf16 units (the default there).
Each is warmed up first on 20 other reviews, untimed.
Printed: docs/s, the speed ratios, whether the predicted labels are identical, and the peak memory
each run adds (this process's growth plus its tokenizer workers'). The runs share one process: a
child forked after torch has trained hangs in its first OpenMP region (libgomp is not fork-safe),
so the memory of a later run can be hidden by memory an earlier one freed; fastai's runs go first.
"""
import copy, time, warnings
from functools import partial
warnings.filterwarnings('ignore')
from benchmarks._common import machine, timed, arg_parser, row, goal, write_result

import numpy as np, pandas as pd, torch
from fastai.data.external import untar_data, URLs
from fastai.text.all import (TextDataLoaders as FaTextDataLoaders, text_classifier_learner as fa_text_classifier_learner,
                             AWD_LSTM as FaAWD_LSTM)
from fastai.basics import accuracy, set_seed
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.classifier import text_classifier_learner
from ulmfit_nb.model import AWD_LSTM, awd_lstm_clas_config, awd_lstm_clas_small_config
from ulmfit_nb.precision import cpu_bf16_pays

CONFIGS = {'paper': awd_lstm_clas_config, 'small': awd_lstm_clas_small_config}   # whole configs: fastai's learner replaces its default config with the one given

def test_texts(n):
    "`n` IMDb test reviews picked at random (fixed seed), and 20 others for warming up"
    files = sorted((untar_data(URLs.IMDB)/'test').glob('*/*.txt'))
    pick = np.random.default_rng(0).choice(len(files), n + 20, replace=False)
    texts = [files[i].read_text() for i in pick]
    return texts[:n], texts[n:]

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--config', default='paper', choices=list(CONFIGS))
    ap.add_argument('--n-docs', type=int, default=2000)
    ap.add_argument('--n-predict', type=int, default=100, help='reviews for the (slow) learn.predict loop')
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--fit-epochs', type=int, default=1, help="epochs of head training before measuring")
    ap.add_argument('--pretrained', default=None, help="a folder with language-model weights in fastai's format (lstm_fwd.pth/.pkl) "
                    "for the encoder, e.g. the IMDb-pretrained small model of 04_lm_finetune: $FASTAI_HOME/models/imdb_small_fwd")
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    kw = dict(text_col='text', label_col='label', valid_col='is_valid', bs=args.bs, device='cpu')
    fa_dls, dls = FaTextDataLoaders.from_df(df, **kw), TextDataLoaders.from_df(df, **kw)
    assert list(fa_dls.vocab[0]) == dls.vocab[0], 'the two vocabularies differ'
    cfg = CONFIGS[args.config]
    set_seed(0)
    learn = text_classifier_learner(dls, AWD_LSTM, config=cfg, pretrained=args.pretrained is not None, pretrained_fnames=args.pretrained,
                                    metrics=[accuracy])
    learn.freeze()
    t0 = time.time()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(args.fit_epochs, 2e-2)
    print(f'head trained for {args.fit_epochs} epoch(s) in {time.time() - t0:.0f}s: IMDB_SAMPLE validation accuracy {learn.recorder.values[-1][2]:.3f}')
    fa_learn = fa_text_classifier_learner(fa_dls, FaAWD_LSTM, config=cfg, pretrained=False)
    fa_learn.model.load_state_dict(learn.model.state_dict())
    fa_learn.model.eval(); learn.model.eval()
    texts, warm_texts = test_texts(args.n_docs)
    print(f'{len(texts):,} IMDb test reviews, {args.config} config, bs {args.bs}')

    def fa_predict(texts=texts):
        with fa_learn.no_bar(): return np.stack([fa_learn.predict(t)[2].numpy() for t in texts[:args.n_predict]])
    def fa_get_preds(texts=texts):
        with fa_learn.no_bar(): preds = fa_learn.get_preds(dl=fa_learn.dls.test_dl(texts))[0]   # reordered to the texts' order
        return preds.numpy()
    clf = learn.to_classifier()
    clf.precision = 'fp32'                                    # fp32; bf16 is measured as its own run
    int8, bf16 = clf.quantize(), copy.copy(clf)
    bf16.precision = 'bf16'
    def ours(c=clf, texts=texts): return c.predict_texts(texts, bs=args.bs, progress=False)[1]
    runs = {'fastai learn.predict loop': (fa_predict, args.n_predict), 'fastai get_preds(test_dl)': (fa_get_preds, len(texts)),
            'ulmfit_nb predict_texts': (ours, len(texts)), 'ulmfit_nb predict_texts, int8': (partial(ours, int8), len(texts))}
    if cpu_bf16_pays(): runs['ulmfit_nb predict_texts, bf16'] = (partial(ours, bf16), len(texts))
    res = {}
    for name, (f, n) in runs.items():
        f(texts=warm_texts)                                   # warm-up, untimed
        probs, dt, mem = timed(f)
        total_mb = mem.total_mb
        res[name] = dict(probs=probs, labels=probs.argmax(1), docs_s=n / dt, wall=dt, mem=total_mb, n=n)
        print(f'  {name:32} {n:6,} docs {dt:8.1f}s {n/dt:9.1f} docs/s  peak MB {total_mb:7,.0f}', flush=True)
    ref = res['ulmfit_nb predict_texts']
    print()
    for name in ('fastai learn.predict loop', 'fastai get_preds(test_dl)'):
        r = res[name]
        same = (r['labels'] == ref['labels'][:r['n']]).all()
        dp = np.abs(r['probs'] - ref['probs'][:r['n']]).max()
        print(f'ulmfit_nb predict_texts vs {name}: {ref["docs_s"] / r["docs_s"]:.1f}x the docs/s; identical labels: {same} '
              f'(largest probability difference {dp:.1e})')
    gp = res['fastai get_preds(test_dl)']
    differ = np.where(np.abs(gp['probs'] - ref['probs']).max(1) > 1e-2)[0]
    if len(differ):                    # which library is right: fastai's own one-text predict, where batching plays no part
        with fa_learn.no_bar(): single = np.stack([fa_learn.predict(texts[i])[2].numpy() for i in differ[:20]])
        print(f'{len(differ)} reviews where get_preds and predict_texts differ by more than 0.01: on {min(len(differ), 20)} of them, '
              f'fastai learn.predict (one text at a time) differs from predict_texts by at most {np.abs(single - ref["probs"][differ[:20]]).max():.1e}, '
              f'from get_preds by up to {np.abs(single - gp["probs"][differ[:20]]).max():.1e}')
    print(f'predicted classes: {np.bincount(ref["labels"], minlength=2).tolist()} ({", ".join(clf.classes)})')
    for name in [n for n in res if n.startswith('ulmfit_nb predict_texts,')]:
        r = res[name]
        agree = np.mean(np.array(r['labels']) == np.array(ref['labels']))
        print(f'{name}: {r["docs_s"] / ref["docs_s"]:.2f}x fp32 speed; the same label as fp32 for {agree:.2%} of the reviews')
    if not cpu_bf16_pays(): print('bf16: no bf16 units on this CPU (cpu_bf16_pays() is False): not measured')
    fa_loop, fa_gp = res['fastai learn.predict loop'], res['fastai get_preds(test_dl)']
    default = res['ulmfit_nb predict_texts, bf16' if cpu_bf16_pays() else 'ulmfit_nb predict_texts']
    mode = 'bf16 (the default on this CPU)' if cpu_bf16_pays() else 'fp32 (the default on this CPU)'
    rows = [row(f'predict_texts fp32 vs the learn.predict loop', ref['docs_s'], fa_loop['docs_s'], 'docs/s'),
            row(f'predict_texts fp32 vs get_preds(test_dl)', ref['docs_s'], fa_gp['docs_s'], 'docs/s'),
            row('predict_texts int8 vs get_preds(test_dl)', res['ulmfit_nb predict_texts, int8']['docs_s'], fa_gp['docs_s'], 'docs/s',
                same_labels_as_fp32=float(np.mean(res['ulmfit_nb predict_texts, int8']['labels'] == ref['labels'])))]
    if cpu_bf16_pays():
        rows.append(row('predict_texts bf16 vs get_preds(test_dl)', default['docs_s'], fa_gp['docs_s'], 'docs/s',
                        same_labels_as_fp32=float(np.mean(default['labels'] == ref['labels']))))
    rows.append(row('peak memory of the run (predict_texts fp32 vs get_preds)', ref['mem'], fa_gp['mem'], 'MB', better='lower'))
    goals = [goal(f'inference on raw texts, {mode}: at least 20x fastai\'s learn.predict loop', 20, default['docs_s'] / fa_loop['docs_s']),
             goal(f'inference on raw texts, {mode}: at least 3x fastai\'s get_preds(test_dl)', 3, default['docs_s'] / fa_gp['docs_s'])]
    write_result(args.json, 'inference', 'Inference on raw texts', f'{len(texts):,} IMDb test reviews ({args.n_predict} for the learn.predict loop), '
                 f'{args.config} config, bs {args.bs}, the same trained weights in both; each run warmed up first', rows, goals)
