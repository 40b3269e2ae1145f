"""Stable network ids.

A new network takes the id of the previous run's network it overlaps most (Jaccard of
member person records at least ``MIN_CARRY``, one to one, best overlaps first); otherwise
its id is a hash of its sorted member record keys. Record keys (source and person id) are
stable across linkage runs where entity ids need not be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

MIN_CARRY = 0.5


def fresh_id(record_keys: Sequence[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(record_keys)).encode(), usedforsecurity=False)
    return "N-" + digest.hexdigest()[:12]


def assign_ids(
    new: Sequence[Sequence[str]], previous: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[bool]]:
    """Ids for ``new`` networks (each a list of member record keys) and whether carried over."""
    new_sets = [frozenset(keys) for keys in new]
    owner: dict[str, list[str]] = {}
    for network_id, keys in previous.items():
        for key in keys:
            owner.setdefault(key, []).append(network_id)
    old_sizes = {network_id: len(set(keys)) for network_id, keys in previous.items()}
    candidates: list[tuple[float, str, int]] = []
    for index, new_keys in enumerate(new_sets):
        overlap: dict[str, int] = {}
        for key in new_keys:
            for network_id in owner.get(key, ()):
                overlap[network_id] = overlap.get(network_id, 0) + 1
        for network_id, shared in overlap.items():
            jaccard = shared / (len(new_keys) + old_sizes[network_id] - shared)
            if jaccard >= MIN_CARRY:
                candidates.append((jaccard, network_id, index))
    ids: list[str | None] = [None] * len(new_sets)
    taken: set[str] = set()
    for _, network_id, index in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if ids[index] is None and network_id not in taken:
            ids[index] = network_id
            taken.add(network_id)
    carried = [i is not None for i in ids]
    result: list[str] = []
    for index, member_keys in enumerate(new_sets):
        assigned = ids[index]
        if assigned is None:
            assigned = fresh_id(sorted(member_keys))
            # A fresh hash can equal a carried id only if the members are identical.
            while assigned in taken:
                assigned = fresh_id([*sorted(member_keys), assigned])
            taken.add(assigned)
        result.append(assigned)
    return result, carried
