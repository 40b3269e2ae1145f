"""Splitting a large component into communities (Leiden) on evidence: a split stands
only where the parts share no victim and no strong link."""

from __future__ import annotations

import igraph as ig
import leidenalg
import numpy as np
import numpy.typing as npt

from clearsight.graph.settings import GraphSettings


def _leiden(sub: ig.Graph, settings: GraphSettings) -> list[int]:
    partition = leidenalg.find_partition(
        sub,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=settings.leiden_resolution,
        n_iterations=settings.leiden_iterations,
        seed=settings.seed,
    )
    return [int(m) for m in partition.membership]


def _split(sub: ig.Graph, settings: GraphSettings) -> list[list[int]]:
    """Leiden communities of one connected component. A community too small to be a
    network joins its most strongly linked neighbour, so the split never drops anyone."""
    labels = np.asarray(_leiden(sub, settings), dtype=np.int64)
    edges = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(sub.es["weight"], dtype=np.float64) if len(edges) else np.zeros(0)
    while True:
        sizes = np.bincount(labels)
        present = np.flatnonzero(sizes)
        small = present[sizes[present] < settings.network_min_size]
        if not len(small) or len(present) == 1:
            break
        # Every small community at once joins its strongest neighbour (ties: lowest label).
        la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
        cross = la != lb
        src = np.concatenate([la[cross], lb[cross]])
        dst = np.concatenate([lb[cross], la[cross]])
        w = np.concatenate([weights[cross], weights[cross]])
        is_small = np.zeros(len(sizes), dtype=np.bool_)
        is_small[small] = True
        keep = is_small[src]
        if not keep.any():
            break
        src, dst, w = src[keep], dst[keep], w[keep]
        # Sum weight per (small, neighbour), then the best neighbour per small community.
        key = src * len(sizes) + dst
        ukey, inv = np.unique(key, return_inverse=True)
        total = np.bincount(inv, weights=w)
        us, ud = ukey // len(sizes), ukey % len(sizes)
        order = np.lexsort((ud, -total, us))
        first = np.ones(len(order), dtype=np.bool_)
        first[1:] = us[order][1:] != us[order][:-1]
        target = np.arange(len(sizes))
        target[us[order][first]] = ud[order][first]
        # Two small communities choosing each other: the lower label absorbs the higher.
        mutual = target[target] == np.arange(len(sizes))
        swap = mutual & (target > np.arange(len(sizes)))
        target[swap] = np.arange(len(sizes))[swap]
        # Follow chains to their end.
        for _ in range(len(sizes)):
            nxt = target[target]
            if np.array_equal(nxt, target):
                break
            target = nxt
        labels = target[labels]
    labels = _merge_back(edges, weights, labels, settings.split_merge_ratio)
    if "strong" in sub.es.attributes() and len(edges):
        labels = _tied_back(edges, np.asarray(sub.es["strong"], dtype=np.bool_), labels)
    communities: dict[int, list[int]] = {}
    for v, label in enumerate(labels.tolist()):
        communities.setdefault(label, []).append(v)
    return [c for c in communities.values() if len(c) >= settings.network_min_size]


def _merge_back(
    edges: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    ratio: float,
) -> npt.NDArray[np.int64]:
    """Undo a split the evidence does not support: two communities are one network again
    when the weight of the links between them is at least ``ratio`` of the smaller one's
    total link weight (a bridge through one person is far below; a sparse group cut in
    two is above). Each round merges the best-supported pairs, each community at most
    once, then measures again."""
    labels = labels.copy()
    n = int(labels.max()) + 1 if len(labels) else 0
    while len(edges):
        la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
        volume = np.bincount(la, weights=weights, minlength=n) + np.bincount(
            lb, weights=weights, minlength=n
        )
        cross = la != lb
        if not cross.any():
            break
        lo, hi = np.minimum(la[cross], lb[cross]), np.maximum(la[cross], lb[cross])
        ukey, inv = np.unique(lo * n + hi, return_inverse=True)
        cut = np.bincount(inv, weights=weights[cross])
        ua, ub = ukey // n, ukey % n
        share = cut / np.minimum(volume[ua], volume[ub])
        good = np.flatnonzero(share >= ratio)
        if not len(good):
            break
        good = good[np.lexsort((ub[good], ua[good], -share[good]))]
        target = np.arange(n)
        used: set[int] = set()
        for i in good.tolist():
            a, b = int(ua[i]), int(ub[i])
            if a in used or b in used:
                continue
            used.update((a, b))
            target[b] = a
        labels = target[labels]
    return labels


def _tied_back(
    edges: npt.NDArray[np.int64], strong: npt.NDArray[np.bool_], labels: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Split only at a single point of contact: two communities are one network again when
    two or more people on each side are tied across by strong links (co-offending, one
    incident, a shared phone or vehicle, an association, a household), or when one pair
    is so tied and the two sides also share a child (a bridging link between others):
    one group whose crimes were recorded in two sets, each naming one or two of its men
    against one child (the Rochdale and Rotherham reviews). One person linked to two or
    more on the other side is a bridge, and one pair with nothing else shared is the
    contact between two groups: the split stands."""
    labels = labels.copy()
    while True:
        la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
        cross = strong & (la != lb)
        if not cross.any():
            return labels
        ends: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
        for (a, b), ca, cb in zip(
            edges[cross].tolist(), la[cross].tolist(), lb[cross].tolist(), strict=True
        ):
            key, (pa, pb) = ((ca, cb), (a, b)) if ca < cb else ((cb, ca), (b, a))
            sides = ends.setdefault(key, (set(), set()))
            sides[0].add(pa)
            sides[1].add(pb)
        near = _sharing(edges, strong, labels)
        tied = sorted(
            k
            for k, (x, y) in ends.items()
            if (len(x) >= 2 and len(y) >= 2) or (len(x) == len(y) == 1 and k in near)
        )
        if not tied:
            return labels
        target = np.arange(int(labels.max()) + 1)
        used: set[int] = set()
        for a, b in tied:
            if a in used or b in used:
                continue
            used.update((a, b))
            target[b] = a
        labels = target[labels]


def _sharing(
    edges: npt.NDArray[np.int64], strong: npt.NDArray[np.bool_], labels: npt.NDArray[np.int64]
) -> set[tuple[int, int]]:
    """Pairs of communities that a bridging link crosses: a child both sides' men exploited
    (or a place one worked at where the other offended), between two people no strong
    link joins."""
    la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
    cross = ~strong & (la != lb)
    return {
        (min(a, b), max(a, b)) for a, b in zip(la[cross].tolist(), lb[cross].tolist(), strict=True)
    }
