"""bf16 autocast for classifier inference on the CPU: the same `TextClassifier`, fp32 against bf16.

    python -m benchmarks.bf16_inference --model runs/imdb/model.pth      # a classifier exported by `ulmfit train`

The `--n` IMDb test reviews (a fixed random sample) are tokenized once; then `predict_ids` runs in
fp32 and under bf16 autocast, alternating, `--runs` times each. Printed: docs/s of each (medians), the
ratio, how many predicted labels differ between the two, the largest change of a probability, and the
accuracy of each. Only where `cpu_bf16_pays()`: elsewhere bf16 is slower or fails, and it says so.
"""
import statistics, time, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
from benchmarks._common import machine, arg_parser, row, write_result

import numpy as np
from fastai.data.external import untar_data, URLs
from ulmfit_nb.tokenize import tokenize_texts
from ulmfit_nb.precision import cpu_bf16_pays
from ulmfit_nb.classifier import load_classifier

def imdb_sample(n:int, seed:int=0)->tuple[list, list]:
    "`n` IMDb test reviews picked at random (fixed seed), with their labels"
    files = sorted((untar_data(URLs.IMDB)/'test').glob('*/*.txt'))
    pick = np.random.default_rng(seed).choice(len(files), n, replace=False)
    return [files[i].read_text() for i in pick], [files[i].parent.name for i in pick]

def main(model:str, n:int=2000, runs:int=3, bs:int=64, json_path=None):
    print(machine())
    if not cpu_bf16_pays():
        print('This CPU has no bf16 units (cpu_bf16_pays() is False): bf16 inference is not used here')
        return write_result(json_path, 'bf16_inference', 'bf16 inference of a trained classifier', 'not measured: no bf16 units on this CPU', [])
    clf = load_classifier(model)
    texts, labels = imdb_sample(n)
    corpus = clf.num.corpus(tokenize_texts(texts, progress=False, **clf.tok_kwargs))
    docs = [corpus.doc_ids(i) for i in range(len(corpus))]
    times, probs = {'fp32': [], 'bf16': []}, {}
    clf.precision = 'fp32'; clf.predict_ids(docs[:bs], bs=bs, progress=False)           # warm-up
    for _ in range(runs):
        for mode in ('fp32', 'bf16'):
            clf.precision = mode
            t0 = time.perf_counter(); probs[mode] = clf.predict_ids(docs, bs=bs, progress=False); times[mode].append(time.perf_counter() - t0)
    rate = {m: n / statistics.median(t) for m, t in times.items()}
    lab = {m: np.array(clf.classes)[p.argmax(1)] for m, p in probs.items()}
    print(f'{n:,} IMDb test reviews, bs {bs}, {runs} runs each (medians), model {Path(model)}')
    for m in ('fp32', 'bf16'): print(f'  {m}: {rate[m]:,.1f} docs/s, accuracy {np.mean(lab[m] == np.array(labels)):.4f}')
    print(f'  bf16 / fp32: {rate["bf16"] / rate["fp32"]:.2f}x; labels that differ: {int((lab["bf16"] != lab["fp32"]).sum())} of {n:,}; '
          f'largest probability change {np.abs(probs["bf16"] - probs["fp32"]).max():.4f}')
    acc = {m: float(np.mean(lab[m] == np.array(labels))) for m in lab}
    rows = [row('bf16 vs fp32: docs/s', rate['bf16'], None, 'docs/s', fp32=rate['fp32'], speedup=rate['bf16'] / rate['fp32']),
            row('bf16 vs fp32: test accuracy', acc['bf16'], None, '', fp32=acc['fp32']),
            row('labels that differ from fp32', int((lab['bf16'] != lab['fp32']).sum()), None, f'of {n:,}', better='lower'),
            row('largest change of a probability', float(np.abs(probs['bf16'] - probs['fp32']).max()), None, '', better='lower')]
    write_result(json_path, 'bf16_inference', 'bf16 inference of a trained classifier', f'{n:,} IMDb test reviews (a fixed random sample), '
                 f'the classifier {model} (tokenized once), predict_ids in fp32 and under bf16 autocast, bs {bs}, median of {runs} runs each', rows)

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--model', required=True, help='an exported classifier (model.pth)')
    ap.add_argument('--n', type=int, default=2000, help='IMDb test reviews')
    ap.add_argument('--runs', type=int, default=3, help='timed runs of each mode')
    ap.add_argument('--bs', type=int, default=64)
    a = ap.parse_args()
    main(a.model, a.n, a.runs, a.bs, a.json)
