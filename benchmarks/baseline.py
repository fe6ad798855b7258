"""ULMFiT or a linear baseline? Accuracy against wall time: ulmfit_nb beside TF-IDF 1-2-grams + logistic regression.

    python -m benchmarks.baseline                                   # the baseline on IMDB_SAMPLE and the whole IMDb, ulmfit_nb on IMDB_SAMPLE
    python -m benchmarks.baseline --encoder runs/imdb_lm --run runs/imdb   # and ulmfit_nb from an IMDb-pretrained encoder, and a whole-IMDb run

Wall time counts everything from reading the texts to the accuracy. Measured by this command: the
baseline (scikit-learn, C=4, sublinear tf, min_df 2) on both datasets; ulmfit_nb on IMDB_SAMPLE from
scratch (small config, `fine_tune_ulmfit`'s schedule) and, with `--encoder` (an `ulmfit lm` or
`ulmfit train` run folder), `train_classifier` (what `ulmfit classify` runs) from that encoder; with `--run` (an `ulmfit train` run on
the whole IMDb), the test accuracy of its exported model by `evaluate` (what `ulmfit eval` runs). The training times of those
runs and of the encoder's pretraining are the ones their `metrics.json` recorded, with the machine
they ran on: this command reads them, it does not re-run hours of training.
"""
import json, tempfile, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, arg_parser, write_result

import numpy as np, pandas as pd
from fastai.data.external import untar_data, URLs
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

def tfidf_logreg(train_texts, train_labels, test_texts, test_labels)->float:
    "Test accuracy of TF-IDF 1-2-grams (sublinear tf, min_df 2) + logistic regression (C=4)"
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    clf = LogisticRegression(C=4, max_iter=1000).fit(vec.fit_transform(train_texts), train_labels)
    return float(np.mean(clf.predict(vec.transform(test_texts)) == np.asarray(test_labels)))

def imdb_sample():
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    tr, va = df[~df.is_valid], df[df.is_valid]
    return tr.text.tolist(), tr.label.tolist(), va.text.tolist(), va.label.tolist()

def imdb():
    path = untar_data(URLs.IMDB)
    read = lambda split: [(f.read_text(), f.parent.name) for f in sorted((path/split).glob('*/*.txt')) if f.parent.name in ('pos', 'neg')]
    tr, te = read('train'), read('test')
    return [t for t, _ in tr], [l for _, l in tr], [t for t, _ in te], [l for _, l in te]

def ulmfit_from_scratch(seed:int=0)->float:
    "IMDB_SAMPLE validation accuracy of the small classifier trained from random weights (loaders built from the CSV, uncached)"
    from fastai.basics import accuracy, set_seed
    from ulmfit_nb.data import TextDataLoaders
    from ulmfit_nb.classifier import text_classifier_learner, fine_tune_ulmfit
    from ulmfit_nb.model import AWD_LSTM, awd_lstm_clas_small_config
    df = pd.read_csv(untar_data(URLs.IMDB_SAMPLE)/'texts.csv')
    set_seed(seed)
    dls = TextDataLoaders.from_df(df, text_col='text', label_col='label', valid_col='is_valid', bs=32, device='cpu',
                                  tok_kwargs=dict(cache=False, progress=False))
    learn = text_classifier_learner(dls, AWD_LSTM, config=awd_lstm_clas_small_config, drop_mult=0.5, pretrained=False, metrics=[accuracy])
    with learn.no_bar(), learn.no_logging(): fine_tune_ulmfit(learn, show_stages=False)
    return float(learn.recorder.values[-1][2])

def classify_from(encoder:str)->dict:
    "`train_classifier` on IMDB_SAMPLE from `encoder` (the recipe's API, as `ulmfit classify` runs it): its metrics, and the wall time"
    from ulmfit_nb.recipe import train_classifier
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        run = train_classifier('imdb_sample', Path(d)/'run', encoder=encoder, show=False)
        return dict(run.metrics, measured_seconds=time.perf_counter() - t0)

def evaluate_on_imdb(model:Path)->dict:
    "The test accuracy of `model` on the 25,000 IMDb test reviews (the recipe's `evaluate`, as `ulmfit eval` runs it), and the wall time"
    from ulmfit_nb.recipe import evaluate
    t0 = time.perf_counter()
    return dict(evaluate(model, 'imdb', progress=False), measured_seconds=time.perf_counter() - t0)

def recorded(run:Path)->dict:
    "What an `ulmfit` run recorded: its wall time, machine and precision, and the same for the run its encoder came from"
    m = json.loads((Path(run)/'metrics.json').read_text())
    rec = dict(run=str(run), seconds=m['wall_seconds'], machine=m.get('machine'), precision=m.get('precision'), started=m.get('started'))
    pretrained = m['stages'].get('lm', {}).get('pretrained')
    if pretrained and (Path(pretrained).parent.parent/'metrics.json').exists():
        rec['pretraining'] = recorded(Path(pretrained).parent.parent)
    return rec

def row(data, method, accuracy, seconds, how, **extra): return dict(data=data, method=method, accuracy=accuracy, seconds=seconds, how=how, **extra)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--encoder', default=None, help='an `ulmfit lm`/`ulmfit train` run folder: also train the IMDB_SAMPLE classifier from its encoder')
    ap.add_argument('--no-scratch', action='store_true', help='skip ulmfit_nb from scratch on IMDB_SAMPLE (benchmarks.classifier measures it too)')
    ap.add_argument('--run', default=None, help='an `ulmfit train` run on the whole IMDb: also measure its exported model on the test set')
    args = ap.parse_args()
    print(machine())
    rows = []
    for name, load in (('IMDB_SAMPLE', imdb_sample), ('IMDb', imdb)):
        t0 = time.perf_counter()
        data = load()
        acc = tfidf_logreg(*data)
        dt = time.perf_counter() - t0
        rows.append(row(name, 'TF-IDF 1-2-grams + logistic regression', acc, dt, 'measured, load included'))
        print(f'{name}: {len(data[0]):,} train / {len(data[2]):,} test texts: TF-IDF + logistic regression {acc:.4f} in {dt:.1f} s (load included)', flush=True)
    if not args.no_scratch:
        t0 = time.perf_counter(); acc = ulmfit_from_scratch(); dt = time.perf_counter() - t0
        rows.append(row('IMDB_SAMPLE', 'ulmfit_nb, small model from scratch (no pretraining)', acc, dt, 'measured, tokenization included'))
        print(f'IMDB_SAMPLE: ulmfit_nb from scratch {acc:.4f} in {dt:.0f} s', flush=True)
    if args.encoder:
        m = classify_from(args.encoder)
        rows.append(row('IMDB_SAMPLE', 'ulmfit_nb, small model from an IMDb-pretrained encoder (`ulmfit classify`)', m['stages']['evaluate']['accuracy'],
                        m['measured_seconds'], 'measured; plus the pretraining its run recorded', pretraining=recorded(args.encoder)))
        print(f'IMDB_SAMPLE: ulmfit classify from {args.encoder}: {rows[-1]["accuracy"]:.4f} in {rows[-1]["seconds"]:.0f} s', flush=True)
    if args.run:
        m = evaluate_on_imdb(Path(args.run)/'model.pth')
        rec = recorded(args.run)
        rows.append(row('IMDb', 'ulmfit_nb, small model, `ulmfit train` (IMDb-pretrained language model)', m['accuracy'], rec['seconds'],
                        'accuracy measured by `ulmfit eval`; training time recorded by the run', recorded=rec, eval_seconds=m['measured_seconds']))
        print(f'IMDb: {args.run}: test accuracy {m["accuracy"]:.4f} (ulmfit eval, {m["measured_seconds"]:.0f} s); its training took {rec["seconds"]:.0f} s', flush=True)
    write_result(args.json, 'baseline', 'ULMFiT or a linear baseline?', 'accuracy against wall time on 2 CPU cores: IMDB_SAMPLE (800 train / 200 '
                 'validation reviews) and the whole IMDb (25,000 / 25,000)', rows)
