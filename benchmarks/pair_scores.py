"""Pairwise precision, recall and F1 of a clustering against the truth, for the linkage
benchmarks (``linkage.py`` on synthetic data, ``linkage_public.py`` on FEBRL,
``linkage_independent.py`` on the independent generator's records, ``linkage_third.py``
on the third generator's).

Every pair of records put in one cluster is a predicted pair; every pair that is one
person is a true pair; the scores are over the pairs, the measure the record-linkage
literature (and Splink's own evaluation) reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb


def pair_scores(con: duckdb.DuckDBPyConnection, joined: str) -> dict[str, float]:
    """Scores from ``joined``, a query with one row per record: ``e`` its predicted
    cluster, ``t`` its true one."""
    tp, pred, actual = con.execute(
        f"""
        WITH j AS ({joined})
        SELECT
            (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM
                (SELECT count(*) AS n FROM j GROUP BY e, t)),
            (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM
                (SELECT count(*) AS n FROM j GROUP BY e)),
            (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM
                (SELECT count(*) AS n FROM j GROUP BY t))
        """
    ).fetchall()[0]
    precision = tp / pred if pred else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": int(actual),
        "predicted_pairs": int(pred),
    }


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1; a record without a prediction is a singleton."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (record VARCHAR, cluster VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(truth.items()))
    con.execute("CREATE TABLE p (record VARCHAR, cluster VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", list(predicted.items()))
    try:
        return pair_scores(
            con,
            "SELECT coalesce(p.cluster, 'single:' || t.record) AS e, t.cluster AS t "
            "FROM t LEFT JOIN p USING (record)",
        )
    finally:
        con.close()


def clusters_of(ids: list[str], pairs: Any) -> dict[str, str]:
    """Matched pairs as clusters (connected components), each record to its first member:
    how a peer that returns pairs (recordlinkage) is scored like the others."""
    from clearsight.partition import groups

    return {
        i: group[0] for group in groups(ids, ((str(a), str(b)) for a, b in pairs)) for i in group
    }


def held_back(store: Path, truth: Callable[[str], str | None]) -> dict[str, list[int]]:
    """Per reason a scored pair was held back, [pairs, true pairs]: what each rule costs.

    ``truth`` gives the true person of a ``link_pairs`` record key (None if unknown).
    """
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute(
            "SELECT refused_because, record_key_l, record_key_r FROM link_pairs "
            "WHERE refused_because IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[int]] = {}
    for reason, left, right in rows:
        a, b = truth(left), truth(right)
        counts = out.setdefault(str(reason), [0, 0])
        counts[0] += 1
        counts[1] += int(a is not None and a == b)
    return out
