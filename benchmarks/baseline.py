"""The baseline users compare ULMFiT with before choosing it: TF-IDF 1-2-grams + logistic regression (scikit-learn).

    python -m benchmarks.baseline              # IMDB_SAMPLE (800 train / 200 valid) and the whole IMDb (25,000 / 25,000)

Wall time counts everything from reading the texts to the test accuracy, as ULMFiT's recorded runs do.
"""
import time, warnings
warnings.filterwarnings('ignore')
from benchmarks._common import machine

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

if __name__ == '__main__':
    print(machine())
    for name, load in (('IMDB_SAMPLE', imdb_sample), ('IMDb', imdb)):
        t0 = time.perf_counter()
        data = load()
        acc = tfidf_logreg(*data)
        print(f'{name}: {len(data[0]):,} train / {len(data[2]):,} test texts: accuracy {acc:.4f} in {time.perf_counter() - t0:.1f} s (load included)')
