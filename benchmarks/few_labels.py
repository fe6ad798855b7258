"""Few labels: the learning curve of IMDb accuracy against the number of labelled reviews (issue 28's benchmark; the linear models so far).

    python -m benchmarks.few_labels                          # every budget, 3 samples each, both linear models
    python -m benchmarks.few_labels --budgets 100 1000 --samples 1

The labelled pool is IMDb's 25,000 train reviews less a validation set of 1,000 of them (balanced,
seed 0), the same for every method and budget: every setting (here the regularization `C`) is chosen
on it, and the 25,000 test reviews are read once per point, with the chosen setting. A point is a
method, a budget n and a sample: n reviews drawn balanced from the pool with the sample's seed (the
whole pool for the largest budget). Methods: TF-IDF 1-2-grams + logistic regression (sublinear tf,
min_df 2), and the NB-weighted version (Wang & Manning 2012: binarized 1-2-gram counts scaled by their
naive-Bayes log-count ratio, then logistic regression). Each point is written to the JSON as soon as it
is measured, with its CPU seconds, so an interrupted run goes on where it stopped (`--json` the same file).
"""
import json, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, machine_record, arg_parser

import numpy as np
from fastai.data.external import untar_data, URLs
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.linear_model import LogisticRegression
from ulmfit_nb.core import atomic_write_text

C_GRID = (0.25, 1., 4., 16.)          # logistic regression's inverse regularization, chosen on the validation set per point

def imdb_split(split:str)->tuple[list, np.ndarray]:
    "IMDb's `split` ('train' or 'test'): texts and 0/1 labels (1: pos), in file order"
    path = untar_data(URLs.IMDB)/split
    files = [f for d in ('neg', 'pos') for f in sorted((path/d).glob('*.txt'))]
    return [f.read_text(encoding='utf-8') for f in files], np.array([f.parent.name == 'pos' for f in files], dtype=int)

def balanced(labels:np.ndarray, idx:np.ndarray, n:int, seed:int)->np.ndarray:
    "`n` of the indices `idx`, half of each label, drawn with `seed`"
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.choice(idx[labels[idx] == c], n // 2, replace=False) for c in (0, 1)]))

def tfidf(train_texts, valid_texts, test_texts, y, _y_valid):
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    return vec.fit_transform(train_texts), vec.transform(valid_texts), lambda: vec.transform(test_texts)

def nb_weighted(train_texts, valid_texts, test_texts, y, _y_valid, alpha:float=1.):
    "Binarized 1-2-gram counts scaled by the naive-Bayes log-count ratio of the training labels (NBSVM's features)"
    vec = CountVectorizer(ngram_range=(1, 2), min_df=2, binary=True)
    x = vec.fit_transform(train_texts)
    p, q = alpha + x[y == 1].sum(0), alpha + x[y == 0].sum(0)
    r = np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel()
    scale = lambda m: m.multiply(r).tocsr()
    return scale(x), scale(vec.transform(valid_texts)), lambda: scale(vec.transform(test_texts))

METHODS = {'tfidf_logreg': tfidf, 'nb_logreg': nb_weighted}

def point(method:str, train_texts, y, valid_texts, y_valid, test_texts, y_test)->dict:
    "One point: features, C chosen on the validation set, then the test accuracy with it"
    t0 = time.process_time()
    x, xv, test_features = METHODS[method](train_texts, valid_texts, test_texts, y, y_valid)
    scores = {c: LogisticRegression(C=c, max_iter=2000).fit(x, y).score(xv, y_valid) for c in C_GRID}
    best = max(scores, key=scores.get)
    acc = LogisticRegression(C=best, max_iter=2000).fit(x, y).score(test_features(), y_test)
    return dict(accuracy=float(acc), valid_accuracy=float(scores[best]), C=best, cpu_seconds=time.process_time() - t0)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--budgets', type=int, nargs='+', default=[100, 500, 1000, 5000, 24000])
    ap.add_argument('--samples', type=int, default=3, help='samples per budget (one for the whole pool)')
    ap.add_argument('--methods', nargs='+', default=list(METHODS), choices=list(METHODS))
    args = ap.parse_args()
    print(machine())
    texts, labels = imdb_split('train'); test_texts, y_test = imdb_split('test')
    valid_idx = balanced(labels, np.arange(len(labels)), 1000, seed=0)
    pool = np.setdiff1d(np.arange(len(labels)), valid_idx)
    valid_texts, y_valid = [texts[i] for i in valid_idx], labels[valid_idx]
    out = Path(args.json) if args.json else None
    res = json.loads(out.read_text()) if out and out.exists() else dict(name='few_labels', points={})
    res.update(title='Few labels: the learning curve', machine=machine_record(), validation=len(valid_idx), pool=len(pool), test=len(y_test))
    for n in args.budgets:
        for s in range(1 if n >= len(pool) else args.samples):
            idx = pool if n >= len(pool) else balanced(labels, pool, n, seed=s + 1)
            for method in args.methods:
                key = f'{method}/{len(idx)}/{s}'
                if key in res['points']: continue                     # measured in an earlier run
                r = point(method, [texts[i] for i in idx], labels[idx], valid_texts, y_valid, test_texts, y_test)
                res['points'][key] = dict(r, method=method, n=len(idx), sample=s)
                print(f'  {key:22} test accuracy {r["accuracy"]:.2%}  (validation {r["valid_accuracy"]:.2%}, C {r["C"]:g})  {r["cpu_seconds"]:.0f} CPU s', flush=True)
                if out: atomic_write_text(out, json.dumps(res, indent=1))
