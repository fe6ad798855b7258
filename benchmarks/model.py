"""AWD-LSTM language model on the CPU: ulmfit_nb vs fastai.text, same process, same weights, same batches.

    python -m benchmarks.model                   # paper and small configs, bs 64 x seq_len 72, vocab 60,000
    python -m benchmarks.model --steps 3 --configs small

For each configuration both models get the same weights (fastai's state dict loaded into ours) and
the same random batches. Training: tokens/s of forward + loss + backward + SGD step, interleaving the
two libraries step by step so that machine noise hits both alike; median over the steps after a
warm-up step. Inference: tokens/s of a no-grad forward in eval mode. In fp32, then under bf16 autocast
(`torch.autocast('cpu', bfloat16)`, both libraries) where `cpu_bf16_pays()` says the CPU has bf16
units: there, also ulmfit_nb's bf16 speed-up over fp32 and the validation loss after the same steps in
fp32 and bf16 from the same start; elsewhere, why not.
"""
import copy, sys, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, median, arg_parser, row, goal, write_result

import torch, torch.nn.functional as F
from fastai.text.models.core import get_language_model as fa_get_language_model
from fastai.text.models.awdlstm import AWD_LSTM as FaAWD_LSTM
from ulmfit_nb.model import AWD_LSTM, get_language_model, awd_lstm_lm_config, awd_lstm_lm_small_config
from ulmfit_nb.precision import cpu_has_bf16_units, cpu_bf16_pays

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

def compare(name, cfg, vocab, bs, sl, steps, bf16=False)->list:
    "Rows: training and inference tokens/s of both libraries with the same weights and batches, fp32 or under bf16 autocast"
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
            dt = timeit(lambda: train_step(m, opts[m], x, y, vocab, bf16))
            if i: times[lib].append(dt)
    inf = {'fastai': [], 'ulmfit_nb': []}
    for m in (fa, ours): m.eval(); m.reset()
    for i, (x, _) in enumerate(batches):
        for lib, m in (('fastai', fa), ('ulmfit_nb', ours)):
            dt = timeit(lambda: infer_step(m, x, bf16))
            if i: inf[lib].append(dt)
    tok = bs * sl
    res = {lib: (tok / median(times[lib]), tok / median(inf[lib])) for lib in times}
    ratios = [f / u for f, u in zip(times['fastai'], times['ulmfit_nb'])]
    print(f'\n{name} config (emb {cfg["emb_sz"]}, hidden {cfg["n_hid"]}, {cfg["n_layers"]} layers), vocab {vocab:,}, '
          f'bs {bs} x seq_len {sl}, {"bf16 autocast" if bf16 else "fp32"}, median of {steps} steps')
    print(f'  {"":10} {"train tok/s":>12} {"infer tok/s":>12}')
    for lib in ('fastai', 'ulmfit_nb'): print(f'  {lib:10} {res[lib][0]:12,.0f} {res[lib][1]:12,.0f}')
    print(f'  ulmfit_nb/fastai: training {median(ratios):.2f}x (per-step ratios {", ".join(f"{r:.2f}" for r in ratios)}), '
          f'inference {res["ulmfit_nb"][1] / res["fastai"][1]:.2f}x', flush=True)
    what = f'{name} config, {"bf16 autocast" if bf16 else "fp32"}'
    return [row(f'{what}: training (forward + backward + step)', res['ulmfit_nb'][0], res['fastai'][0], 'tokens/s', ratio_steps=ratios),
            row(f'{what}: inference', res['ulmfit_nb'][1], res['fastai'][1], 'tokens/s')]

def bf16_report(name, cfg, vocab, bs, sl, steps)->list:
    "Rows (ulmfit_nb only): bf16 autocast against fp32, speed and validation loss after the same steps"
    print(f'\nbf16 autocast on this CPU: bf16 units (AMX / AVX512-BF16): {cpu_has_bf16_units()}; '
          f'cpu_bf16_pays(): {cpu_bf16_pays()}')
    if not cpu_bf16_pays():
        try:
            m = get_language_model(AWD_LSTM, 100, {**cfg, 'emb_sz': 16, 'n_hid': 16})
            with torch.autocast('cpu', dtype=torch.bfloat16): m(torch.zeros(2, 4, dtype=torch.long))
            print('  autocast runs, but without bf16 units it is emulated: not used by default')
        except RuntimeError as e: print(f'  autocast fails here: {str(e).splitlines()[0][:150]}')
        print('  -> the learners train in fp32 on this CPU')
        return []
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
    return [row(f'{name} config, ulmfit_nb bf16 vs fp32: training', t16, None, 'tokens/s', fp32=t32, speedup=t16/t32),
            row(f'{name} config, ulmfit_nb bf16 vs fp32: inference', i16, None, 'tokens/s', fp32=i32, speedup=i16/i32),
            row(f'{name} config, ulmfit_nb bf16 vs fp32: validation loss after {steps} steps', l16, None, '', better='lower', fp32=l32)]

def lm_goals(rows:list)->list:
    "The issues' goal for LM training on a bf16 CPU, from the paper config's rows: ulmfit_nb under bf16 against fastai in fp32"
    by = {r['measure']: r for r in rows}
    bf16, fp32 = by.get('paper config, bf16 autocast: training (forward + backward + step)'), by.get('paper config, fp32: training (forward + backward + step)')
    if not (bf16 and fp32): return []
    res = [goal('LM training step, paper config, under bf16: at least 1.5x fastai\'s fp32 tokens/s', 1.5, bf16['ulmfit_nb'] / fp32['fastai'])]
    loss = by.get('paper config, ulmfit_nb bf16 vs fp32: validation loss after 5 steps') or next((r for m, r in by.items() if m.startswith('paper config, ulmfit_nb bf16 vs fp32: validation loss')), None)
    if loss: res.append(goal('... with the validation loss after the same steps within 2% of fp32 (1 - |relative difference|, at least 0.98)', 0.98,
                             1 - abs(loss['ulmfit_nb'] - loss['fp32']) / loss['fp32']))
    return res

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--configs', nargs='+', default=['paper', 'small'], choices=list(CONFIGS))
    ap.add_argument('--vocab', type=int, default=60000)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--seq-len', type=int, default=72)
    ap.add_argument('--no-bf16-loss', dest='bf16_loss', action='store_false', help='skip the fp32-vs-bf16 validation loss check')
    ap.add_argument('--steps', type=int, default=5, help='timed steps per library (after one warm-up step)')
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    modes = [False, True] if cpu_bf16_pays() else [False]
    rows = [r for name in args.configs for bf16 in modes for r in compare(name, CONFIGS[name], args.vocab, args.bs, args.seq_len, args.steps, bf16)]
    if args.bf16_loss: rows += bf16_report(args.configs[0], CONFIGS[args.configs[0]], args.vocab, args.bs, args.seq_len, args.steps)
    write_result(args.json, 'model', 'The model: AWD-LSTM forward and backward', f'language model, vocabulary {args.vocab:,}, '
                 f'bs {args.bs} x seq_len {args.seq_len}, same weights and random batches, median of {args.steps} steps after a warm-up step'
                 + ('' if cpu_bf16_pays() else '; no bf16 units on this CPU: fp32 only'), rows, lm_goals(rows))
