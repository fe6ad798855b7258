"""Language-model fine-tuning: ulmfit_nb vs fastai.text `language_model_learner`, same data, config, seed, steps.

    python -m benchmarks.lm                      # IMDB_SAMPLE, small config, 1 epoch, 2 runs each
    python -m benchmarks.lm --config paper --epochs 1 --runs 1

Both libraries build their loaders from the same DataFrame (the same vocabulary and batches), their
models start from the same weights (fastai's initial state dict loaded into ours), and both train
with the same seed, optimizer, schedule and number of steps (`fit_one_cycle`, AR/TAR, Adam wd 0.1).
Printed: the validation loss and accuracy after training, the training tokens/s (the fit's wall time
over the training tokens), each the median of `--runs` alternating runs, and the ratios. Then, on a
CPU with bf16 units, the same with ulmfit_nb under bf16 autocast.
"""
import time, warnings
from functools import partial
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, arg_parser, row, goal, write_result

import pandas as pd, torch
from fastai.basics import Adam, accuracy, set_seed
from fastai.data.external import untar_data, URLs
from fastai.text.all import (TextDataLoaders as FaTextDataLoaders, language_model_learner as fa_language_model_learner,
                             AWD_LSTM as FaAWD_LSTM)
from ulmfit_nb.data import TextDataLoaders
from ulmfit_nb.lm_finetune import language_model_learner
from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_config, awd_lstm_lm_small_config
from ulmfit_nb.precision import cpu_bf16_pays

CONFIGS = {'paper': awd_lstm_lm_config, 'small': awd_lstm_lm_small_config}

def run(lib, dls, cfg, init_state, epochs, lr, seed, bf16=False):
    set_seed(seed)
    kw = dict(config=cfg, pretrained=False, opt_func=partial(Adam, wd=0.1), metrics=[accuracy])
    learn = fa_language_model_learner(dls, FaAWD_LSTM, **kw) if lib == 'fastai' else language_model_learner(dls, AWD_LSTM, precision='bf16' if bf16 else 'fp32', **kw)
    learn.model.load_state_dict(init_state)
    n_tokens = epochs * len(dls.train) * dls.train.bs * dls.train.seq_len
    with learn.no_bar(), learn.no_logging():
        t0 = time.perf_counter(); learn.fit_one_cycle(epochs, lr, moms=(0.8, 0.7, 0.8)); dt = time.perf_counter() - t0
    valid_loss, acc = learn.recorder.values[-1][1:3]
    return dict(tok_s=n_tokens / dt, valid_loss=valid_loss, acc=acc, wall=dt)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--config', default='small', choices=list(CONFIGS))
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--runs', type=int, default=2)
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--seq-len', type=int, default=72)
    ap.add_argument('--lr', type=float, default=5e-3)
    ap.add_argument('--seed', type=int, default=42)
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    kw = dict(text_col='text', is_lm=True, valid_col='is_valid', bs=args.bs, seq_len=args.seq_len, device='cpu')
    dls = {'fastai': FaTextDataLoaders.from_df(df, **kw), 'ulmfit_nb': TextDataLoaders.from_df(df, **kw)}
    assert list(dls['fastai'].vocab) == dls['ulmfit_nb'].vocab, 'the two vocabularies differ'
    cfg = CONFIGS[args.config]
    torch.manual_seed(args.seed)
    init = fa_language_model_learner(dls['fastai'], FaAWD_LSTM, config=cfg, pretrained=False).model.state_dict()
    print(f'IMDB_SAMPLE language model: vocabulary {len(dls["fastai"].vocab):,}, {len(dls["fastai"].train)} training batches '
          f'of {args.bs} x {args.seq_len}, {args.config} config, {args.epochs} epoch(s) of fit_one_cycle at {args.lr}, fp32')
    res = {'fastai': [], 'ulmfit_nb': []}
    for r in range(args.runs):
        for lib in (['fastai', 'ulmfit_nb'] if r % 2 == 0 else ['ulmfit_nb', 'fastai']):
            res[lib].append(run(lib, dls[lib], cfg, init, args.epochs, args.lr, args.seed + r))
            print(f'  run {r}: {lib:10} valid_loss {res[lib][-1]["valid_loss"]:.4f}  accuracy {res[lib][-1]["acc"]:.4f}  '
                  f'{res[lib][-1]["tok_s"]:,.0f} tokens/s', flush=True)
    m = {lib: {k: median([x[k] for x in rs]) for k in rs[0]} for lib, rs in res.items()}
    print(f'\nmedians over {args.runs} runs')
    for lib in m: print(f'  {lib:10} valid_loss {m[lib]["valid_loss"]:.4f}  accuracy {m[lib]["acc"]:.4f}  {m[lib]["tok_s"]:,.0f} tokens/s')
    f, u = m['fastai'], m['ulmfit_nb']
    print(f'  ulmfit_nb/fastai: validation loss {u["valid_loss"]/f["valid_loss"]:.3f}x ({(u["valid_loss"]-f["valid_loss"])/f["valid_loss"]:+.1%}), '
          f'training speed {u["tok_s"]/f["tok_s"]:.2f}x')
    rows = [row('fp32: training', u['tok_s'], f['tok_s'], 'tokens/s'), row('fp32: validation loss', u['valid_loss'], f['valid_loss'], '', better='lower'),
            row('fp32: validation accuracy', u['acc'], f['acc'], '')]
    goals = []
    if cpu_bf16_pays():
        b = run('ulmfit_nb', dls['ulmfit_nb'], cfg, init, args.epochs, args.lr, args.seed, bf16=True)
        print(f'\nulmfit_nb with CPU bf16 autocast: valid_loss {b["valid_loss"]:.4f} ({(b["valid_loss"]-u["valid_loss"])/u["valid_loss"]:+.1%} '
              f'vs its fp32, {(b["valid_loss"]-f["valid_loss"])/f["valid_loss"]:+.1%} vs fastai fp32), {b["tok_s"]:,.0f} tokens/s = {b["tok_s"]/f["tok_s"]:.2f}x fastai fp32')
        rows += [row('ulmfit_nb bf16 vs fastai fp32 (fastai\'s mixed precision refuses CPUs): training', b['tok_s'], f['tok_s'], 'tokens/s'),
                 row('ulmfit_nb bf16 vs fastai fp32: validation loss', b['valid_loss'], f['valid_loss'], '', better='lower')]
        goals = [goal(f'LM fine-tuning on IMDB_SAMPLE, {args.config} config, under bf16: at least 1.5x fastai\'s fp32 tokens/s', 1.5, b['tok_s'] / f['tok_s']),
                 goal('... with the validation loss after the same steps within 2% of fastai\'s fp32 (1 - |relative difference|, at least 0.98)', 0.98,
                      1 - abs(b['valid_loss'] - f['valid_loss']) / f['valid_loss'])]
    else: print('\nNo bf16 units on this CPU (cpu_bf16_pays() is False): the bf16 comparison needs a CPU with AMX or AVX512-BF16.')
    write_result(args.json, 'lm', 'Language-model fine-tuning', f'language_model_learner on IMDB_SAMPLE, {args.config} config, '
                 f'{args.epochs} epoch(s) of fit_one_cycle, bs {args.bs} x {args.seq_len}, same initial weights and seed; '
                 f'median of {args.runs} run(s) each', rows, goals)
