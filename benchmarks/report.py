"Turning the JSON of `python -m benchmarks` into the performance page's tables and plots."
import json, re, statistics
from pathlib import Path
import pandas as pd

RESULTS = Path(__file__).parent/'results'

def load_results(mode:str|None=None)->dict:
    "The results of `python -m benchmarks` (`mode`: 'full' or 'quick'; default: full if it exists), with `gpu.json` as benchmark 'gpu' if present"
    mode = mode or ('full' if (RESULTS/'full.json').exists() else 'quick')
    res = json.loads((RESULTS/f'{mode}.json').read_text())
    if (RESULTS/'gpu.json').exists(): res['benchmarks']['gpu'] = json.loads((RESULTS/'gpu.json').read_text())
    return res

def describe_machine(m:dict)->str:
    "CPU model, cores, bf16 units (or none), GPU: what every figure must name"
    units = ', '.join(m.get('cpu_bf16_units') or []) or 'no bf16 units'
    return f'{m["cpu"]}, {m["cores"]} cores, {units}' + (f', GPU {m["gpu"]}' if m.get('gpu') else '')

def run_summary(res:dict)->str:
    "What produced these results: the command, the benchmarks' dates and their total time (a benchmark re-run alone keeps its own date and time)"
    bs = [b for b in res['benchmarks'].values() if 'machine' in b and b.get('name') != 'gpu']
    dates = sorted({b['machine']['date'] for b in bs})
    when = dates[0] if len(dates) == 1 else f'between {dates[0]} and {dates[-1]}'
    minutes = sum(b.get('seconds', 0) for b in bs) / 60
    return (f'`python -m benchmarks{" --quick" if res["mode"] == "quick" else ""}`: {len(bs)} benchmarks run {when}, '
            f'{minutes:.0f} minutes in all')

def describe_machines(res:dict)->str:
    "The machines the benchmarks ran on, each with the benchmarks it ran (a benchmark re-run alone may run on another machine)"
    by = {}
    for name, b in res['benchmarks'].items():
        if 'machine' in b and name != 'gpu': by.setdefault(describe_machine(b['machine']), []).append(name)
    if len(by) == 1: return next(iter(by))
    return '; '.join(f'{m} ({", ".join(names)})' for m, names in by.items())

def describe_versions(m:dict)->str:
    return ', '.join(f'{k} {v}' for k, v in m['versions'].items() if v)

def _fmt(v, unit:str='')->str:
    if v is None: return ''
    if isinstance(v, bool): return str(v)
    if isinstance(v, int) or (isinstance(v, float) and abs(v) >= 100): s = f'{v:,.0f}'
    elif isinstance(v, float) and unit == '': s = f'{v:.4f}'                  # losses, accuracies
    else: s = f'{v:,.2f}'
    return f'{s} {unit}'.strip() if unit not in ('', 's') else s + (' s' if unit == 's' else '')

def _ratio_value(r:dict)->float|None:
    "`ulmfit_nb / fastai`: the median of the runs' ratios where the runs were paired (as the goals use), else the ratio of the medians"
    return statistics.median(r['ratio_runs']) if r.get('ratio_runs') else r.get('ratio')

def _ratio(r:dict)->str:
    ratio = _ratio_value(r)
    if ratio is None: return ''
    better = ratio > 1 if r['better'] == 'higher' else ratio < 1
    return (f'{ratio:.3f}x' if ratio < 0.1 else f'{ratio:.2f}x') + (' (better)' if better else ' (worse)' if abs(ratio - 1) > 0.02 else '')

def result_table(b:dict)->pd.DataFrame:
    "One benchmark's rows: measure, ulmfit_nb, fastai, ulmfit_nb / fastai (rows without a fastai figure show ulmfit_nb's fp32 beside it)"
    out = []
    for r in b['rows']:
        other = _fmt(r['fastai'], r['unit']) if r['fastai'] is not None else (f'fp32: {_fmt(r["fp32"], r["unit"])}' if 'fp32' in r else '')
        ratio = _ratio(r) or (f'{r["speedup"]:.2f}x fp32' if 'speedup' in r else '')
        out.append({'measure': r['measure'], 'ulmfit_nb': _fmt(r['ulmfit_nb'], r['unit']), 'fastai': other, 'ulmfit_nb / fastai': ratio})
    return pd.DataFrame(out).set_index('measure').rename_axis(None)

def caption(b:dict)->str:
    "What was measured, on which machine, when, with which versions, by which command (Markdown)"
    m = b['machine']
    return (f'{b["setup"]}.  \n*Measured on {describe_machine(m)}, {m["date"]}; {describe_versions(m)}; '
            f'{b.get("seconds", 0)/60:.1f} min. Command:* `{_command(b)}`')

def _command(b:dict)->str: return re.sub(r' --json \S+', '', b['command']).strip()   # the command as a user types it

def goals_table(res:dict)->pd.DataFrame:
    "Every goal the benchmarks check: the target, what this run measured, met or not"
    rows = [dict(goal=g['goal'], target=f'{g["target"]}x' if g['target'] > 1 else g['target'], measured=_fmt(g['measured']) + ('x' if g['target'] > 1 else ''),
                 met='yes' if g['met'] else 'no', **{'measured on': describe_machine(b['machine'])})
            for b in res['benchmarks'].values() for g in b.get('goals', [])]
    return pd.DataFrame(rows).set_index('goal').rename_axis(None)

def few_labels_goals(r:dict)->pd.DataFrame:
    """The learning curve's goals (issue 28), from `results/few_labels.json`, as rows of `goals_table`: at every budget ULMFiT's better
    mean test accuracy — its classifier alone or self-trained — above the better linear model's; and with every label at least 93%
    from at most two hours of language-model pretraining and an hour of classifier training"""
    def mean(points:dict, method:str, n:int):
        accs = [p['accuracy'] for p in points.values() if p['method'] == method and p['n'] == n]
        return statistics.mean(accs) if accs else None
    st, rows = r.get('variants', {}).get('self_training', {}).get('points', {}), []
    where = describe_machine(r['lm'].get('machine') or r['machine'])
    for n in sorted({p['n'] for p in r['points'].values() if p['method'] == 'ulmfit'}):
        linear = max(a for m in ('tfidf_logreg', 'nb_logreg') if (a := mean(r['points'], m, n)) is not None)
        ulmfit = max(a for a in (mean(r['points'], 'ulmfit', n), mean(st, 'ulmfit', n)) if a is not None)
        rows.append({'goal': f'few labels, {n:,} labelled IMDb reviews: ULMFiT (alone or self-trained) above the better linear model, '
                             'test accuracy, mean of the samples', 'target': f'> {linear:.1%}',
                     'measured': f'{ulmfit:.1%} ({100 * (ulmfit - linear):+.1f} points)'})
        rows[-1]['met'] = 'yes' if ulmfit > linear else 'no'
    if whole := r['points'].get(f"ulmfit/{r['pool']}/0"):
        lm_min, clf_min = r['lm']['wall'] / 60, whole['train_seconds'] / 60
        rows.append({'goal': f"the whole IMDb ({r['pool']:,} labelled reviews): ULMFiT's test accuracy, pretraining at most 2 hours and "
                             'the classifier at most 1 on 2 CPU cores', 'target': '93.0%',
                     'measured': f"{whole['accuracy']:.1%} ({lm_min:.0f} + {clf_min:.0f} min)",
                     'met': 'yes' if whole['accuracy'] >= .93 and lm_min <= 120 and clf_min <= 60 else 'no'})
    return pd.DataFrame([dict(row, **{'measured on': where}) for row in rows]).set_index('goal').rename_axis(None)

def baseline_table(b:dict)->pd.DataFrame:
    "Accuracy against wall time: the linear baseline and ulmfit_nb, with where each figure comes from"
    def how(r):
        rec, s = r.get('recorded') or r.get('pretraining'), r['how']
        if rec: s += f'; {"its" if "recorded" in r else "pretraining"} run: {rec["seconds"]/60:.0f} min on {describe_machine(rec["machine"])} ({rec["precision"]}, {rec["started"][:10]})'
        if rec and rec.get('pretraining'): s += f', after {rec["pretraining"]["seconds"]/60:.0f} min of language-model pretraining'
        return s
    return pd.DataFrame([{'data': r['data'], 'method': r['method'], 'accuracy': f'{r["accuracy"]:.1%}',
                          'wall time': f'{r["seconds"]:.1f} s' if r['seconds'] < 120 else f'{r["seconds"]/60:.0f} min', 'how': how(r)}
                         for r in b['rows']]).set_index(['data', 'method'])

def plot_throughput(res:dict):
    "Horizontal bars: ulmfit_nb's throughput as a multiple of fastai's, for every docs/s or tokens/s row (log scale)"
    import textwrap
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    rows = [(f'{b["name"]}: {r["measure"]}', _ratio_value(r)) for b in res['benchmarks'].values() if b.get('rows')
            for r in b['rows'] if r.get('unit') in ('docs/s', 'tokens/s') and _ratio_value(r)]
    names, ratios = zip(*rows[::-1])
    labels = [textwrap.fill(n, 42) for n in names]                   # wrapped whole, never cut
    height = 0.22 * sum(l.count('\n') + 1 for l in labels) + 0.25 * len(rows) + 1.2
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    colour = lambda r: 'tab:gray' if 0.95 <= r <= 1.05 else 'tab:green' if r > 1 else 'tab:red'
    ax.barh(range(len(rows)), ratios, color=[colour(r) for r in ratios])
    ax.set_yticks(range(len(rows)), labels, fontsize=10)
    ax.set_xscale('log'); ax.axvline(1, color='k', lw=0.8)
    for i, r in enumerate(ratios): ax.text(r * 1.05, i, f'{r:.2f}x', va='center', fontsize=10)
    ax.set_xlabel('ulmfit_nb throughput / fastai throughput (log scale)', fontsize=10)
    ax.set_xlim(min(0.5, min(ratios) / 1.5), max(ratios) * 4)
    ax.legend(handles=[Patch(color='tab:green', label='ulmfit_nb faster'), Patch(color='tab:gray', label='parity (within 5%)'),
                       Patch(color='tab:red', label='ulmfit_nb slower')], loc='lower right', fontsize=9)
    fig.tight_layout()
    return fig

def plot_tokenize_sweep(b:dict):
    "Tokenization docs/s against corpus size for both libraries, and their ratio"
    import matplotlib.pyplot as plt
    sweep = b['sweep']
    n = [o['n_docs'] for o in sweep]
    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
    for lib, c in (('ulmfit_nb', 'tab:blue'), ('fastai', 'tab:orange')):
        ax.plot(n, [o[lib]['docs_s'] for o in sweep], 'o-', color=c, label=lib)
    for o in sweep: ax.annotate(f'{statistics.median(o["speed_ratios"]):.1f}x', (o['n_docs'], o['ulmfit_nb']['docs_s']),
                                textcoords='offset points', xytext=(0, 6), ha='center', fontsize=9)
    ax.set_xscale('log'); ax.set_xlabel('reviews tokenized in one call (log scale)'); ax.set_ylabel('docs/s')
    ax.set_ylim(0, None); ax.legend(); ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig

def lm_epoch_table(b:dict)->pd.DataFrame:
    "benchmarks.lm_speed's training speeds as the time of one epoch of `ulmfit lm --data imdb` (IMDb's train texts), per config and learner"
    rows = []
    for config, res in b['results'].items():
        for kind, r in res.items():
            learner = 'fastai.text' if kind == 'fastai' else f'ulmfit_nb, {kind}' + (' (before the chunked loss)' if kind == 'fp32 plain' else
                                                                                     ' (the default)' if kind.endswith('chunked') else '')
            rows.append({'config': config, 'learner': learner, 'training tokens/s': f'{r["tok_s"]:,.0f}',
                         'one epoch (projected)': f'{b["n_train_tokens"] / r["tok_s"] / 60:,.0f} min', 'vs fastai': f'{r["tok_s"] / res["fastai"]["tok_s"]:.2f}x'})
    return pd.DataFrame(rows).set_index(['config', 'learner'])

def lm_vocab_table(b:dict)->pd.DataFrame:
    "benchmarks.lm_vocab: per vocabulary, its size, speed, what the same minutes trained through and the perplexity per word"
    return pd.DataFrame([{'vocabulary': name, 'size': f'{r["vocab"]:,}', 'training tokens/s': f'{r["tok_s"]:,.0f}', 'words/s': f'{r["words_s"]:,.0f}',
                          'texts trained': f'{r["train_texts"]:,}', 'perplexity per word': f'{r["ppl_word"]:.0f}', 'xxunk share': f'{r["xxunk"]:.2%}'}
                         for name, r in b['results'].items()]).set_index('vocabulary')

def ulmfit_lm_table(r:dict)->pd.DataFrame:
    "`results/ulmfit_lm_imdb.json`: the same `ulmfit lm` run with the code before and after the chunked loss"
    return pd.DataFrame([{'code': f'{kind} ({run["code"]})', 'wall time': f'{run["wall_seconds"] / 60:.1f} min',
                          'the share of an epoch (training + validation)': f'{run["epoch_seconds"] / 60:.1f} min',
                          'tokenization': f'{run["tokenize_seconds"]:.0f} s', 'perplexity': f'{run["perplexity"]:.1f}'}
                         for kind, run in r['runs'].items()]).set_index('code').rename_axis(None)

few_label_methods = {'tfidf_logreg': 'TF-IDF 1-2-grams + logistic regression', 'nb_logreg': 'NB-weighted 1-2-grams + logistic regression',
                     'ulmfit': 'ulmfit_nb (IMDb-pretrained small LM)'}

def few_labels_lms(r:dict)->dict:
    """ULMFiT's results in `results/few_labels.json` per language model, by method name: `ulmfit` (the curve's), `ulmfit_earlier<k>`
    (the models it replaced) and `ulmfit_<kind>` (a variant, `--lm-kind`); each {'lm': its record, 'points': ..., 'probe': ...}"""
    earlier = {f'ulmfit_earlier{k}': e for k, e in enumerate(r.get('earlier', []))}
    return {**({'ulmfit': r} if 'lm' in r else {}), **earlier, **{f'ulmfit_{k}': v for k, v in r.get('variants', {}).items() if 'lm' in v}}

def short_cpu(m:dict)->str:
    "The CPU of the machine record `m`, without trademarks: 'Intel Xeon', 'AMD EPYC'"
    return re.sub(r'\s+', ' ', re.sub(r'\((R|TM)\)| Processor|\d+-Core', '', m['cpu'])).strip()

def lm_name(lm:dict, machine:dict|None=None)->str:
    "A language model of `results/few_labels.json` by its pieces and pretraining time, and its CPU where it is not `machine`'s"
    pieces = ' on 15,000 subwords' if lm.get('lm', {}).get('tokenizer') == 'sentencepiece' else ''
    where = f" on {short_cpu(lm['machine'])}" if lm.get('machine') and machine and lm['machine']['cpu'] != machine['cpu'] else ''
    what = {'backward': 'small backward LM', 'bidirectional': 'forward + backward ensemble, small LMs',
            'self_training': 'self-trained, small LM',
            'self_training_bidirectional': 'self-trained by the forward + backward ensemble, small LMs',
            'self_training_ensemble': 'forward + backward, both self-trained by their ensemble, small LMs'}.get(lm.get('kind'), 'small LM')
    return f'ulmfit_nb ({what}{pieces} pretrained {lm["wall"] / 60:.0f} min{where})'

def few_label_names(r:dict)->dict:
    "The methods of `results/few_labels.json` and their names: the linear models, and ULMFiT per language model (`few_labels_lms`)"
    return {**few_label_methods, **{m: lm_name(v['lm'], r.get('machine')) for m, v in few_labels_lms(r).items()}}

def few_labels_points(r:dict)->list:
    "Every point of `results/few_labels.json`, ULMFiT's under the method name of their language model (`few_labels_lms`)"
    ulmfit = [dict(p, method=m) for m, v in few_labels_lms(r).items() if m != 'ulmfit' for p in v['points'].values()]
    return list(r['points'].values()) + ulmfit

def few_labels_summary(r:dict)->pd.DataFrame:
    "`results/few_labels.json` per method and budget: the mean test accuracy of the samples, their lowest and highest (CPU time: `few_labels_cpu_text`)"
    by = {}
    for p in few_labels_points(r): by.setdefault((p['method'], p['n']), []).append(p)
    rows = [dict(method=m, n=n, mean=statistics.mean(p['accuracy'] for p in ps), low=min(p['accuracy'] for p in ps),
                 high=max(p['accuracy'] for p in ps), samples=len(ps))
            for (m, n), ps in by.items()]
    return pd.DataFrame(rows).sort_values(['method', 'n']).reset_index(drop=True)

def few_labels_table(r:dict)->pd.DataFrame:
    """The learning curve as a table: a row per method, per budget (a column) its mean test accuracy (lowest-highest of the samples),
    as the issue's table is laid out: a dozen methods fit the page's width as rows, not as columns"""
    s, names = few_labels_summary(r), few_label_names(r)
    cell = lambda o: f'{o.mean:.1%}' + (f' ({o.low:.1%}-{o.high:.1%})' if o.samples > 1 else '')
    t = s.assign(cell=[cell(o) for o in s.itertuples()], method=s.method.map(names)).pivot(index='method', columns='n', values='cell')
    t.columns = [f'{n:,}' for n in t.columns]
    for m in names:                    # an earlier language model's points end where it was replaced; a variant's are where it was tried
        if names[m] in t.index: t.loc[names[m]] = t.loc[names[m]].fillna('—' if m.startswith('ulmfit_') else 'not measured yet')
    return t.loc[[names[m] for m in names if names[m] in t.index]].rename_axis(None).rename_axis('labelled reviews', axis=1)

def few_labels_cpu_text(r:dict)->str:
    "CPU minutes per point of each method of `results/few_labels.json`, fewest to most, with the CPU where it is not the result's"
    names, machine, by = few_label_names(r), r.get('machine') or {}, {}
    for p in few_labels_points(r): by.setdefault(p['method'], []).append(p)
    def where(ps):
        cpus = {short_cpu(p['machine']) for p in ps if p.get('machine') and p['machine']['cpu'] != machine.get('cpu')}
        return f" (on {', '.join(sorted(cpus))})" if cpus else ''
    return '; '.join(f"{names[m]} {min(p['cpu_seconds'] for p in ps) / 60:.1f} to {max(p['cpu_seconds'] for p in ps) / 60:.1f}{where(ps)}"
                     for m, ps in sorted(by.items(), key=lambda kv: list(names).index(kv[0])))

def plot_few_labels(r:dict):
    "Test accuracy against labelled reviews (log scale): each method's mean, and the lowest-highest of its samples as a band"
    import matplotlib.pyplot as plt
    s = few_labels_summary(r)
    fig, ax = plt.subplots(figsize=(7, 7), dpi=100)
    fig.subplots_adjust(left=0.1, right=0.97, top=0.97, bottom=0.43)      # the legend below the axes: the lines stay in view
    colors = dict(tfidf_logreg='tab:orange', nb_logreg='tab:green', ulmfit='tab:blue', ulmfit_subwords='tab:purple', ulmfit_backward='tab:gray',
                  ulmfit_bidirectional='tab:red', ulmfit_self_training='tab:cyan', ulmfit_self_training_bidirectional='tab:brown',
                  ulmfit_self_training_ensemble='tab:olive')
    for m, label in few_label_names(r).items():
        d = s[s.method == m]
        if d.empty: continue
        style = dict(color=colors.get(m, 'tab:blue'), alpha=1. if m in colors else 0.45)      # earlier language models: faded, dashed
        ax.plot(d.n, d['mean'] * 100, 'o-' if m in colors else 'o--', label=label, **style)
        ax.fill_between(d.n, d.low * 100, d.high * 100, color=style['color'], alpha=0.2 * style['alpha'])
    ax.set_xscale('log'); ax.set_xticks(sorted(set(s.n)), [f'{n:,}' for n in sorted(set(s.n))]); ax.minorticks_off()
    ax.set_xlabel('labelled IMDb reviews (log scale)'); ax.set_ylabel('accuracy on the 25,000 test reviews (%)')
    ax.grid(alpha=0.3); ax.legend(fontsize=9, loc='upper left', bbox_to_anchor=(-0.1, -0.12), frameon=False)
    return fig

def few_labels_searches(r:dict)->list[tuple[dict, dict]]:
    "Each settings search of ULMFiT's classifier in `results/few_labels.json`, the newest language model's first: (its runs, that model's record)"
    found = [(r.get('search'), r.get('lm'))] + [(e['search'], e['lm']) for e in reversed(r.get('earlier', []))]
    return [(s, lm) for s, lm in found if s]

def few_labels_search(r:dict)->tuple[dict, dict|None]:
    "The newest settings search (`few_labels_searches`): the language model's own, else the newest earlier one's; with that model's record"
    return next(iter(few_labels_searches(r)), ({}, None))

def few_labels_search_table(r:dict)->pd.DataFrame:
    """The ULMFiT settings tried on the validation set: a row per setting, its validation accuracy at each budget searched (†: from a
    rebuild of the language model, `lm_build`)"""
    rows = {}
    for v in few_labels_search(r)[0].values():
        s = v['settings']
        name = ('forward + backward teacher, ' if s.get('teacher') == 'bidirectional' else
                "the frozen encoder's probe teaches, " if s.get('teacher') == 'probe' else
                "the fine-tuned classifier and the probe teach, " if s.get('teacher') == 'classifier+probe' else
                'a second round (a student teaches), ' if s.get('teacher') else '') + \
               ('forward + backward students, ' if s.get('student') == 'bidirectional' else '') + \
               (f'{s["k"]:,} pseudo-labels, ' if s.get('k') else '') + f'bs {s["bs"]}, epochs {",".join(map(str, s["epochs_clas"]))}' + \
               (f', lr {s["lr_clas"]:g}' if s.get('lr_clas') else '') + \
               (f', dropout x{s["drop_mult_clas"]:g}' if 'drop_mult_clas' in s else '')
        steps = (v['n'] + s.get('k', 0)) // s['bs'] * sum(s['epochs_clas'])    # whole batches only; a self-trained student's pseudo-labels too
        rebuilt = ' †' * bool(v.get('lm_build'))               # measured from a rebuild of the language model (few_labels.record_lm)
        rows.setdefault(name, {})[f'{v["n"]:,} labels'] = f'{v["valid_accuracy"]:.1%} ({steps:,} steps, {v["wall_seconds"] / 60:.1f} min){rebuilt}'
    t = pd.DataFrame.from_dict(rows, orient='index').rename_axis('classifier settings').fillna('')
    return t[sorted(t.columns, key=lambda c: int(c.split()[0].replace(',', '')))]        # the budgets in order

def few_labels_probe_table(r:dict)->pd.DataFrame:
    "Validation accuracy on each budget's first sample: logistic regression on the frozen encoder's features, beside the fine-tuned classifier and TF-IDF"
    p = lambda key: r['points'].get(key, {}).get('valid_accuracy')
    rows = {v['n']: {'frozen encoder, [last, max, mean] + LR': v['concat'], 'frozen encoder, mean + LR': v['mean'],
                     'ULMFiT fine-tuned': p(f"ulmfit/{v['n']}/0"), 'TF-IDF + LR': p(f"tfidf_logreg/{v['n']}/0")}
            for v in r.get('probe', {}).values()}
    t = pd.DataFrame.from_dict(rows, orient='index').sort_index().map(lambda a: f'{a:.1%}' if pd.notna(a) else '')
    return t.set_axis([f'{n:,}' for n in t.index]).rename_axis('labelled reviews (first sample)')

def few_labels_ensemble_table(r:dict)->pd.DataFrame:
    "Each sample the forward + backward ensemble was measured on: the test accuracy of its forward and backward classifiers and theirs"
    v = r.get('variants', {})
    rows = [{'labelled reviews': f"{p['n']:,}", 'sample': p['sample'] + 1, 'forward': p['members'][0], 'backward': p['members'][1],
             'ensemble': p['accuracy']}      # its members as they were: a curve point measured again later keeps its ensemble
            for k, p in sorted(v.get('bidirectional', {}).get('points', {}).items(), key=lambda kv: (kv[1]['n'], kv[1]['sample']))]
    t = pd.DataFrame(rows, columns=['labelled reviews', 'sample', 'forward', 'backward', 'ensemble'])
    t['ensemble - forward'] = [f'{d * 100:+.1f} points' for d in t.ensemble - t.forward]
    for c in ('forward', 'backward', 'ensemble'): t[c] = t[c].map(lambda a: f'{a:.1%}')
    return t.set_index(['labelled reviews', 'sample'])

TEACHERS = {'classifier': 'fine-tuned', 'probe': 'probe', 'classifier+probe': 'both'}   # few_labels' teachers, as the tables name them

def teacher_of(p:dict)->str:
    """Which teacher taught the self-trained point `p` (a key of TEACHERS, its settings' `teacher`): the curve's fine-tuned classifier
    ('classifier', or in a variant that variant's model), the frozen encoder's probe, or the mean of the two ('classifier+probe')"""
    return p['settings'].get('teacher', 'classifier')

def fine_tuned_students(st:dict)->dict:
    """The self-trained points of `st` (`variants.self_training`) whose teacher was the curve's fine-tuned classifier alone, by curve key:
    the points, and where another teacher teaches now, the students it replaced (`keep_replaced`'s; not `retire_students`' of a replaced teacher)"""
    replaced = {k.split('/', 1)[1]: p for k, p in st.get('replaced', {}).items() if not k.startswith('teacher ')}
    by_classifier = lambda points: {k: p for k, p in points.items() if teacher_of(p) == 'classifier'}
    return {**by_classifier(replaced), **by_classifier(st.get('points', {}))}

def few_labels_self_training_table(r:dict)->pd.DataFrame:
    """Each teacher and sample self-training was measured on: the test accuracy of the teacher (the curve's classifier, or its forward +
    backward ensemble, or the classifier of a language model the curve's replaced), of the student, and of the better linear model on the
    same sample; how many of the student's pseudo-labels were right, and the CPU minutes of the whole point (the teachers' too)"""
    v = r.get('variants', {})
    best_linear = lambda k: max(r['points'][lk]['accuracy'] for m in few_label_methods if (lk := k.replace('ulmfit/', f'{m}/')) in r['points'] and m != 'ulmfit')
    ensembles, epochs = v.get('bidirectional', {}).get('points', {}), lambda lm: f"{lm['lm']['epochs'][1]:g}-epoch LM"
    teachers = [(f"forward, {epochs(r['lm'])}", r['points'], v.get('self_training', {})),
                ('forward + backward', ensembles, v.get('self_training_bidirectional', {})),
                ('forward + backward, two students', ensembles, v.get('self_training_ensemble', {}))] + \
               [(f"forward, {epochs(e['lm'])} (earlier)", e['points'], e['self_training']) for e in reversed(r.get('earlier', [])) if 'self_training' in e]
    named = {'probe': "frozen encoder's probe", 'classifier+probe': 'forward + probe'}     # a teacher besides the fine-tuned classifier
    rows = [{'teacher': name.replace('forward', named.get(teacher_of(p), 'forward')), 'labelled reviews': f"{p['n']:,}",
             'sample': p['sample'] + 1, 'pseudo-labels': f"{p.get('pseudo_labels', p['settings']['k']):,}", 'right': f"{p['pseudo_accuracy']:.1%}",
             'teacher accuracy': p['teacher_accuracy'] if 'teacher_accuracy' in p else teacher[k]['accuracy'], 'student': p['accuracy'],
             'better linear model': best_linear(k), 'CPU': f"{p['cpu_seconds'] / 60:.0f} min"}
            for name, teacher, students in teachers
            for k, p in sorted(students.get('points', {}).items(), key=lambda kv: (kv[1]['n'], kv[1]['sample']))]
    t = pd.DataFrame(rows, columns=['teacher', 'labelled reviews', 'sample', 'pseudo-labels', 'right', 'teacher accuracy', 'student',
                                    'better linear model', 'CPU'])
    t.insert(7, 'student - teacher', [f'{d * 100:+.1f} points' for d in t.student - t['teacher accuracy']])
    for c in ('teacher accuracy', 'student', 'better linear model'): t[c] = t[c].map(lambda a: f'{a:.1%}')
    return t.set_index(['teacher', 'labelled reviews', 'sample'])

def few_labels_teacher_table(r:dict)->pd.DataFrame:
    """The teachers of the curve's language model on each budget's first sample (TEACHERS): the curve's fine-tuned classifier, the
    frozen encoder's probe and the two together (searched) — the teacher's validation accuracy, how many of its K pseudo-labels are
    right, its student's validation accuracy (†: from a rebuild of the language model, `lm_build`); the same labels, K and student settings.
    The fine-tuned classifier's student is the curve's (or the one another teacher's replaced), else its search entry: a budget first
    measured with another teacher's choice"""
    st, rows = r.get('variants', {}).get('self_training', {}), {}
    mark = lambda p, a: f"{a:.1%}" + ' †' * bool(p.get('lm_build'))
    searched = [p for p in st.get('search', {}).values() if teacher_of(p) != 'classifier']
    curve_students = {p['n']: p for p in fine_tuned_students(st).values() if p['sample'] == 0}
    student = lambda p: {k: v for k, v in p['settings'].items() if k != 'teacher'}       # K and the student's settings
    fine_tuned = [*curve_students.values(), *[p for p in st.get('search', {}).values() if teacher_of(p) == 'classifier' and p['n'] not in curve_students
                                              and any(q['n'] == p['n'] and student(q) == student(p) for q in searched)]]
    for p, was_searched in [(p, False) for p in fine_tuned] + [(p, True) for p in searched]:
        rows.setdefault(p['n'], {}).update({f'{TEACHERS[teacher_of(p)]}: {c}': mark(p, p[f]) for c, f in
                                            (('teacher', 'teacher_valid_accuracy'), ('labels right', 'pseudo_accuracy'), ('student', 'valid_accuracy'))})
        if was_searched: rows[p['n']]['pseudo-labels'] = f"{p['pseudo_labels']:,}"
    used = [t for t in TEACHERS.values() if any(f'{t}: teacher' in v for v in rows.values())]
    columns = [f'{t}: {c}' for t in used for c in ('teacher', 'labels right', 'student')] + ['pseudo-labels']
    t = pd.DataFrame.from_dict({n: v for n, v in rows.items() if 'pseudo-labels' in v}, orient='index', columns=columns).sort_index().fillna('')
    t.columns = pd.MultiIndex.from_tuples([tuple(c.split(': ')) if ': ' in c else ('', c) for c in columns], names=['teacher', ''])
    return t.set_axis([f'{n:,}' for n in t.index]).rename_axis('labelled reviews (first sample)')

def few_labels_lm_gain_table(r:dict)->pd.DataFrame:
    """The curve's language model against the one it replaced (the newest under `earlier`), its classifier alone and self-trained, at
    each budget both were measured: the mean validation and test accuracy of the same samples, and the best linear model's on the test set.
    Self-trained, both models' students of their fine-tuned classifiers: where the probe teaches now, the students it replaced"""
    old, epochs = r['earlier'][-1], lambda lm: f"{(e := lm['lm']['epochs'][1]):g} epoch{'s' * (e != 1)}"
    names = (f"earlier LM ({epochs(old['lm'])})", f"curve's LM ({epochs(r['lm'])})")
    ulmfit = lambda points: {k: p for k, p in points.items() if p['method'] == 'ulmfit'}
    pairs = {'alone': (ulmfit(old['points']), ulmfit(r['points'])),
             'self-trained': (old.get('self_training', {}).get('points', {}), fine_tuned_students(r.get('variants', {}).get('self_training', {})))}
    short = {'tfidf_logreg': 'TF-IDF', 'nb_logreg': 'NB-weighted'}
    def best_linear(keys):                       # the linear model with the best mean on the same samples, as in the curve's table
        means = {m: statistics.mean(r['points'][f'{m}/{k.split("/", 1)[1]}']['accuracy'] for k in keys) for m in short
                 if all(f'{m}/{k.split("/", 1)[1]}' in r['points'] for k in keys)}
        return f"{max(means.values()):.1%} ({short[max(means, key=means.get)]})"
    rows = []
    for what, (before, now) in pairs.items():
        for n in sorted({p['n'] for p in now.values()}):
            keys = [k for k, p in now.items() if p['n'] == n and k in before]
            if not keys: continue
            mean = lambda pts, field: f"{statistics.mean(pts[k][field] for k in keys):.1%}"
            rows.append({'ULMFiT': what, 'labelled reviews': f'{n:,}', 'samples': len(keys),
                         f'validation: {names[0]}': mean(before, 'valid_accuracy'), f'validation: {names[1]}': mean(now, 'valid_accuracy'),
                         f'test: {names[0]}': mean(before, 'accuracy'), f'test: {names[1]}': mean(now, 'accuracy'),
                         'test: best linear model': best_linear(keys)})
    return pd.DataFrame(rows).set_index(['ULMFiT', 'labelled reviews'])

def few_labels_lm_table(r:dict, budgets:tuple=(100, 1000))->pd.DataFrame:
    """A row per language model ULMFiT started from: its pieces, epochs, time, perplexity per word on the 1,000 test texts, then at each
    of `budgets` the frozen encoder's mean + LR (validation, first sample) and the fine-tuned classifier (test: the mean (number) of the samples)"""
    s, rows, lms = few_labels_summary(r), {}, few_labels_lms(r)
    yardsticks = {st['folder']: st['yardstick'] for v in lms.values() for st in v['lm'].get('stages', []) if 'yardstick' in st}
    order = lambda m: (0 if m.startswith('ulmfit_earlier') else 1 if m == 'ulmfit' else 2, m)   # the oldest first, the variants last
    for m, v in sorted(((m, v) for m, v in lms.items() if not v['lm'].get('kind', '').startswith('self_training')), key=lambda kv: order(kv[0])):   # their LMs are the curve's
        lm, stages = v['lm'], v['lm'].get('stages', [v['lm']])
        yard = yardsticks.get(lm['folder'], {})
        row = {'tokens': f"{lm['lm']['vocab']:,} {'subwords' if lm['lm'].get('tokenizer') == 'sentencepiece' else 'words'}",
               'epochs (per cycle)': ' + '.join(f"{st['lm']['epochs'][1]:g}" + (' backward' if st.get('settings', {}).get('backwards') else '')
                                                for st in stages), 'pretraining': f"{lm['wall'] / 60:.0f} min",
               'perplexity per word': f"{yard.get('word_perplexity', yard['perplexity']):.1f}" if yard else ''}
        for n in budgets:
            probe, acc = v.get('probe', {}).get(str(n), {}).get('mean'), s[(s.method == m) & (s.n == n)]
            row[f'{n:,}: frozen mean + LR'] = f'{probe:.1%}' if probe is not None else ''
            row[f'{n:,}: ULMFiT'] = f"{acc['mean'].iloc[0]:.1%} ({acc.samples.iloc[0]})" if len(acc) else ''
        rows[lm_name(lm, r.get('machine'))] = row
    return pd.DataFrame.from_dict(rows, orient='index').rename_axis('language model')
