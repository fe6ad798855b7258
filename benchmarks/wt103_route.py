"""How long the quick start's WikiText-103 route takes on this machine: `train` with the paper-size model.

    python -m benchmarks.wt103_route --json benchmarks/results/wt103_route.json

The route a laptop user with internet takes is `train('imdb_sample', out, size='paper', epochs_lm='1+2')`:
fastai's WikiText-103 weights (downloaded by `untar_data`), the paper's AWD-LSTM (400/1150/3), one
frozen and two unfrozen epochs of language-model fine-tuning on IMDB_SAMPLE's 1,000 reviews, then the
seed's gradual unfreezing, in bf16 where the CPU has bf16 units. The weights cannot be downloaded on
the machines this project is built on, so this command makes a checkpoint of exactly their size and
format — a paper-size language model of 60,000 words, saved as `lstm_fwd.pth` + `itos_wt103.pkl` as
fastai ships them — with random weights, and runs the same call from it. The time is the route's time
(it depends on the sizes, not on the values of the weights); the accuracy is not, and is not reported.
The result is the run's own `metrics.json` (wall time per stage, settings, machine), with the wall time
of the whole call around it.
"""
import json, pickle, tempfile, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, arg_parser

def wt103_shaped_checkpoint(folder:Path, vocab_size:int=60000)->Path:
    "A language model of WikiText-103's size and format in `folder` (random weights; IMDB_SAMPLE's words first, so they match)"
    import pandas as pd, torch
    from fastai.data.external import untar_data, URLs
    from ulmfit_nb.data import TextDataLoaders
    from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_config, get_language_model
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    words = list(TextDataLoaders.from_df(df, text_col='text', is_lm=True, valid_col='is_valid').vocab)
    vocab = words + [f'wt103word{i}' for i in range(vocab_size - len(words))]
    torch.manual_seed(0)
    model = get_language_model(AWD_LSTM, len(vocab), config=awd_lstm_lm_config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), folder/'lstm_fwd.pth')
    pickle.dump(vocab, open(folder/'itos_wt103.pkl', 'wb'))
    return folder

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--epochs-lm', default='1+2', help="the language model's epochs, as `train`'s `epochs_lm`")
    args = ap.parse_args()
    print(machine())
    from ulmfit_nb.recipe import train
    with tempfile.TemporaryDirectory() as d:
        pre = wt103_shaped_checkpoint(Path(d)/'wt103-fwd')
        t0 = time.perf_counter()
        run = train('imdb_sample', Path(d)/'run', size='paper', pretrained=str(pre), epochs_lm=args.epochs_lm, show=False)
        seconds = time.perf_counter() - t0
        metrics = json.loads((run.path/'metrics.json').read_text())
    res = dict(name='wt103_route', command=f'python -m benchmarks.wt103_route --epochs-lm {args.epochs_lm}',
               call_seconds=seconds, metrics=metrics)
    print(f"train(size='paper', epochs_lm={args.epochs_lm!r}) on IMDB_SAMPLE: {seconds / 60:.1f} minutes "
          f"(language model {metrics['stages']['lm']['seconds'] / 60:.1f})")
    if args.json: Path(args.json).write_text(json.dumps(res, indent=1, default=str))
