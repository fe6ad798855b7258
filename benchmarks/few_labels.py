"""Few labels: the learning curve of IMDb accuracy against the number of labelled reviews, ULMFiT against two linear models.

    python -m benchmarks.few_labels --json benchmarks/results/few_labels.json          # every budget and method
    python -m benchmarks.few_labels --budgets 100 1000 --samples 1 --methods ulmfit
    python -m benchmarks.few_labels --budgets 100 --methods ulmfit --search           # ULMFiT's settings, on the validation set only
    python -m benchmarks.few_labels --budgets 100 1000 --methods ulmfit --probe       # the frozen encoder's features, the same
    python -m benchmarks.few_labels --budgets 100 1000 --methods ulmfit --lm-kind backward   # ULMFiT backwards, and the ensemble
    python -m benchmarks.few_labels --budgets 100 --methods ulmfit --lm-kind subwords        # ULMFiT from the subword LM (LMS)
    python -m benchmarks.few_labels --budgets 500 --methods ulmfit --self-train k10000_seed k10000_bi    # self-training's settings, validation only
    python -m benchmarks.few_labels --budgets 100 500 1000 5000 --methods ulmfit --self-train    # ULMFiT self-trained (variants.self_training)
    python -m benchmarks.few_labels --budgets 100 500 1000 --methods ulmfit --self-train k15000_probe k15000_mixed   # the probe, and both, as the teacher: validation only

The labelled pool is IMDb's 25,000 train reviews less a validation set of 1,000 of them (balanced,
seed 0), the same for every method and budget: every setting is chosen on it, and the 25,000 test
reviews are read once per point, with the chosen setting. A point is a method, a budget n and a
sample: n reviews drawn balanced from the pool with the sample's seed (the whole pool for the largest
budget). Methods: TF-IDF 1-2-grams + logistic regression (sublinear tf, min_df 2); the NB-weighted
version (Wang & Manning 2012: binarized 1-2-gram counts scaled by their naive-Bayes log-count ratio,
then logistic regression), `C` chosen on the validation set per point; and ULMFiT through the recipe
API (`train_classifier`), from one language model that read only the 25,000 train texts (no labels,
no test texts): `train_lm` builds it first, in the stages of LM_STAGES (its cost is recorded apart,
under `lm`: what every process that worked on it spent, as an interrupted build goes on from its last
epoch, `BuildClock`) — the same as the command

    ulmfit lm --data $FASTAI_HOME/data/imdb/train --size small --max-vocab 30000 --epochs-lm 5 --lr-lm 0.01 --seed 0 --out runs/few_labels_5e

`--lm-kind` starts ULMFiT from another language model and keeps its points, probe and record apart, under
`variants.<kind>` (the linear models' points are shared): `backward` is the curve's model as it was
then, four epochs (FOUR_EPOCHS), reading every text from its end (`--backwards` in the command); beside
each of its points the paper's forward + backward ensemble of that point's two classifiers (the mean of
their probabilities) goes under `variants.bidirectional`, its language models' cost the sum of both. `subwords` is MultiFiT's 15,000
SentencePiece subwords learned from the same train texts (SUBWORD_STAGES; `--tokenizer sentencepiece
--vocab-size 15000` in the commands, the later stages without `--vocab-size`: they read the first one's
pieces). A forward variant whose model becomes the curve's (LMS['words'] set to its stages and folder) brings its
points, probe and self-trained points along (`adopt_variant`): so the five-epoch model, measured as the variant `longer`,
became the curve's. Each language model and each point records the machine it was measured on (`machine`), as
the benchmark may go on on another machine.
Each stage's perplexity is also measured on the same 1,000 test texts (no labels), which no stage trained
on: each stage holds out other train texts (its seed), which the stages before it had read. It is
recorded per token of the model's own and per word (spaCy's tokens of the same texts: the summed
log-loss over the words), which compares across tokenizers.
`--self-train` is self-training, MultiFiT's bootstrapping with ULMFiT's own classifier as the teacher, through the recipe's
`train_self_trained`: each curve point's classifier — or its forward + backward ensemble (`--lm-kind backward` measured first), or
the probe of its labels (`k15000_probe`: `--probe`'s logistic regression on the frozen encoder's features, put into a classifier's
head and exported: the library's `LinearProbe`, 07a_probe, so that `train_self_trained` takes it as any teacher; MultiFiT's teacher
is not fine-tuned either), or the mean of the classifier and the probe (`k15000_mixed`, a `TextEnsemble`: what the library's
`train_self_trained(teacher='classifier+probe')` trains from the labels alone; a curve point's run folder
a fresh checkout lacks is trained again first, and must read the validation set as its record does, `restore_run`) — labels the rest
of the pool (the train reviews in neither its budget nor the validation set, their labels unread), and a student starts again from
the forward encoder on the budget's labels and the K reviews the teacher is surest of, half of each class (SELF_TRAINING: the
teacher — in the search also another setting's student, a second round —, K and the student's settings, chosen like SEARCH's, from
the search of the newest language model that searched the budget nearest: a search moves to `earlier` with its model and the
classifiers that taught it; a curve point takes at most two thirds of the reviews it labels, the recipe's rule, and records how many
it took as `pseudo_labels`). The points go under `variants.self_training`
(the forward teacher: measured by an earlier version of this benchmark that did the same steps itself) or
`variants.self_training_bidirectional`; from a forward variant (`--lm-kind`) its own points teach, with the curve's
search's choice, under `variants.self_training_<kind>`; a student's CPU seconds include its teachers'; `pseudo_accuracy`, how many of its
pseudo-labels are right, is a diagnostic that chooses nothing. A point measured again because the search now chooses other
settings — the curve's, a variant's, an ensemble's or a student's — keeps its earlier result under `replaced`, beside `points`
(a curve point's self-trained student too: its teacher is gone, `retire_students`).
ULMFiT's points and search from an earlier language model move to `earlier` in the JSON, with that
model's record (and the points it taught, from `variants.self_training`): the first curve's model was three
cycles (1 + 1 + 0.8 epochs, `--epochs-lm 1`, then `--pretrained` the run before with `--epochs-lm 0+1` and
`0+0.8` at `--lr-lm 0.005`), the next four epochs in one cycle (FOUR_EPOCHS, runs/few_labels_1c). ULMFiT's settings
are those of `--search` (SEARCH below) with the best validation accuracy at the nearest budget searched
(with the newest language model searched); the whole pool takes only a search of the whole pool (its
classifier is the longest: the issue gives it an hour). A first-sample point whose settings' search
entry kept its run is that run, tested (`search_point`). A point measured with other settings than the search now chooses is measured
again. Each point is written to the JSON as soon as it is measured, with its CPU seconds, so an
interrupted run goes on where it stopped (`--json` the same file).
"""
import json, resource, shutil, threading, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
from benchmarks._common import machine, machine_record, arg_parser

import numpy as np
import pandas as pd
from fastai.data.external import untar_data, URLs
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.linear_model import LogisticRegression
from ulmfit_nb.core import atomic_write_text

C_GRID = (0.25, 1., 4., 16.)          # logistic regression's inverse regularization, chosen on the validation set per point
NAMES = np.array(['neg', 'pos'])      # IMDb's classes as the classifiers' CSVs name them: labels 0 and 1
LM_SETTINGS = dict(size='small', tokenizer='spacy', max_vocab=30000)   # the pretrained LM's model and vocabulary (see build_lm)
LM_STAGES = (                              # its training, in stages (one here): at most 2 hours on 2 CPU cores (the budget)
    dict(epochs_lm=5, lr_lm=1e-2, seed=0),         # from scratch: five epochs of the 24,000 texts in one cycle (84 min on an Intel Xeon)
)
FOUR_EPOCHS = (                            # the curve's model before it (under `earlier`): one epoch less, and the backward model's
    dict(epochs_lm=4, lr_lm=1e-2, seed=0),         # four epochs in one cycle (81 min on an Intel Xeon; the backward one 95)
)
SUBWORD_SETTINGS = dict(size='small', tokenizer='sentencepiece', vocab_size=15000)   # MultiFiT's 15,000 subwords: a decoder half
                                           # as wide, 1.7x the tokens a second of the 30,000 words', for 1.09x the tokens a review
SUBWORD_STAGES = (                         # the same two hours buy more epochs of them
    dict(epochs_lm=1, lr_lm=1e-2, seed=0),         # from scratch: one epoch, one cycle
    dict(epochs_lm='0+3', lr_lm=5e-3, seed=1),     # three more in one cycle: about 105 minutes in all
)
LMS = {                                    # the language models a run can start from (--lm-kind): settings, stages, first stage's folder
    'words':     (LM_SETTINGS, LM_STAGES, 'runs/few_labels_5e'),             # the curve's own
    'backward':  (dict(LM_SETTINGS, backwards=True), FOUR_EPOCHS, 'runs/few_labels_1c_bwd'),   # the four-epoch model reading every text
                                           # from its end: a variant (under `variants` in the JSON), and with the four-epoch forward
                                           # model's points (the curve's when it was measured) the paper's ensemble
    'subwords':  (SUBWORD_SETTINGS, SUBWORD_STAGES, 'runs/few_labels_sp'),    # a variant
}

def lm_stage_dirs(lm:Path, n_stages:int)->list[Path]:
    "The folders of the language model's stages: `lm` for the first, then `lm`2, `lm`3..."
    return [lm] + [lm.with_name(f'{lm.name}{k + 1}') for k in range(1, n_stages)]

class Tokens:
    "`texts`, tokenized once per tokenizer (a `TokenizerSpec`) that asks for them"
    def __init__(self, texts): self.texts, self.corpora = list(texts), {}
    def __len__(self): return len(self.texts)
    def __call__(self, spec=None):
        from ulmfit_nb.tokenize import TokenizerSpec, tokenize_texts
        spec = spec or TokenizerSpec()                                                   # spaCy's words
        key = (spec.tokenizer, spec.sp_model, json.dumps({k: v for k, v in spec.to_dict().items() if k != 'sp_model'}, sort_keys=True))
        if key not in self.corpora: self.corpora[key] = tokenize_texts(self.texts, progress=False, **spec.tok_kwargs)
        return self.corpora[key]

def reads_backwards(run:Path)->bool:
    "Whether the language model of the `train_lm` run `run` reads every text from its end (its recorded `backwards` setting)"
    return json.loads((run/'metrics.json').read_text())['config'].get('backwards', False)

def lm_perplexity(stage:Path, tokens)->float:
    "The perplexity of the language model of the `train_lm` run `stage` on the texts of `tokens` (`tokenize_texts` with its tokenizer)"
    from fastai.metrics import Perplexity
    from ulmfit_nb.core import read_vocab
    from ulmfit_nb.tokenize import Numericalize
    from ulmfit_nb.data import TextDataLoaders
    from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_config, size_of_state, read_state
    from ulmfit_nb.lm_finetune import language_model_learner
    corpus = Numericalize(read_vocab(stage/'encoder.vocab.json')).corpus(tokens)
    every = np.arange(len(corpus))
    backwards = reads_backwards(stage)
    dls = TextDataLoaders.from_corpus(corpus, (every, every), bs=64, device='cpu', backwards=backwards)   # the training loader is not used
    learn = language_model_learner(dls, AWD_LSTM, config={**awd_lstm_lm_config, **size_of_state(read_state(stage/'encoder.pth'))},
                                   pretrained_fnames=stage/'lm', backwards=backwards, metrics=[Perplexity()], precision='fp32')
    with learn.no_bar(), learn.no_logging(): return float(learn.validate()[1])

def unknown_share(stage:Path, tokens)->float:
    "The share of the tokens of `tokens` (a `TokenizedCorpus`) that the vocabulary of the language model in `stage` has no id for (`xxunk`)"
    from ulmfit_nb.core import read_vocab
    from ulmfit_nb.tokenize import Numericalize
    vocab = read_vocab(stage/'encoder.vocab.json')
    return float((Numericalize(vocab).corpus(tokens).ids == vocab.index('xxunk')).mean())

def yardstick_record(stage:Path, yardstick:Tokens, ppl:float|None=None)->dict:
    """The perplexity of the language model in `stage` on the `yardstick` texts, per token of its own and per word (spaCy's tokens, the
    same for every tokenizer: the texts' summed log-loss over their words), so that models with other tokenizers compare; with `ppl`
    (an earlier record's perplexity per token) the model is not evaluated again, only the tokens counted"""
    from ulmfit_nb.tokenize import TokenizerSpec
    tokens, words = yardstick(TokenizerSpec.load(stage/'lm')), yardstick()
    ppl = ppl or lm_perplexity(stage, tokens)
    return dict(texts=len(yardstick), perplexity=ppl, tokens=tokens.n_tokens, words=words.n_tokens,
                word_perplexity=float(np.exp(np.log(ppl) * tokens.n_tokens / words.n_tokens)), unknown=unknown_share(stage, tokens))

class BuildClock:
    """The wall and CPU seconds a language model's build has cost over every process that worked on it — a build interrupted goes on
    (`train_lm(resume=True)`) — kept in `fname`: written every `every` seconds and at the end, read back by the next process"""
    def __init__(self, fname:Path, every:float=60.):
        self.fname, self.every, self.stop = fname, every, threading.Event()
        self.before = json.loads(fname.read_text()) if fname.exists() else dict(wall=0., cpu=0., processes=0)

    def record(self)->dict:
        "The cost so far, this process's added to the earlier ones', written to `fname`"
        r = dict(wall=self.before['wall'] + time.time() - self.t0, cpu=self.before['cpu'] + cpu_seconds() - self.c0,
                 processes=self.before['processes'] + 1)
        atomic_write_text(self.fname, json.dumps(r)); return r

    def __enter__(self):
        self.t0, self.c0 = time.time(), cpu_seconds()                # the same CPU count as the points'
        def tick():
            while not self.stop.wait(self.every): self.record()
        threading.Thread(target=tick, daemon=True).start(); return self

    def __exit__(self, *exc): self.stop.set(); self.total = self.record()

def build_stage(data:Path, out:Path, pretrained:Path|None, settings:dict, stage:dict, yardstick:Tokens)->dict:
    """One stage of the language model, trained into `out` (from the weights of `pretrained`) unless `out` holds it: its record,
    with its perplexity on the `yardstick` texts (which no stage trains on; each stage's own held-out texts differ with its seed)"""
    from ulmfit_nb.recipe import train_lm
    if not (out/'encoder.pth').exists():
        own = {k: v for k, v in settings.items() if not (pretrained and k == 'vocab_size')}    # a later stage reads the first's pieces
        out.parent.mkdir(parents=True, exist_ok=True)             # the clock beside the run folder: train_lm wants it new or its own
        with BuildClock(out.with_name(f'{out.name}.build_clock.json')) as clock:   # the cost of every process that built it
            train_lm(data, out, resume=(out/'.ulmfit'/'state.json').exists(), show=False, **own, **stage,
                     **({'pretrained': str(pretrained)} if pretrained else {}))
        atomic_write_text(out/'build_seconds.json', json.dumps(dict(clock.total, machine=machine_record())))
    y = json.loads((out/'yardstick.json').read_text()) if (out/'yardstick.json').exists() else {}
    if 'unknown' not in y:                         # new, or recorded before the per-word perplexity and `unknown` were
        y = yardstick_record(out, yardstick, y.get('perplexity')); atomic_write_text(out/'yardstick.json', json.dumps(y))
    m = json.loads((out/'metrics.json').read_text())
    return dict(folder=str(out), settings=dict(settings, **stage), lm=m['stages']['lm'], yardstick=y, precision=m['precision'],
                **json.loads((out/'build_seconds.json').read_text()))

def build_lm(lm:Path, yardstick:list, kind:str='words')->dict:
    "The language model (`LMS[kind]`) the ULMFiT points start from, trained on IMDb's 25,000 train texts only (no labels, no test texts)"
    settings, lm_stages, _ = LMS[kind]
    dirs, data, tokens = lm_stage_dirs(lm, len(lm_stages)), untar_data(URLs.IMDB)/'train', Tokens(yardstick)   # tokenized once per tokenizer
    stages = [build_stage(data, d, prev, settings, s, tokens) for d, prev, s in zip(dirs, [None] + dirs[:-1], lm_stages)]
    return dict(kind=kind, folder=stages[-1]['folder'], lm=stages[-1]['lm'], stages=stages, machine=stages[-1].get('machine'),
                wall=sum(s['wall'] for s in stages), cpu=sum(s['cpu'] for s in stages))

def same_model(a:dict, b:dict)->bool:
    """Whether two builds of a language model (`build_lm`'s records) came out the same: every metric of its training but the seconds,
    and each stage's perplexity on the yardstick texts, to the last digit (training is deterministic given its seed on one machine)"""
    outcome = lambda r: ({k: v for k, v in r['lm'].items() if not k.endswith('seconds')}, [s.get('yardstick', {}).get('perplexity') for s in r.get('stages', [])])
    return outcome(a) == outcome(b)

def record_lm(res:dict, lm:dict)->int:
    """Put the language model `lm` (`build_lm`'s record) into `res['lm']`, unless it is a rebuild of the model recorded there: the same
    folder built again (a fresh checkout) with the same settings and seed. Then `res['lm']` stays the model its points were measured
    from and `lm` joins its `rebuilds`. Returns which build the next points start from — 0: the recorded model, or a rebuild that came
    out the same (`same_model`); k: `rebuilds[k - 1]`, other weights — which they record as `lm_build`"""
    old = res.get('lm')
    if not old or old['folder'] != lm['folder']: res['lm'] = lm; return 0
    if lm['lm'] == old['lm']:                                                        # the same build, its record refreshed (a yardstick added)
        res['lm'] = {**lm, **({'rebuilds': old['rebuilds']} if 'rebuilds' in old else {})}; return 0
    rebuilds = old.setdefault('rebuilds', [])
    if lm['lm'] not in [b['lm'] for b in rebuilds]: rebuilds.append(lm)             # the training metrics: perplexity, loss, seconds
    return next(k for k, b in enumerate([old, *rebuilds]) if same_model(b, lm))

def bidirectional_lm(forward:dict, backward:dict)->dict:
    "The record of a forward and a backward language model (`build_lm`'s) used together: both models' stages, their cost summed"
    return dict(kind='bidirectional', folder=f"{forward['folder']} + {backward['folder']}", lm=forward['lm'],
                stages=forward['stages'] + backward['stages'], machine=backward.get('machine'),
                wall=forward['wall'] + backward['wall'], cpu=forward['cpu'] + backward['cpu'])

def move_runs(src:Path, dst:Path):
    "The point run folders (`point_run`'s) of the curve's classifiers and of their self-trained students from `src` into `dst`"
    for sub in ('', 'self_training'):
        for d in sorted((src/sub).glob('ulmfit_*')) if (src/sub).is_dir() else []:
            (dst/sub).mkdir(parents=True, exist_ok=True); shutil.rmtree(dst/sub/d.name, ignore_errors=True); shutil.move(str(d), str(dst/sub/d.name))
    for sub in ('self_training', ''):                    # a folder left empty goes (one still holding other runs stays)
        if (src/sub).is_dir() and not any((src/sub).iterdir()): (src/sub).rmdir()

def archive_ulmfit(res:dict, lm:dict, work:Path|None=None):
    """ULMFiT's points (and those it `replaced`), search and probe from another language model than `lm` move to `res['earlier']`, with that model's record;
    for the curve's (`work` given: where its runs are), the points it taught under `variants.self_training` too, with the self-training
    search made from it (its teachers were its classifiers: a later choice reads it only where the newest model has none, `chosen`),
    and the run folders to `work`/earlier<k>"""
    if res.get('lm', {}).get('folder') in (None, lm['folder']): return
    old = {k: res['points'].pop(k) for k in [k for k, p in res['points'].items() if p['method'] == 'ulmfit']}
    entry = dict(lm=res['lm'], points=old, search=res.pop('search', {}), probe=res.pop('probe', {}), replaced=res.pop('replaced', {}))
    st = res.get('variants', {}).get('self_training', {})
    if work and st.get('points'): entry['self_training'] = {k: st.pop(k) for k in ('points', 'lm', 'replaced', 'search') if k in st}
    res.setdefault('earlier', []).append(entry)
    if work: move_runs(work, work/f"earlier{len(res['earlier']) - 1}")

def adopt_variant(res:dict, lm:dict, work:Path):
    """A forward variant (`--lm-kind`) whose language model `lm` becomes the curve's (the same folder) brings what was measured from
    it: its points, probe and search become the curve's, its self-trained points `variants.self_training`'s, and its run folders
    (`work`/<kind>) the curve's; run after `archive_ulmfit`, which made room"""
    variants = res.get('variants', {})
    kind = next((k for k, v in variants.items() if not k.startswith('self_training') and v.get('lm', {}).get('folder') == lm['folder']), None)
    if kind is None: return
    v = variants.pop(kind)
    res['points'].update(v['points']); res['probe'] = v.get('probe', {})
    if v.get('search'): res['search'] = v['search']
    if st := variants.pop(f'self_training_{kind}', None):
        variants.setdefault('self_training', {}).update(st, lm=dict(lm, kind='self_training'))
    move_runs(work/kind, work)

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

def cpu_seconds()->float:
    "CPU seconds of this process and its finished children (the tokenizer's workers)"
    return sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ('ru_utime', 'ru_stime'))

def labelled_csv(fname:Path, texts, y, valid_texts, y_valid)->Path:
    "The CSV a classifier run reads: the labelled texts, then the validation texts marked `is_valid`"
    df = pd.DataFrame(dict(text=list(texts) + list(valid_texts), label=NAMES[np.concatenate([y, y_valid])],
                           is_valid=[False] * len(y) + [True] * len(y_valid)))
    df.to_csv(fname, index=False); return fname

def train_ulmfit(lm_dir:Path, out:Path, texts, y, valid_texts, y_valid, seed:int, **settings)->tuple:
    "A classifier from the pretrained encoder in `lm_dir` through the recipe API: (its validation accuracy, the exported model, its precision)"
    from ulmfit_nb.recipe import train_classifier
    shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)     # a point the JSON does not hold starts again
    csv = labelled_csv(out/'labelled.csv', texts, y, valid_texts, y_valid)
    res = train_classifier(csv, out/'run', encoder=lm_dir, valid_col='is_valid', seed=seed, show=False, **settings)
    return res.metrics['stages']['evaluate']['accuracy'], res.model, res.metrics['precision']

class TestSet:
    "IMDb's test reviews, tokenized once per tokenizer; each ULMFiT point reads them once with its own model"
    def __init__(self, texts, labels): self.tokens, self.labels = Tokens(texts), labels
    def probs(self, clf)->np.ndarray:
        "The probabilities of the classifier `clf` for the test reviews, a row each, columns in the order of `clf.classes`"
        from ulmfit_nb.tokenize import TokenizerSpec
        corpus = clf.num.corpus(self.tokens(TokenizerSpec.from_tok_kwargs(clf.tok_kwargs)))
        return clf.predict_ids([corpus.doc_ids(i) for i in range(len(corpus))], bs=128, progress=False)
    def accuracy(self, clf, probs:np.ndarray|None=None)->float:
        "The accuracy of `clf`, or of `probs` in the order of its classes"
        probs = self.probs(clf) if probs is None else probs
        return float((np.array(clf.classes)[probs.argmax(1)] == NAMES[self.labels]).mean())

def point(method:str, train_texts, y, valid_texts, y_valid, test_texts, y_test)->dict:
    "One point: features, C chosen on the validation set, then the test accuracy with it"
    t0 = time.process_time()
    x, xv, test_features = METHODS[method](train_texts, valid_texts, test_texts, y, y_valid)
    scores = {c: LogisticRegression(C=c, max_iter=2000).fit(x, y).score(xv, y_valid) for c in C_GRID}
    best = max(scores, key=scores.get)
    acc = LogisticRegression(C=best, max_iter=2000).fit(x, y).score(test_features(), y_test)
    return dict(accuracy=float(acc), valid_accuracy=float(scores[best]), C=best, cpu_seconds=time.process_time() - t0)

SEARCH = {                                   # the ULMFiT classifier settings tried on the validation set (--search)
    'seed':            dict(bs=64, epochs_clas=(1, 1, 1, 2)),    # the seed's: the recipe's defaults from 5,001 training texts (fewer: bs32_x2's)
    'bs16':            dict(bs=16, epochs_clas=(1, 1, 1, 2)),
    'bs16_x2':         dict(bs=16, epochs_clas=(2, 2, 2, 4)),
    'bs16_x4':         dict(bs=16, epochs_clas=(4, 4, 4, 8)),
    'bs16_x8':         dict(bs=16, epochs_clas=(8, 8, 8, 16)),
    'bs32_x2':         dict(bs=32, epochs_clas=(2, 2, 2, 4)),
    'bs32_x4':         dict(bs=32, epochs_clas=(4, 4, 4, 8)),
    'bs64_x4':         dict(bs=64, epochs_clas=(4, 4, 4, 8)),              # the steps of bs32_x2, at the default batch size
    'bs32_x2_lr01':    dict(bs=32, epochs_clas=(2, 2, 2, 4), lr_clas=1e-2),  # the head's first learning rate 0.4x the default (0.025)
    'bs32_x2_drop025': dict(bs=32, epochs_clas=(2, 2, 2, 4), drop_mult_clas=0.25),   # half the classifier's dropout (the default 0.5)
    'bs32_x2_drop1':   dict(bs=32, epochs_clas=(2, 2, 2, 4), drop_mult_clas=1.),     # twice it: more regularization for few labels
}

def points_searched(res:dict)->dict:
    """The classifier search of `res` and, as their settings' entries where it has none, its ULMFiT points of a first sample with
    settings of SEARCH, measured or `replaced` since: the same labels (seed 1), classifier seed and settings as a search entry, so the
    same measurement"""
    searched = dict(res.get('search', {}))
    for p in [*res.get('points', {}).values(), *res.get('replaced', {}).values()]:
        name = p.get('settings_name')
        if p['method'] == 'ulmfit' and p['sample'] == 0 and name in SEARCH and same(p['settings'], SEARCH[name]):
            searched.setdefault(f"{name}/{p['n']}/0", p)
    return searched

def chosen(res:dict, n:int, pool:int, default:str='seed', settings:dict=SEARCH)->tuple[str, dict]:
    """The search's settings with the best validation accuracy at the budget searched nearest to `n`, with the newest language model
    searched there (else `default` of `settings`: the recipe's); the curve's own first-sample points count as its search's entries
    (`points_searched`). The whole pool takes only a search of the whole pool: its classifier is the longest, and the issue gives it an hour"""
    searches = [s for s in [points_searched(res)] + [e['search'] for e in reversed(res.get('earlier', []))] if s]    # the newest first
    budgets = {v['n'] for s in searches for v in s.values() if (v['n'] >= pool) == (n >= pool)}
    if not budgets: return default, settings[default]
    near = min(budgets, key=lambda b: abs(np.log(b / n)))
    runs = next(runs for s in searches if (runs := [v for v in s.values() if v['n'] == near]))
    best = max(runs, key=lambda v: v['valid_accuracy'])
    return best['settings_name'], best['settings']

def point_run(work:Path, key:str)->Path:
    "The run folder of the ULMFiT point `key` ('ulmfit/<n>/<sample>') of a run of the benchmark with `work`"
    return work/key.replace('/', '_')/'run'

def same(a, b)->bool:
    "Whether two settings are the same as the JSON records them (a tuple as a list)"
    return json.dumps(a, sort_keys=True, default=list) == json.dumps(b, sort_keys=True, default=list)

def keep_replaced(group:dict, key:str):
    "Move `group`'s point `key`, measured with settings the search no longer chooses, to `group['replaced']` (named by those settings)"
    if key in group.get('points', {}):
        point = group['points'].pop(key)
        group.setdefault('replaced', {})[f"{point['settings_name']}/{key}"] = point

def retire_students(res:dict, key:str):
    """The self-trained point the curve's point `key` taught (`variants.self_training`) goes to `replaced` when that point is measured
    again with other settings: its teacher is gone. Named `teacher <its settings>/<the student's>/<key>`"""
    st, teacher = res.get('variants', {}).get('self_training', {}), res['points'].get(key)
    if teacher and key in st.get('points', {}) and st['points'][key].get('settings', {}).get('teacher') != 'probe':     # a probe taught it: it stays
        student = st['points'].pop(key)
        st.setdefault('replaced', {})[f"teacher {teacher['settings_name']}/{student['settings_name']}/{key}"] = dict(student, teacher_settings=teacher['settings'])

def ulmfit_point(lm_dir:Path, work:Path, key:str, texts, y, valid_texts, y_valid, seed:int, settings:dict, test:TestSet|None)->dict:
    "One ULMFiT point: the classifier through the recipe API, its validation accuracy, and (with `test`) its test accuracy"
    t0, c0 = time.time(), cpu_seconds()
    acc, clf, precision = train_ulmfit(lm_dir, point_run(work, key).parent, texts, y, valid_texts, y_valid, seed, **settings)
    r = dict(valid_accuracy=float(acc), train_seconds=time.time() - t0, precision=precision)
    if test is not None: r['accuracy'] = test.accuracy(clf)
    return dict(r, wall_seconds=time.time() - t0, cpu_seconds=cpu_seconds() - c0)

def search_point(own:dict, work:Path, key:str, name:str, settings:dict, test:TestSet)->dict|None:
    """The first-sample ULMFiT point `key` from the classifier the search entry of its settings `name` trained, where that run is kept
    and reads the validation set as the entry records: the same labels (seed 1), classifier seed and settings, so the same measurement
    (`points_searched`). Its run becomes the point's and only the test set is read: the CPU seconds are the search's and the test's"""
    skey = f"{name}/{key.split('/')[1]}/0"
    entry, run = own.get('search', {}).get(skey), point_run(work/'search', skey)
    if not entry or not same(entry['settings'], settings) or not (run/'model.pth').exists(): return None
    if json.loads((run/'metrics.json').read_text())['stages']['evaluate']['accuracy'] != entry['valid_accuracy']: return None
    from ulmfit_nb.classifier import load_classifier
    t0, c0 = time.time(), cpu_seconds()
    shutil.rmtree(point_run(work, key).parent, ignore_errors=True); shutil.copytree(run.parent, point_run(work, key).parent)
    acc = test.accuracy(load_classifier(point_run(work, key)/'model.pth'))
    return dict(valid_accuracy=entry['valid_accuracy'], train_seconds=entry['train_seconds'], precision=entry['precision'], accuracy=acc,
                wall_seconds=entry['wall_seconds'] + time.time() - t0, cpu_seconds=entry['cpu_seconds'] + cpu_seconds() - c0, from_search=skey)

def ensemble_point(runs:list[Path], test:TestSet|None)->dict:
    """The paper's forward + backward ensemble of the classifiers of two ULMFiT runs (their run folders): the mean of their
    probabilities, on the validation set (the runs' own outputs) and (with `test`) on the test set"""
    from ulmfit_nb.classifier import load_classifier
    t0, c0 = time.time(), cpu_seconds()
    clfs, valid = [load_classifier(d/'model.pth') for d in runs], [np.load(d/'valid_outputs.npz') for d in runs]
    if clfs[0].classes != clfs[1].classes or not np.array_equal(valid[0]['targets'], valid[1]['targets']):
        raise ValueError(f'{runs[0]} and {runs[1]} were not trained on the same validation texts and classes')
    r = dict(valid_accuracy=float((np.mean([v['probs'] for v in valid], 0).argmax(1) == valid[0]['targets']).mean()), runs=[str(d) for d in runs],
             members_valid=[float((v['probs'].argmax(1) == v['targets']).mean()) for v in valid])
    if test is not None:
        probs = [test.probs(c) for c in clfs]
        r.update(accuracy=test.accuracy(clfs[0], np.mean(probs, 0)),
                 members=[test.accuracy(c, p) for c, p in zip(clfs, probs)])    # each alone: the points' own test accuracies again
    return dict(r, wall_seconds=time.time() - t0, cpu_seconds=cpu_seconds() - c0)

SELF_TRAINING = {                            # the self-training settings tried on the validation set (--self-train NAME ...): the
                                             # teacher that labels (the curve point's classifier, the point's forward + backward
                                             # ensemble, or the probe of its labels), the K reviews it is surest of, and the student's classifier settings (the
                                             # recipe's defaults: with thousands of texts the student is not few labels)
    'k5000_seed':      dict(k=5000, bs=64, epochs_clas=(1, 1, 1, 2)),                             # teacher: the forward classifier
    'k10000_seed':     dict(k=10000, bs=64, epochs_clas=(1, 1, 1, 2)),
    'k15000_seed':     dict(k=15000, bs=64, epochs_clas=(1, 1, 1, 2)),
    'k20000_seed':     dict(k=20000, bs=64, epochs_clas=(1, 1, 1, 2)),
    'k10000_bi':       dict(k=10000, teacher='bidirectional', bs=64, epochs_clas=(1, 1, 1, 2)),
    'k10000_bi_bi':    dict(k=10000, teacher='bidirectional', student='bidirectional', bs=64, epochs_clas=(1, 1, 1, 2)),   # a backward student
                                                                                      # too, on the same texts: the point is their ensemble
    'k15000_round2':   dict(k=15000, teacher='k15000_seed', bs=64, epochs_clas=(1, 1, 1, 2)),   # a second round: k15000_seed's student teaches
    'k15000_x2':       dict(k=15000, bs=64, epochs_clas=(2, 2, 2, 4)),                           # the student's epochs doubled
    'k15000_probe':    dict(k=15000, teacher='probe', bs=64, epochs_clas=(1, 1, 1, 2)),         # teacher: the frozen encoder's probe
                                                                                      # (--probe), a classifier in its own right (EncoderProbe.teacher)
    'k15000_mixed':    dict(k=15000, teacher='classifier+probe', bs=64, epochs_clas=(1, 1, 1, 2)),   # teacher: the mean of the two
                                                                                      # above (TextEnsemble): fine-tuned and frozen, two views of the labels
}
SELF_TRAINING_VARIANTS = {'forward': 'self_training', 'bidirectional': 'self_training_bidirectional',   # where each teacher's points go,
                          'bidirectional_both': 'self_training_ensemble'}                               # and a bidirectional student's

def self_training_teacher(res:dict, work:Path, key:str, settings:dict, out:Path, own:dict|None=None, probe:Path|None=None)->tuple[Path, float]:
    """The model file of the teacher `settings` name for the curve point `key` — its classifier (from the points of `own`, a variant's
    results, if given), or the forward + backward ensemble of it and its backward twin, or the ensemble of it and the model file `probe`
    (EncoderProbe.teacher's, whose CPU seconds the caller counts), exported into `out`, or (in the search) the student of another
    setting — and the CPU seconds its training took"""
    from ulmfit_nb.classifier import load_classifier
    from ulmfit_nb.ensemble import TextEnsemble
    if settings.get('teacher') in SELF_TRAINING:         # a second round, searched only: the first round's student of the same labels
        first = f"{settings['teacher']}/{key.split('/', 1)[1]}"
        if first not in res.get('variants', {}).get('self_training', {}).get('search', {}): raise SystemExit(f'search {first} first')
        return point_run(work/'self_training', first).parent/'run/model.pth', res['variants']['self_training']['search'][first]['cpu_seconds']
    runs, points = [point_run(work, key)], [(own or res)['points'].get(key)]
    if settings.get('teacher', 'forward') == 'bidirectional':
        runs.append(point_run(work/'backward', key)); points.append(res.get('variants', {}).get('backward', {}).get('points', {}).get(key))
    undirected = lambda p: {k: v for k, v in p['settings'].items() if k != 'backwards'}       # the settings both directions share
    if not all(points) or not all(same(undirected(p), undirected(points[0])) for p in points) or \
            not same(points[0]['settings'], chosen(res, points[0]['n'], res['pool'])[1]):
        raise SystemExit(f'{key}: measure the curve first, with --lm-kind backward too for the ensemble (its settings are not the ones the search chooses)')
    members = [d/'model.pth' for d in runs] + ([probe] if settings.get('teacher') == 'classifier+probe' else [])
    if len(members) == 1: return members[0], points[0]['cpu_seconds']
    TextEnsemble([load_classifier(m) for m in members]).export(out/'teacher.pth')
    return out/'teacher.pth', sum(p['cpu_seconds'] for p in points)

def restore_run(lm_dir:Path, work:Path, key:str, point:dict, texts, y, valid_texts, y_valid):
    """Train the curve point `key`'s classifier again where its run folder is gone (a fresh checkout keeps the JSON, not `runs/`), from
    its record `point` (settings, sample); its validation accuracy must be the recorded one: else it is another classifier, and its
    student would not be the point's"""
    if (point_run(work, key)/'model.pth').exists(): return
    r = ulmfit_point(lm_dir, work, key, texts, y, valid_texts, y_valid, point['sample'] + 1, point['settings'], None)
    if r['valid_accuracy'] != point['valid_accuracy']:
        raise SystemExit(f"{key} trained again reads the validation set at {r['valid_accuracy']:.2%}, not the recorded "
                         f"{point['valid_accuracy']:.2%}: not the same classifier — measure the point again (its settings in SEARCH)")
    print(f"  {key}: its run trained again, the same classifier (validation {r['valid_accuracy']:.2%}, {r['wall_seconds'] / 60:.1f} min)", flush=True)

def students_searched(st:dict)->dict:
    """The self-training search (`st`: `variants.self_training`) and, as their settings' entries where the search has none, the curve's
    students of a first sample that took all K pseudo-labels: the same labels, seed and settings, so the same measurement a search makes"""
    searched = dict(st.get('search', {}))
    for key, p in st.get('points', {}).items():
        name = f"{p['settings_name']}/{p['n']}/0"
        if p['sample'] == 0 and p.get('pseudo_labels') == p['settings']['k'] and name not in searched: searched[name] = p
    return searched

def self_training_point(lm_dir:Path, work:Path, key:str, teacher:Path, texts, y, unlabelled, valid_texts, y_valid, seed:int,
                        settings:dict, test:TestSet|None, y_unlabelled:np.ndarray|None=None, backward_lm:Path|None=None,
                        pseudo_labels:int|None=None)->dict:
    """Self-training through the recipe API (`train_self_trained`, MultiFiT's bootstrapping with ULMFiT's classifier as its own teacher):
    the classifier in the model file `teacher` labels the `unlabelled` texts, and a student starts again from the pretrained encoder
    on `texts` and the `k` (or `pseudo_labels`) it is surest of — with `backward_lm`, a backward student too, on the same texts (`train_classifier`), and
    the point is their ensemble. With `y_unlabelled`, how many of those labels are right (a diagnostic: it chooses nothing)"""
    from ulmfit_nb.recipe import train_classifier, train_self_trained
    t0, c0, out = time.time(), cpu_seconds(), point_run(work, key).parent
    csv = labelled_csv(out/'labelled.csv', texts, y, valid_texts, y_valid)
    classifier = {k: v for k, v in settings.items() if k not in ('k', 'teacher', 'student')}
    k = settings['k'] if pseudo_labels is None else pseudo_labels
    st = train_self_trained(csv, out/'run', unlabelled, lm_dir, teacher=teacher, pseudo_labels=k, valid_col='is_valid',
                            seed=seed, show=False, **classifier)
    r = dict(valid_accuracy=st.metrics['student']['accuracy'], teacher_valid_accuracy=st.metrics['teacher']['accuracy'], pseudo_labels=k,
             train_seconds=time.time() - t0, precision=st.runs['student'].metrics['precision'])
    if backward_lm is not None:
        train_classifier(out/'run/student.csv', out/'run_bwd', encoder=backward_lm, valid_col='is_valid', backwards=True, seed=seed, show=False, **classifier)
        ens = ensemble_point([out/'run/student', out/'run_bwd'], test)
        r.update({k: ens[k] for k in ('valid_accuracy', 'members_valid', 'accuracy', 'members') if k in ens}, train_seconds=time.time() - t0)
    elif test is not None: r['accuracy'] = test.accuracy(st.model)
    if y_unlabelled is not None:                 # the student's rows after the labelled and validation ones are the pseudo-labelled
        truth, pseudo = dict(zip(unlabelled, NAMES[y_unlabelled])), pd.read_csv(out/'run/student.csv').iloc[len(y) + len(y_valid):]
        r['pseudo_accuracy'] = float((pseudo.text.map(truth) == pseudo.label).mean())    # a text twice in IMDb: one of its labels
    return dict(r, wall_seconds=time.time() - t0, cpu_seconds=cpu_seconds() - c0)

class EncoderProbe:
    """How much the pretrained encoder in `lm_dir` holds before fine-tuning (--probe), and the probe as a teacher: the library's
    `LinearProbe` (07a_probe), its setting chosen on the validation set, computed in `precision` — a teacher's in the one its labels
    will be predicted in (`train_self_trained`'s), so that it learns from the features it will read"""
    def __init__(self, lm_dir:Path, valid_texts, y_valid, precision:str='fp32'):
        from ulmfit_nb.probe import LinearProbe
        self.probe = LinearProbe(lm_dir, backwards=reads_backwards(lm_dir), precision=precision)
        self.valid_texts, self.valid_labels = valid_texts, NAMES[y_valid]

    def fit(self, texts, y):
        "The probe of `texts` with the 0/1 labels `y`, as the class names of the benchmark's CSVs"
        return self.probe.fit(texts, NAMES[y], self.valid_texts, self.valid_labels)

    def point(self, texts, y)->dict:
        "Validation accuracy of the probe of `texts` per pooling, `C` chosen on the validation set"
        t0, tried = cpu_seconds(), self.fit(texts, y).tried
        return dict({pool: max(a for k, a in tried.items() if k.startswith(f'{pool} ')) for pool in ('concat', 'mean')}, cpu_seconds=cpu_seconds() - t0)

    def teacher(self, texts, y, fname:Path)->dict:
        "The probe of `texts` as a classifier (`LinearProbe.to_classifier`), exported to `fname`: a model file `train_self_trained` takes as its teacher"
        t0, probe = cpu_seconds(), self.fit(texts, y)
        probe.to_classifier().export(fname)
        return dict(pool=probe.pool, C=probe.C, valid_accuracy=probe.valid_accuracy, cpu_seconds=cpu_seconds() - t0)

def save(res:dict, out:Path|None):
    if out: atomic_write_text(out, json.dumps(res, indent=1, default=list))

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--budgets', type=int, nargs='+', default=[100, 250, 500, 1000, 5000, 24000])
    ap.add_argument('--samples', type=int, default=3, help='samples per budget (one for the whole pool)')
    ap.add_argument('--methods', nargs='+', default=[*METHODS, 'ulmfit'], choices=[*METHODS, 'ulmfit'])
    ap.add_argument('--lm-kind', default='words', choices=list(LMS), help="ULMFiT's pretrained language model (LMS): 'subwords' puts its "
                    "points, probe and model under variants.subwords in the JSON")
    ap.add_argument('--lm', default=None, help="the pretrained language model's first stage's folder (the next stages' beside it: built "
                    "there first if they are not; default: LMS's)")
    ap.add_argument('--work', default='runs/few_labels', help="where the classifier runs go")
    ap.add_argument('--search', nargs='*', default=None, choices=list(SEARCH),
                    help="ULMFiT: only measure these settings on the validation set, at each budget's first sample (none named: all)")
    ap.add_argument('--probe', action='store_true', help="ULMFiT's encoder before fine-tuning: logistic regression on its frozen features, "
                    "on the validation set, at each budget's first sample")
    ap.add_argument('--self-train', nargs='*', default=None, choices=list(SELF_TRAINING),
                    help="ULMFiT with self-training (SELF_TRAINING), under variants.self_training: each point's classifier labels the rest "
                    "of the pool, and a second one learns from its labels and those it is surest of. With names: only measure these settings "
                    "on the validation set, at each budget's first sample")
    args = ap.parse_args()
    print(machine())
    texts, labels = imdb_split('train'); test_texts, y_test = imdb_split('test')
    valid_idx = balanced(labels, np.arange(len(labels)), 1000, seed=0)
    pool = np.setdiff1d(np.arange(len(labels)), valid_idx)
    valid_texts, y_valid = [texts[i] for i in valid_idx], labels[valid_idx]
    out = Path(args.json) if args.json else None
    res = json.loads(out.read_text()) if out and out.exists() else dict(name='few_labels', points={})
    res.update(title='Few labels: the learning curve', validation=len(valid_idx), pool=len(pool), test=len(y_test))
    here = machine_record()                           # this run's machine, on each point and probe it measures
    made = dict(machine=here)                         # what each ULMFiT point records of where it was made (and lm_build: record_lm)
    res.setdefault('machine', here)                   # the first run's; each point and language model records its own (`machine`)
    lm_dir, work, test = Path(args.lm or LMS[args.lm_kind][2]), Path(args.work), None
    own = res if args.lm_kind == 'words' else res.setdefault('variants', {}).setdefault(args.lm_kind, dict(points={}))   # ULMFiT's results
    if 'ulmfit' in args.methods or args.probe or args.search is not None:     # the language model: built first if it is not
        yardstick = [test_texts[i] for i in np.sort(np.random.default_rng(0).choice(len(test_texts), 1000, replace=False))]   # texts only
        lm = build_lm(lm_dir, yardstick, args.lm_kind); curve = own is res
        archive_ulmfit(own, lm, work if curve else None)
        if curve: adopt_variant(res, lm, work)                          # a variant whose model is now the curve's brings its points
        if build := record_lm(own, lm): made['lm_build'] = build     # the ULMFiT points measured from now on say which build
        lm_dir = Path(lm['folder']); save(res, out)
        print(f"  language model: {lm['folder']}, perplexity {lm['lm']['perplexity']:.1f}"
              + (f" (build {build}: recorded {own['lm']['lm']['perplexity']:.1f})" if build else ''), flush=True)
    if args.lm_kind != 'words': work = work/args.lm_kind
    if args.search is not None:                                          # the validation set only: the test set is not read
        for n in args.budgets:
            idx = pool if n >= len(pool) else balanced(labels, pool, n, seed=1)
            for name in args.search or SEARCH:
                key = f'{name}/{len(idx)}/0'
                if key in own.setdefault('search', {}): continue
                r = ulmfit_point(lm_dir, work/'search', key, [texts[i] for i in idx], labels[idx], valid_texts, y_valid, 1, SEARCH[name], None)
                own['search'][key] = dict(r, settings_name=name, settings=SEARCH[name], n=len(idx), **made)
                print(f'  search {key:22} validation {r["valid_accuracy"]:.2%}  {r["wall_seconds"] / 60:.1f} min', flush=True)
                save(res, out)
        raise SystemExit
    def report(key, r): print(f'  {key:22} test accuracy {r["accuracy"]:.2%}  (validation {r["valid_accuracy"]:.2%}, '
                              f'{r.get("settings_name") or "C " + format(r.get("C"), "g")})  {r["cpu_seconds"]:.0f} CPU s', flush=True)
    if args.self_train is not None:                                      # the curve's points are the teachers: measured first
        if args.lm_kind != 'words' and (args.self_train or LMS[args.lm_kind][0].get('backwards')):     # a forward variant: its own points teach
            ap.error('--self-train with names searches from the curve\'s own points, and a teacher reads forward: leave --lm-kind out')
        variants = res.setdefault('variants', {})
        st = variants.setdefault('self_training', dict(points={}))          # the search of every teacher, and the forward teacher's points
        probe = None                                                     # EncoderProbe, made when a setting asks for it
        test = None if args.self_train else TestSet(test_texts, y_test)
        for n in args.budgets:
            for s in range(1 if args.self_train else args.samples):
                if n >= len(pool): continue                              # no unlabelled texts left
                idx = balanced(labels, pool, n, seed=s + 1)
                teacher_key, rest = f'ulmfit/{len(idx)}/{s}', np.setdiff1d(pool, idx)
                searches = dict(search=students_searched(st), earlier=[e['self_training'] for e in res.get('earlier', []) if 'search' in e.get('self_training', {})])
                for name, settings in ([(nm, SELF_TRAINING[nm]) for nm in args.self_train] or [chosen(searches, len(idx), len(pool), 'k5000_seed', SELF_TRAINING)]):
                    if settings.get('teacher') in SELF_TRAINING and not args.self_train: raise SystemExit(f'{name}: a second round is searched only')
                    kind = ('bidirectional' if settings.get('teacher') == 'bidirectional' else 'forward') + \
                           ('_both' if settings.get('student') == 'bidirectional' else '')
                    if kind != 'forward' and own is not res: ap.error(f'{name}: a variant\'s language model (--lm-kind) teaches alone')
                    variant = SELF_TRAINING_VARIANTS[kind] + ('' if own is res else f'_{args.lm_kind}')   # a variant's: self_training_<kind>
                    if args.self_train: key, into = f'{name}/{len(idx)}/0', st.setdefault('search', {})
                    else: key, into = teacher_key, variants.setdefault(variant, dict(points={}))['points']
                    measured_from = variants.get(variant, {}).get('lm', {}).get('folder')
                    if not args.self_train and kind == 'forward' and measured_from not in (None, own['lm']['folder']):
                        raise SystemExit(f"variants.{variant} holds points from the language model {measured_from}, not "
                                         f"{own['lm']['folder']}: move them aside first (the curve's go under `earlier`)")
                    if same(into.get(key, {}).get('settings'), settings): continue
                    if not args.self_train: keep_replaced(variants[variant], key)     # measured with the settings an earlier search chose
                    where = work/'self_training'/('' if kind == 'forward' else kind)
                    shutil.rmtree(point_run(where, key).parent, ignore_errors=True); point_run(where, key).parent.mkdir(parents=True)
                    taught = None
                    if settings.get('teacher') in ('probe', 'classifier+probe'):   # the frozen encoder's probe of the same labels
                        probe = probe or EncoderProbe(lm_dir, valid_texts, y_valid, precision='auto')   # as the teacher will label
                        teacher = point_run(where, key).parent/('teacher.pth' if settings['teacher'] == 'probe' else 'probe.pth')
                        taught = probe.teacher([texts[i] for i in idx], labels[idx], teacher); teacher_cpu = taught['cpu_seconds']
                    if settings.get('teacher') != 'probe':                   # the curve point's classifier teaches, alone or with the probe
                        if own is res and teacher_key in res['points']:
                            restore_run(lm_dir, work, teacher_key, res['points'][teacher_key], [texts[i] for i in idx], labels[idx], valid_texts, y_valid)
                        teacher, classifier_cpu = self_training_teacher(res, work, teacher_key, settings, point_run(where, key).parent, own,
                                                                        teacher if taught else None)
                        teacher_cpu = classifier_cpu + (taught['cpu_seconds'] if taught else 0)
                    if not args.self_train:      # the language models the point's classifiers start from: the curve's, or both directions'
                        variants[variant]['lm'] = dict(own['lm'] if kind == 'forward' else bidirectional_lm(res['lm'], variants['backward']['lm']), kind=variant)
                    r = self_training_point(lm_dir, where, key, teacher, [texts[i] for i in idx], labels[idx], [texts[i] for i in rest],
                                            valid_texts, y_valid, s + 1, settings, test, labels[rest],
                                            Path(variants['backward']['lm']['folder']) if settings.get('student') else None,
                                            None if args.self_train else min(settings['k'], 2 * len(rest) // 3))   # a curve point: the recipe's rule
                    into[key] = dict(r, settings_name=name, settings=settings, method='ulmfit', n=len(idx), sample=s, **made,
                                     cpu_seconds=r['cpu_seconds'] + teacher_cpu, own_cpu_seconds=r['cpu_seconds'],   # the teacher's too
                                     **({'teacher_settings': taught} if settings.get('teacher') == 'probe' else
                                        {} if args.self_train or kind != 'forward' else {'teacher_settings': own['points'][teacher_key]['settings']}),
                                     **({'probe_settings': taught} if taught and settings['teacher'] != 'probe' else {}))
                    if test and taught:                                  # not a curve point's: the teacher's own test accuracy, for the table
                        import ulmfit_nb.ensemble
                        from ulmfit_nb.classifier import load_classifier
                        members = getattr(model := load_classifier(teacher), 'members', [model])
                        into[key]['teacher_accuracy'] = test.accuracy(members[0], np.mean([test.probs(m) for m in members], 0))
                    if test: report(f'{key} ({variant})', into[key])
                    else: print(f'  self-training {key:22} validation {r["valid_accuracy"]:.2%}  {r["wall_seconds"] / 60:.1f} min', flush=True)
                    save(res, out)
        raise SystemExit
    if args.probe:                                                       # the validation set only
        probe = EncoderProbe(lm_dir, valid_texts, y_valid)
        for n in args.budgets:
            idx = pool if n >= len(pool) else balanced(labels, pool, n, seed=1)
            if str(len(idx)) in own.setdefault('probe', {}): continue
            r = probe.point([texts[i] for i in idx], labels[idx])
            own['probe'][str(len(idx))] = dict(r, n=len(idx), **made)
            print(f'  probe {len(idx):6,} labels: validation {r["concat"]:.2%} ([last, max, mean]), {r["mean"]:.2%} (mean)', flush=True)
            save(res, out)
        raise SystemExit
    backwards = {'backwards': True} if LMS[args.lm_kind][0].get('backwards') else {}     # the classifier reads as its encoder does
    if backwards: bidirectional = res.setdefault('variants', {}).setdefault('bidirectional', dict(points={}))
    for n in args.budgets:
        for s in range(1 if n >= len(pool) else args.samples):
            idx = pool if n >= len(pool) else balanced(labels, pool, n, seed=s + 1)
            for method in args.methods:
                key, into = f'{method}/{len(idx)}/{s}', (own if method == 'ulmfit' else res)['points']
                if method != 'ulmfit':
                    if key in into: continue                              # measured in an earlier run
                    r = point(method, [texts[i] for i in idx], labels[idx], valid_texts, y_valid, test_texts, y_test)
                    into[key] = dict(r, method=method, n=len(idx), sample=s, machine=here); report(key, r); save(res, out)
                    continue
                name, settings = chosen(own if own is res or own.get('search') else res, len(idx), len(pool))   # a variant: the curve's search
                settings = {**settings, **backwards}
                test = test or TestSet(test_texts, y_test)
                if not same(into.get(key, {}).get('settings'), settings):    # new, or measured with other settings than the search chooses
                    if own is res: retire_students(res, key)
                    keep_replaced(own, key)
                    r = (s == 0 and search_point(own, work, key, name, settings, test)) or \
                        ulmfit_point(lm_dir, work, key, [texts[i] for i in idx], labels[idx], valid_texts, y_valid, s + 1, settings, test)
                    into[key] = dict(r, settings_name=name, settings=settings, method=method, n=len(idx), sample=s, **made)
                    report(key, into[key]); save(res, out)
                forward = res['points'].get(key)
                if backwards and forward and same({**forward['settings'], **backwards}, settings) and \
                        not same(bidirectional['points'].get(key, {}).get('settings'), forward['settings']):
                    keep_replaced(bidirectional, key)           # of classifiers measured before with other settings
                    r = ensemble_point([point_run(Path(args.work), key), point_run(work, key)], test)
                    bidirectional['lm'] = bidirectional_lm(res['lm'], own['lm'])
                    bidirectional['points'][key] = dict(r, settings_name=name, settings=forward['settings'], method=method, n=len(idx),
                                                        sample=s, **made)
                    report(key + ' (fwd + bwd)', bidirectional['points'][key]); save(res, out)
