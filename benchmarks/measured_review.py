"""Measured review against the truth: what labels on a sample of the review band say.

    .venv/bin/python benchmarks/measured_review.py --scale 1 --seed 2024 --per-pair 40

Synthetic data (``clearsight.synth``, ground truth in ``truth/record_truth.csv``) is
ingested and linked; ``link review --sample`` draws pairs per pair of sources from
the review band, each is decided from the truth (as an analyst who is always right
would), and ``link accuracy`` estimates precision and recall per pair of sources from
those labels (Splink's accuracy analysis). Beside each estimate: the same figure over
every pair of the band (all labelled from the truth), which the sample estimates.
Prints one JSON line per pair of sources. Not a test.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = ~10k person records")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--per-pair", type=int, default=40, help="pairs drawn per pair of sources")
    parser.add_argument("--sample-seed", type=int, default=1)
    args = parser.parse_args()

    from clearsight.ingest import ingest
    from clearsight.linkage import decide, run
    from clearsight.linkage.accuracy import accuracy
    from clearsight.linkage.review import measurement_sample
    from clearsight.store import connect
    from clearsight.synth import areas_for, generate

    with tempfile.TemporaryDirectory(prefix="clearsight-review-") as tmp:
        work = Path(tmp)
        summary = generate(work / "data", areas_for(1), scale=args.scale, seed=args.seed)
        con = connect(work / "store.duckdb")
        for submission in summary.submissions:
            ingest(con, submission)
        started = time.perf_counter()
        linked = run(con)
        link_s = time.perf_counter() - started
        truth_csv = str(work / "data" / "truth" / "record_truth.csv").replace("'", "''")
        con.execute(
            "CREATE TEMP TABLE truth AS SELECT source_id || ':' || person_id AS record, "
            f"true_person_id AS cluster FROM read_csv_auto('{truth_csv}')"
        )
        drawn = measurement_sample(con, args.per_pair, args.sample_seed)
        same = dict(
            ((l_key, r_key), bool(s))
            for l_key, r_key, s in con.execute(
                "SELECT p.record_key_l, p.record_key_r, a.cluster = b.cluster FROM link_pairs p "
                "JOIN truth a ON a.record = p.record_key_l "
                "JOIN truth b ON b.record = p.record_key_r"
            ).fetchall()
        )
        for p in drawn.pairs:
            decide(
                con,
                p.record_key_l,
                p.record_key_r,
                accept=same[(p.record_key_l, p.record_key_r)],
                reason="from the synthetic truth",
                by="benchmark",
            )
        started = time.perf_counter()
        rows = accuracy(con)
        accuracy_s = time.perf_counter() - started
        # The band in full: every pair of it, the model's score verdict against the truth.
        band = {
            (str(r[0]), str(r[1])): r[2:]
            for r in con.execute(
                """
                SELECT least(p.source_id_l, p.source_id_r), greatest(p.source_id_l, p.source_id_r),
                       count(*),
                       count(*) FILTER (WHERE p.evidence >= r.threshold AND a.cluster = b.cluster),
                       count(*) FILTER (WHERE p.evidence >= r.threshold),
                       count(*) FILTER (WHERE a.cluster = b.cluster)
                FROM link_pairs p
                JOIN truth a ON a.record = p.record_key_l JOIN truth b ON b.record = p.record_key_r
                CROSS JOIN (SELECT threshold, review_low, review_high FROM link_runs
                            ORDER BY run_id DESC LIMIT 1) r
                WHERE p.evidence BETWEEN r.review_low AND r.review_high
                GROUP BY ALL
                """
            ).fetchall()
        }
        for r in rows:
            n, tp, predicted, positives = band[(r.source_l, r.source_r)]
            print(
                json.dumps(
                    {
                        "records": linked.n_records,
                        "link_s": round(link_s, 1),
                        "accuracy_s": round(accuracy_s, 1),
                        "sources": f"{r.source_l} / {r.source_r}",
                        "labels": r.labelled,
                        "sampled": r.sampled,
                        "precision": r.precision.as_dict(),
                        "recall": r.recall.as_dict(),
                        "band_pairs": n,
                        "band_precision": round(tp / predicted, 4) if predicted else None,
                        "band_recall": round(tp / positives, 4) if positives else None,
                    }
                ),
                flush=True,
            )
        con.close()


if __name__ == "__main__":
    main()
