"""What a smaller vocabulary buys a language model on a CPU: 15,000 SentencePiece pieces against 30,000 and 60,000 words.

    python -m benchmarks.lm_vocab                   # 3 CPU minutes of training each
    python -m benchmarks.lm_vocab --minutes 10

Not a comparison with fastai (both libraries train the same model at the speeds benchmarks.lm_speed
measures): ulmfit_nb alone, the small language model trained from scratch on IMDb's 25,000 train
reviews (250 held out, the same for every vocabulary), as `ulmfit lm` trains it (one epoch of
`fit_one_cycle` at 1e-2, chunked loss). Each vocabulary gets the same training time: its speed is
measured on a few batches, and the epoch is cut to the texts that fit in `--minutes`. Printed per
vocabulary: the training tokens/s and words/s, and the held-out texts' perplexity *per word* — the
summed loss of every token divided by the number of words (the word tokenizer's tokens), so that
subwords and words are compared on the same texts. A word vocabulary maps the rarer words to `xxunk`,
which the model then predicts as one easy token: the smaller the word vocabulary, the more its
perplexity flatters it (the share of `xxunk` is printed beside it).
"""
import time, warnings
from functools import partial
warnings.filterwarnings('ignore')
from benchmarks._common import machine, arg_parser, row, write_result

import numpy as np, pandas as pd, torch
from fastai.basics import Adam, set_seed
from fastai.data.external import untar_data, URLs
from ulmfit_nb.data import TextDataLoaders, LMDataLoader, TextDataset
from ulmfit_nb.tokenize import SentencePieceTokenizer
from ulmfit_nb.lm_finetune import language_model_learner
from ulmfit_nb.model import AWD_LSTM, awd_lstm_lm_small_config
from benchmarks.lm_speed import BatchTimes

def imdb_train_texts()->pd.DataFrame:
    folder = untar_data(URLs.IMDB)/'train'
    return pd.DataFrame({'text': [p.read_text(encoding='utf-8') for d in ('pos', 'neg') for p in sorted((folder/d).glob('*.txt'))]})

def time_box(dls, seconds:float, tok_s:float, seed:int=0):
    "Keep a random share of the training texts that `tok_s` trains through in `seconds`"
    ds = dls.train.dataset
    keep = np.random.default_rng(seed).permutation(len(ds))
    keep = np.sort(keep[: int(np.searchsorted(np.cumsum(ds.lengths[keep]), tok_s * seconds)) + 1])
    dls.train = LMDataLoader(TextDataset(ds.corpus, ds.idxs[keep]), bs=dls.train.bs, seq_len=dls.train.seq_len, shuffle=True)
    return len(keep)

def learner(dls):
    return language_model_learner(dls, AWD_LSTM, config=awd_lstm_lm_small_config, pretrained=False, opt_func=partial(Adam, wd=0.1))

def train_one(name:str, df:pd.DataFrame, n_words:int, seconds:float, tok=None, max_vocab:int=60000, min_freq:int=3)->dict:
    "One vocabulary: its loaders, its speed, an epoch cut to `seconds`, the held-out perplexity per word"
    t0 = time.perf_counter()
    dls = TextDataLoaders.from_df(df, text_col='text', is_lm=True, valid_pct=0.01, seed=0, bs=64, seq_len=72, max_vocab=max_vocab,
                                  min_freq=min_freq, tok=tok, tok_kwargs=dict(progress=False))
    t_tok = time.perf_counter() - t0
    learn, timer = learner(dls), BatchTimes(8)
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-3, cbs=timer)
    tok_s = dls.train.bs * dls.train.seq_len / float(np.median(timer.times[2:]))
    n_texts = time_box(dls, seconds, tok_s)
    learn = learner(dls); set_seed(0)
    t0 = time.perf_counter()
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(1, 1e-2, moms=(0.8, 0.7, 0.8))
        t_train = time.perf_counter() - t0
        valid_loss = float(learn.validate()[0])
    n_valid = dls.valid.dataset.n_tokens
    unk = float(np.mean(np.concatenate([dls.valid.dataset.doc(i) for i in range(len(dls.valid.dataset))]) == dls.vocab.index('xxunk')))
    res = dict(vocab=len(dls.vocab), tok_s=tok_s, words_s=tok_s * n_words / n_valid, train_texts=n_texts, train_minutes=t_train / 60,
               tokenize_s=t_tok, valid_tokens=n_valid, valid_words=n_words, xxunk=unk,
               ppl_token=float(np.exp(valid_loss)), ppl_word=float(np.exp(valid_loss * n_valid / n_words)))
    print(f'  {name:18} vocabulary {res["vocab"]:6,}  {tok_s:6,.0f} tokens/s  {res["words_s"]:6,.0f} words/s  '
          f'{n_texts:6,} texts in {t_train / 60:.1f} min  perplexity {res["ppl_token"]:7.1f} per token, {res["ppl_word"]:7.1f} per word  '
          f'xxunk {unk:.2%}', flush=True)
    return res

if __name__ == '__main__':
    ap = arg_parser(__doc__)
    ap.add_argument('--minutes', type=float, default=3., help='training minutes per vocabulary')
    args = ap.parse_args()
    print(machine(), f'| {torch.get_num_threads()} torch threads')
    df = imdb_train_texts()
    words = TextDataLoaders.from_df(df, text_col='text', is_lm=True, valid_pct=0.01, seed=0, bs=64, seq_len=72, tok_kwargs=dict(progress=False))
    n_words = words.valid.dataset.n_tokens          # the held-out texts' words (the word tokenizer's tokens), the same texts for every vocabulary
    print(f'{len(df):,} IMDb train reviews, {len(words.valid.dataset)} held out ({n_words:,} words); {args.minutes:g} training minutes each')
    res = {}
    for name, kw in (('words, 60,000', dict(max_vocab=60000, min_freq=1)), ('words, 30,000', dict(max_vocab=30000, min_freq=1)),
                     ('SentencePiece 15k', dict(tok=SentencePieceTokenizer(vocab_sz=15000)))):
        res[name] = train_one(name, df, n_words, args.minutes * 60, **kw)
    rows = [row(f'{n}: {k}', r[k], None, u, better=b) for n, r in res.items()
            for k, u, b in (('vocab', '', 'higher'), ('tok_s', 'tokens/s', 'higher'), ('words_s', 'words/s', 'higher'),
                            ('ppl_word', '', 'lower'), ('xxunk', '', 'lower'))]
    write_result(args.json, 'lm_vocab', 'Language-model vocabulary: subwords against words',
                 f'ulmfit_nb\'s small language model from scratch on IMDb\'s 25,000 train reviews (250 held out), one fit_one_cycle epoch '
                 f'cut to {args.minutes:g} training minutes per vocabulary; perplexity per word on the held-out reviews', rows, results=res)
