"""One vertex per person and area: with ``area_aware`` detection, a person with evidence
in two areas is two vertices there (``detect.load_graph``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def area_vertices(
    va: npt.NDArray[np.int64],
    vb: npt.NDArray[np.int64],
    areas: npt.NDArray[np.object_],
    n_entities: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each vertex's entity and the links as vertex pairs: one vertex per (entity, area)
    that has a link, in entity then area order; an entity without links keeps one
    vertex so every entity is present."""
    _, area_code = (
        np.unique(areas.astype(str), return_inverse=True)
        if len(areas)
        else (
            None,
            np.zeros(0, dtype=np.int64),
        )
    )
    area_code = np.asarray(area_code, dtype=np.int64)
    n_areas = int(area_code.max()) + 1 if len(area_code) else 1
    linked = np.zeros(n_entities, dtype=np.bool_)
    linked[va] = True
    linked[vb] = True
    keys = np.concatenate([va * n_areas + area_code, vb * n_areas + area_code])
    keys = np.concatenate([keys, np.flatnonzero(~linked).astype(np.int64) * n_areas])
    vertex_keys = np.unique(keys)
    ea = np.searchsorted(vertex_keys, va * n_areas + area_code)
    eb = np.searchsorted(vertex_keys, vb * n_areas + area_code)
    return vertex_keys // n_areas, np.column_stack([ea, eb]).astype(np.int64)
