"""Benchmark for the victim-blaming language check.

1. Precision and recall on the labelled corpus (tests/language/corpus), the development
   part and the held-out part separately, per kind; a sentence counts as flagged when
   the check gives a warning or an error. The older labelled sets in
   tests/language/data are scored too, over (sentence, concept) pairs. With
   ``--corpus independent`` (or ``all``), the independent corpus of session 19 too: its
   tuning and held-out parts, the tuning part's misses listed, the held-out part's only
   with ``--show-heldout-misses`` (rule work must not read them); ``independent2`` the
   second independent corpus (session 19, second round) the same way, ``independent3``
   the third (session 20), ``independent4`` the fourth (session 20), ``independent5``
   the fifth (session 21), ``independent6`` the sixth (session 22), ``independents`` the
   six independent corpora without the own one, and ``tunings`` the six independent
   tuning parts only (what rule work reads). ``independent7`` (session 23) has a held-out
   part only and is scored only when asked for by name: it is kept out of ``all`` and
   ``independents`` so that no routine run prints it while rules or the model change;
   ``independent8`` (session 24, rich in hard negatives) is held out and kept apart the
   same way.
2. CPU time of ``check`` per 10,000 narratives on one core: distinct synthetic
   narratives (so the text cache cannot help) and narratives repeating as records do.
3. The check's cost during ingest: ``clearsight ingest`` of synthetic sets
   (``clearsight synth --areas 1 --scale N`` for each of ``--scales``) with and without
   ``--skip-language``, runs alternating, wall time and CPU (user + system of the
   ingest process and the processes it waits for: the check's worker), best of
   ``--runs``; ingest runs on every core the benchmark may use. The CPU the check adds
   is also given per 10,000 narratives (events with one) and as narratives per added
   CPU second (the check's throughput during ingest), with the load average at the end.

    .venv/bin/python benchmarks/language.py [--narratives 10000] [--runs 3] [--scales 1,10]
        [--corpus own|independent|independent2|...|independent8|independents|tunings|all]
        [--corpus-only]
        [--show-heldout-misses]
    .venv/bin/python benchmarks/language.py --model-cv

4. With ``--model-cv``: the model's false flags on the concepts' near-miss probes and,
   cross-validated by author, on its training files (``model_cv_report``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from clearsight.language import load_rules
from clearsight.language.check import check
from clearsight.language.evaluation import (
    KINDS_BLAMING,
    KINDS_NOT,
    read_corpus,
    read_labelled,
    score,
    score_corpus,
)
from clearsight.language.rules import RulePack

# The module (the package exports its function ``check`` under the same name).
check_module = importlib.import_module("clearsight.language.check")
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "language" / "corpus"
DATA = ROOT / "tests" / "language" / "data"
CLI = [sys.executable, "-m", "clearsight.cli"]

NEUTRAL = [
    "Officers attended the address at {t} following a call from {who}.",
    "The child was spoken to in the presence of {who} and appeared tired.",
    "A strategy meeting was held on {d} with police, health and children's services.",
    "She was located at the retail park by response officers at {t}.",
    "He was returned to his placement and a return interview was requested.",
    "Intelligence indicates a grey vehicle has been seen near the school at {t}.",
    "The social worker will complete a home visit on {d}.",
    "Phone numbers found in her contacts have been submitted for checks.",
    "The CSE team reviewed the case and agreed safeguarding actions.",
    "Two adult males were seen leaving the flat shortly after {t}.",
    "She was taken to hospital as a precaution and discharged later that day.",
    "The school reports a drop in attendance over the last half term.",
    "He disclosed that adults had given him alcohol and cannabis.",
    "A referral was made to the specialist exploitation service.",
    "Her mother reported her missing at {t} and she returned the next morning.",
]
BLAMING = [
    "She is placing herself at risk by going to the flat.",
    "He is a regular misper and known to the team.",
    "Her older boyfriend collected her from school.",
    "They are making poor choices about who they spend time with.",
    "She refuses to support police action.",
    "He chose to go with the men again.",
    "The sexual activity appears consensual.",
    "She is sexually active with older men.",
]
HARD = [
    '"I chose to go," she said.',
    "She did not consent to any of it.",
    "Her boyfriend, 15, walked her home.",
    "He was charged with causing or inciting child prostitution.",
]
WHO = ["her mother", "the carer", "a neighbour", "school staff", "his father"]


def narratives(n: int, seed: int, *, distinct: bool) -> list[str]:
    """``n`` synthetic narratives of 3 to 7 sentences; about 1 in 6 has a blaming phrase.
    ``distinct`` adds a reference number so that no two are the same text."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        parts = [
            rng.choice(NEUTRAL).format(
                t=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                d=f"{rng.randint(1, 28)} March",
                who=rng.choice(WHO),
            )
            for _ in range(rng.randint(3, 7))
        ]
        roll = rng.random()
        if roll < 0.17:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(BLAMING))
        elif roll < 0.25:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(HARD))
        if distinct:
            parts.append(f"Reference {i:06d}.")
        out.append(" ".join(parts))
    return out


ALL_CORES = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# Each corpus's parts: (file stem, label), the part rules are written from first.
CORPORA = {
    "own": (("development", "development"), ("heldout", "held-out")),
    "independent": (
        ("independent_tuning", "independent tuning"),
        ("independent_heldout", "independent held-out"),
    ),
    "independent2": (
        ("independent2_tuning", "independent 2 tuning"),
        ("independent2_heldout", "independent 2 held-out"),
    ),
    "independent3": (
        ("independent3_tuning", "independent 3 tuning"),
        ("independent3_heldout", "independent 3 held-out"),
    ),
    "independent4": (
        ("independent4_tuning", "independent 4 tuning"),
        ("independent4_heldout", "independent 4 held-out"),
    ),
    "independent5": (
        ("independent5_tuning", "independent 5 tuning"),
        ("independent5_heldout", "independent 5 held-out"),
    ),
    "independent6": (
        ("independent6_tuning", "independent 6 tuning"),
        ("independent6_heldout", "independent 6 held-out"),
    ),
    # Session 23: all held out (no tuning part), written blind to measure once.
    "independent7": (("independent7_heldout", "independent 7 held-out"),),
    # Session 24: all held out too, written blind, with more hard negatives.
    "independent8": (("independent8_heldout", "independent 8 held-out"),),
}
INDEPENDENTS = (
    "independent",
    "independent2",
    "independent3",
    "independent4",
    "independent5",
    "independent6",
)
# What each ``--corpus`` choice scores.
CORPUS_CHOICES = {
    "own": ("own",),
    "independent": ("independent",),
    "independent2": ("independent2",),
    "independent3": ("independent3",),
    "independent4": ("independent4",),
    "independent5": ("independent5",),
    "independent6": ("independent6",),
    "independent7": ("independent7",),
    "independent8": ("independent8",),
    "independents": INDEPENDENTS,
    "all": ("own", *INDEPENDENTS),
    # Rule work reads the tuning parts only: this scores them without the held-out parts.
    "tunings": INDEPENDENTS,
}


def corpus_report(corpus: str = "own", *, show_heldout_misses: bool = False) -> None:
    c0 = time.process_time()
    pack = load_rules()
    check("She chose to go.", pack)
    print(
        f"concepts: {len(pack.rules)} (version {pack.version}); pipeline and concepts "
        f"ready in {time.process_time() - c0:.2f} s CPU"
    )
    for name in CORPUS_CHOICES[corpus]:
        parts = CORPORA[name]
        if corpus == "tunings":
            parts = tuple(part for part in parts if "heldout" not in part[0])
        _corpus_parts(pack, parts, show_heldout_misses or name == "own")
    if "own" in CORPUS_CHOICES[corpus]:
        _labelled_sets(pack)


def _corpus_parts(
    pack: RulePack, names: tuple[tuple[str, str], ...], show_heldout_misses: bool
) -> None:
    """Sentence-level precision and recall of each part, then right / of per kind."""
    parts = {name: read_corpus(CORPUS / f"{name}.csv") for name, _ in names}
    results = {name: score_corpus(sentences, pack) for name, sentences in parts.items()}
    labels = dict(names)
    print("\n| part | sentences | blaming | precision | recall | TP | FP | FN | concept named |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        blaming = r.true_positives + r.false_negatives
        print(
            f"| {labels[name]} | {len(parts[name])} | {blaming} | {r.precision:.3f} "
            f"| {r.recall:.3f} "
            f"| {r.true_positives} | {r.false_positives} | {r.false_negatives} "
            f"| {r.concept_named}/{r.true_positives} |"
        )
    print("\n| kind | " + " | ".join(f"{label} right / of" for _, label in names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for kind in (*KINDS_BLAMING, *KINDS_NOT):
        cells = []
        for name, _ in names:
            k = results[name].kinds.get(kind)
            cells.append(f"{k.right} / {k.total}" if k else "-")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    for name, r in results.items():
        if "heldout" in name and not show_heldout_misses:
            print(f"    {labels[name]}: {len(r.errors)} mistakes, not listed")
            continue
        for line in r.errors:
            print(f"    {labels[name]}: {line}")


def model_report(corpus: str = "all") -> None:
    """Rules alone against rules + trained model (``check(model=True)``) on each part:
    precision and recall, what the model adds, and per kind. Mistakes are not listed
    (the held-out parts are the model's measure, never read to change it)."""
    from clearsight.language.model import load_model

    pack = load_rules()
    trained = load_model()
    print(
        f"model {trained.version}: {len(trained.features)} features, threshold "
        f"{trained.threshold}; pack version {pack.version}"
    )
    names = [part for name in CORPUS_CHOICES[corpus] for part in CORPORA[name]]
    if corpus == "tunings":
        names = [part for part in names if "heldout" not in part[0]]
    rows = []
    kinds: dict[str, list[str]] = {}
    for name, label in names:
        sentences = read_corpus(CORPUS / f"{name}.csv")
        rules = score_corpus(sentences, pack)
        both = score_corpus(sentences, pack, model=True)
        use = "training" if "heldout" not in name else "held-out"
        rows.append(
            f"| {label} | {use} | {rules.precision:.3f} | {rules.recall:.3f} "
            f"| {both.precision:.3f} | {both.recall:.3f} "
            f"| +{both.true_positives - rules.true_positives} "
            f"| +{both.false_positives - rules.false_positives} |"
        )
        for kind in (*KINDS_BLAMING, *KINDS_NOT):
            a, b = rules.kinds.get(kind), both.kinds.get(kind)
            cell = f"{a.right} -> {b.right} / {a.total}" if a and b else "-"
            kinds.setdefault(kind, []).append(cell)
    print(
        "\n| part | model trained on it? | rules P | rules R | rules + model P "
        "| rules + model R | TP added | FP added |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n| kind | " + " | ".join(label for _, label in names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for kind, cells in kinds.items():
        print(f"| {kind} | " + " | ".join(cells) + " |")


def model_cv_report() -> None:
    """The tuning measure of the model's false flags (session 24): the concepts' near-miss
    probes (tests/language/test_model_probes.py) flagged by the rules alone and by the
    default check; then, cross-validated by author over the model's training files
    (each scored with the model trained on the others, ``training.fold_models``), the
    check with rules + that model, and the model's own findings as the check judges
    them (as if no concept matched: what the model would add where the rules miss).
    The rules were tuned on every training file, so only the model is cross-validated.
    Reads the training files only, never a held-out part."""
    from functools import lru_cache

    from clearsight.language import model as model_module
    from clearsight.language.training import TRAINING_FILES, fold_models

    sys.path.insert(0, str(ROOT))
    from tests.language.test_model_probes import probe_sentences

    pack = load_rules()
    full = model_module.load_model()
    probes = probe_sentences()
    rules = sum(any(f.blocking for f in check(p, pack, model=False)) for p in probes)
    both = [p for p in probes if any(f.blocking for f in check(p, pack))]
    print(
        f"model {full.version}, threshold {full.threshold}; near-miss probes flagged: rules "
        f"alone {rules} / {len(probes)}, rules + model (the default) {len(both)} / {len(probes)}"
    )
    for p in both:
        print(f"    probe flagged: {p}")
    c = float(re.search(r"C=([0-9.]+)", full.principle).group(1))  # type: ignore[union-attr]
    packaged = (model_module.load_model, model_module.score_sentence)
    print(
        "\n| training file (one author) | rules + fold model P | R | FP "
        "| fold model alone, judged: TP | FP | FN |"
    )
    print("|---|---|---|---|---|---|---|")
    totals = [0] * 6
    try:
        for name, fold in fold_models(CORPUS, c, full.threshold):
            # The check reads the packaged model through these two functions: for this
            # file, the model that never read it.
            model_module.load_model = lambda fold=fold: fold  # type: ignore[assignment]
            model_module.score_sentence = lru_cache(maxsize=65536)(fold.score)  # type: ignore[assignment]
            _clear_caches()
            sentences = read_corpus(CORPUS / name)
            r = score_corpus(sentences, pack, model=True)
            tp = fp = fn = 0
            for s in sentences:
                found = any(
                    cand.severity != "info"
                    for cand in check_module._model_candidates(s.text, pack, (), ())
                )
                tp += found and s.blaming
                fp += found and not s.blaming
                fn += s.blaming and not found
            row = (r.true_positives, r.false_positives, r.false_negatives, tp, fp, fn)
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            print(
                f"| {name} | {r.precision:.3f} | {r.recall:.3f} | {r.false_positives} "
                f"| {tp} | {fp} | {fn} |"
            )
    finally:
        model_module.load_model, model_module.score_sentence = packaged  # type: ignore[assignment]
        _clear_caches()
    rtp, rfp, rfn, tp, fp, fn = totals
    print(
        f"| **pooled ({len(TRAINING_FILES)} files)** | {rtp / (rtp + rfp):.3f} "
        f"| {rtp / (rtp + rfn):.3f} | {rfp} | {tp} (P {tp / (tp + fp):.3f}) | {fp} "
        f"| {fn} (R {tp / (tp + fn):.3f}) |"
    )


def _labelled_sets(pack: RulePack) -> None:
    for csv_name in ("labelled.csv", "generalisation.csv"):
        result = score(read_labelled(DATA / csv_name), pack)
        print(
            f"\n{csv_name} (pairs): precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"(TP {result.true_positives}, FP {result.false_positives}, "
            f"FN {result.false_negatives})"
        )
        for line in result.errors:
            print("   ", line)


def _clear_caches() -> None:
    """Forget every text the check has seen (its chunk and text caches); the code before
    session 17 kept chunks only."""
    clear = getattr(check_module, "clear_caches", None)
    if clear is not None:
        clear()
    else:
        check_module._analyse.cache_clear()


def throughput(n: int, seed: int, *, model: bool = False) -> None:
    """CPU of ``check`` per 10,000 narratives; with ``model``, of the rules alone and
    of rules + trained model (``check(model=True)``, which scores every sentence) alike."""
    pack = load_rules()
    configs = [(d, c, False) for d, c in ((True, False), (True, True), (False, True))]
    if model:
        configs = [(d, c, m) for d, c, _ in configs for m in (False, True)]
    for distinct, cached, use_model in configs:
        texts = narratives(n, seed, distinct=distinct)
        _clear_caches()
        check("She chose to go.", pack, model=use_model)
        c0 = time.process_time()
        found = 0
        for text in texts:
            if not cached:
                _clear_caches()
            found += len(check(text, pack, model=use_model))
        cpu = time.process_time() - c0
        label = ("distinct" if distinct else "repeating") + (
            ", sentence cache on" if cached else ", no cache"
        )
        if model:
            label += ", rules + model" if use_model else ", rules alone"
        print(
            f"check(): {n:,} {label} narratives ({sum(map(len, texts)) / n:.0f} chars, "
            f"{found:,} findings): {cpu:.2f} s CPU, {cpu * 10_000 / n:.2f} s CPU per 10,000"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_ON_CHECK = re.compile(r"([0-9.]+) s of ingest's time on the check, ([0-9.]+) s of it waiting")


def _ingest(submissions: list[Path], db: Path, skip: bool) -> tuple[float, float, int, str]:
    """CPU (the ingest process and the processes it waits for, such as the language
    check's worker), wall time, the findings stored, and what ingest says of the time
    it spent on the check (``-v``: reading batches, writing findings, waiting)."""
    args = [*CLI, "ingest", *map(str, submissions), "--db", str(db), "--quiet", "-v"]
    if skip:
        args.append("--skip-language")
    c0, w0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(args, check=True, stderr=subprocess.PIPE, text=True)
    cpu, wall = _children_cpu() - c0, time.perf_counter() - w0
    said = _ON_CHECK.search(done.stderr)
    on_check = f"{said.group(1)} s on the check, {said.group(2)} s waiting" if said else ""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = (
            0 if skip else int(con.sql("SELECT count(*) FROM language_findings").fetchall()[0][0])
        )
    finally:
        con.close()
    return cpu, wall, found, on_check


def ingest_cost(runs: int, scales: list[int]) -> None:
    """Ingest with and without the check at each scale, runs alternating, best of
    ``runs``. Ingest runs on every core the benchmark may use (the check's worker runs
    beside loading), not pinned like ``check()`` above."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, ALL_CORES)
    print(f"\ningest on {len(ALL_CORES)} core(s), best of {runs} (CPU includes the worker):")
    print(
        "| scale | events | narratives | --skip-language CPU s / wall s "
        "| with the check CPU s / wall s | findings | added CPU | added wall "
        "| added CPU s per 10,000 narratives | narratives per added CPU s | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            out = Path(tmp) / f"synth-{scale}"
            subprocess.run(
                [
                    *CLI,
                    "synth",
                    "--out",
                    str(out),
                    "--areas",
                    "1",
                    "--scale",
                    str(scale),
                    "--quiet",
                ],
                check=True,
            )
            submissions = sorted((out / "submissions").iterdir())
            best: dict[bool, tuple[float, float]] = {}
            findings: set[int] = set()
            for run in range(runs):
                for skip in (True, False):
                    db = Path(tmp) / f"store-{scale}-{run}-{skip}.duckdb"
                    cpu, wall, found, on_check = _ingest(submissions, db, skip)
                    if not skip:
                        findings.add(found)
                    print(
                        f"  scale {scale} run {run + 1} "
                        f"{'--skip-language' if skip else '--language'}: "
                        f"{cpu:.2f} s CPU, {wall:.2f} s wall"
                        + (f" (ingest: {on_check})" if on_check else ""),
                        flush=True,
                    )
                    old = best.get(skip)
                    best[skip] = (min(cpu, old[0]), min(wall, old[1])) if old else (cpu, wall)
                    if run == runs - 1 and skip:
                        con = duckdb.connect(str(db), read_only=True)
                        events, texts = con.sql(
                            "SELECT count(*), count(narrative) FROM events"
                        ).fetchall()[0]
                        con.close()
                    db.unlink()
            (cpu_skip, wall_skip), (cpu_lang, wall_lang) = best[True], best[False]
            added = cpu_lang - cpu_skip
            print(
                f"| {scale} | {events:,} | {texts:,} | {cpu_skip:.2f} / {wall_skip:.2f} "
                f"| {cpu_lang:.2f} / {wall_lang:.2f} "
                f"| {', '.join(f'{n:,}' for n in sorted(findings))} "
                f"| {100 * (cpu_lang / cpu_skip - 1):+.0f}% "
                f"| {100 * (wall_lang / wall_skip - 1):+.0f}% "
                f"| {added * 10_000 / texts:.2f} | {texts / added:,.0f} "
                f"| {' / '.join(f'{x:.1f}' for x in os.getloadavg())} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--narratives", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--scales", default="1,10", help="synth scales of the ingest runs (comma-separated)"
    )
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--ingest-only", action="store_true", help="only part 3")
    parser.add_argument(
        "--corpus",
        choices=tuple(CORPUS_CHOICES),
        default="all",
        help="which labelled corpus part 1 scores (own: development and held-out)",
    )
    parser.add_argument("--corpus-only", action="store_true", help="only part 1")
    parser.add_argument(
        "--model",
        action="store_true",
        help="compare rules alone with rules + the trained model on the --corpus parts "
        "(and the model's CPU cost per 10,000 narratives), then stop",
    )
    parser.add_argument(
        "--model-cv",
        action="store_true",
        help="the model's false flags on the near-miss probes and, cross-validated by "
        "author, on its training files (tuning parts only), then stop",
    )
    parser.add_argument(
        "--show-heldout-misses",
        action="store_true",
        help="list the independent held-out part's mistakes too",
    )
    args = parser.parse_args()
    if args.model_cv:
        model_cv_report()
        return
    if args.model:
        model_report(args.corpus)
        pin_one_core()
        throughput(args.narratives, args.seed, model=True)
        return
    if not args.ingest_only:
        corpus_report(args.corpus, show_heldout_misses=args.show_heldout_misses)
        if args.corpus_only:
            return
        pin_one_core()
        throughput(args.narratives, args.seed)
    if not args.skip_ingest:
        ingest_cost(args.runs, [int(x) for x in args.scales.split(",")])


if __name__ == "__main__":
    main()
