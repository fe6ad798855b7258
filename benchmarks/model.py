"""AWD-LSTM language model on the CPU: ulmfit_nb vs fastai.text, same process, same weights, same batches.

    python -m benchmarks.model                   # paper and small configs, bs 64 x seq_len 72, vocab 60,000
    python -m benchmarks.model --steps 3 --configs small

For each configuration both models get the same weights (fastai's state dict loaded into ours) and
the same random batches. Training: tokens/s of forward + loss + backward + SGD step, interleaving the
two libraries step by step so that machine noise hits both alike; median over the steps. Inference:
tokens/s of a no-grad forward in eval mode. Then bf16 autocast (`torch.autocast('cpu', bfloat16)`):
where `cpu_bf16_pays()` says the CPU has bf16 units, its speed-up for training and inference and the
validation loss after the same steps in fp32 and bf16 from the same start; elsewhere, why not.
"""
import argparse, copy, sys, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median

import torch, torch.nn.functional as F
from fastai.text.models.core import get_language_model as fa_get_language_model
from fastai.text.models.awdlstm import AWD_LSTM as FaAWD_LSTM
from ulmfit_nb.model import (AWD_LSTM, get_language_model, awd_lstm_lm_config, awd_lstm_lm_small_config,
                             cpu_has_bf16_units, cpu_bf16_pays)

CONFIGS = {'paper': awd_lstm_lm_config, 'small': awd_lstm_lm_small_config}

def train_step(model, opt, x, y, vocab, bf16=False):
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        out = model(x)[0]
    loss = F.cross_entropy(out.float().view(-1, vocab), y.view(-1))
    loss.backward(); opt.step(); opt.zero_grad()
    return loss.item()

@torch.no_grad()
def infer_step(model, x, bf16=False):
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): model(x)

def timeit(f):
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

def compare(name, cfg, vocab, bs, sl, steps):
    torch.manual_seed(0)
    fa = fa_get_language_model(FaAWD_LSTM, vocab, cfg)
    ours = get_language_model(AWD_LSTM, vocab, cfg)
    ours.load_state_dict(fa.state_dict())
    opts = {m: torch.optim.SGD(m.parameters(), lr=1e-3) for m in (fa, ours)}
    batches = [(torch.randint(0, vocab, (bs, sl)), torch.randint(0, vocab, (bs, sl))) for _ in range(steps + 1)]
    times = {'fastai': [], 'ulmfit_nb': []}
    for m in (fa, ours): m.train(); m.reset()
    for i, (x, y) in enumerate(batches):                  # step 0 warms up both
        order = [('fastai', fa), ('ulmfit_nb', ours)] if i % 2 == 0 else [('ulmfit_nb', ours), ('fastai', fa)]
        for lib, m in order:
            dt = timeit(lambda: train_step(m, opts[m], x, y, vocab))
            if i: times[lib].append(dt)
    inf = {'fastai': [], 'ulmfit_nb': []}
    for m in (fa, ours): m.eval(); m.reset()
    for i, (x, _) in enumerate(batches):
        for lib, m in (('fastai', fa), ('ulmfit_nb', ours)):
            dt = timeit(lambda: infer_step(m, x))
            if i: inf[lib].append(dt)
    tok = bs * sl
    res = {lib: (tok / median(times[lib]), tok / median(inf[lib])) for lib in times}
    ratios = [f / u for f, u in zip(times['fastai'], times['ulmfit_nb'])]
    print(f'\n{name} config (emb {cfg["emb_sz"]}, hidden {cfg["n_hid"]}, {cfg["n_layers"]} layers), vocab {vocab:,}, '
          f'bs {bs} x seq_len {sl}, fp32, median of {steps} steps')
    print(f'  {"":10} {"train tok/s":>12} {"infer tok/s":>12}')
    for lib in ('fastai', 'ulmfit_nb'): print(f'  {lib:10} {res[lib][0]:12,.0f} {res[lib][1]:12,.0f}')
    print(f'  ulmfit_nb/fastai: training {median(ratios):.2f}x (per-step ratios {", ".join(f"{r:.2f}" for r in ratios)}), '
          f'inference {res["ulmfit_nb"][1] / res["fastai"][1]:.2f}x')
    return ours

def bf16_report(cfg, vocab, bs, sl, steps):
    print(f'\nbf16 autocast on this CPU: bf16 units (AMX / AVX512-BF16): {cpu_has_bf16_units()}; '
          f'cpu_bf16_pays(): {cpu_bf16_pays()}')
    if not cpu_bf16_pays():
        try:
            m = get_language_model(AWD_LSTM, 100, {**cfg, 'emb_sz': 16, 'n_hid': 16})
            with torch.autocast('cpu', dtype=torch.bfloat16): m(torch.zeros(2, 4, dtype=torch.long))
            print('  autocast runs, but without bf16 units it is emulated: not used by default')
        except RuntimeError as e: print(f'  autocast fails here: {str(e).splitlines()[0][:150]}')
        print('  -> the learners train in fp32 on this CPU')
        return
    torch.manual_seed(0)
    base = get_language_model(AWD_LSTM, vocab, cfg)
    batches = [(torch.randint(0, vocab, (bs, sl)), torch.randint(0, vocab, (bs, sl))) for _ in range(steps + 1)]
    valid = [(torch.randint(0, vocab, (bs, sl)), torch.randint(0, vocab, (bs, sl))) for _ in range(2)]
    out = {}
    for bf16 in (False, True):
        m = copy.deepcopy(base).train(); opt = torch.optim.SGD(m.parameters(), lr=1.)
        ts = [timeit(lambda: train_step(m, opt, x, y, vocab, bf16)) for x, y in batches][1:]
        m.eval(); m.reset()
        with torch.no_grad():
            its = [timeit(lambda: infer_step(m, x, bf16)) for x, _ in batches][1:]
            vl = median([F.cross_entropy(m(x)[0].float().view(-1, vocab), y.view(-1)).item() for x, y in valid])
        out[bf16] = (bs * sl / median(ts), bs * sl / median(its), vl)
    (t32, i32, l32), (t16, i16, l16) = out[False], out[True]
    print(f'  training {t32:,.0f} -> {t16:,.0f} tok/s ({t16/t32:.2f}x), inference {i32:,.0f} -> {i16:,.0f} tok/s ({i16/i32:.2f}x)')
    print(f'  validation loss after {steps} steps from the same start: fp32 {l32:.4f}, bf16 {l16:.4f} ({(l16-l32)/l32:+.2%})')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--configs', nargs='+', default=['paper', 'small'], choices=list(CONFIGS))
    ap.add_argument('--vocab', type=int, default=60000)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--seq-len', type=int, default=72)
    ap.add_argument('--steps', type=int, default=5, help='timed steps per library (after one warm-up step)')
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    for name in args.configs: compare(name, CONFIGS[name], args.vocab, args.bs, args.seq_len, args.steps)
    bf16_report(CONFIGS['paper'], args.vocab, args.bs, args.seq_len, args.steps)
