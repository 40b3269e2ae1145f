"""People tied to a network's premises who are not its members, as a viewer may see them
(``network_place_people``, ``graph/place_people.py``): the lines of enquiry the network's
places page lists under its places.

Each row is one record tying a person to a place (employed there, owning it, living
there): the person is named and linked when that record comes from a source the viewer
may identify, else shown as their keyed pseudonym, and the place is labelled as the
places table beside it labels it (``web/places.network_places``), so nothing here names
more than the rest of the page.
"""

from __future__ import annotations

import duckdb

from clearsight.access import Principal, Pseudonymiser
from clearsight.web.places import Place, record_names, seen_as
from clearsight.web.queries import Row, _sources, exists, rows
from clearsight.web.timeline import person_href


def network_place_people(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonymiser,
    network_id: str,
    places: list[Place],
    sealed: frozenset[tuple[str, str]],
) -> list[Row] | None:
    """The rows for ``network_id`` (None when the store's networks stage wrote no list),
    each with ``label``, ``href``, ``tie``, ``place``, ``guardian``, ``member_of``,
    ``organisation``, ``date`` and ``identified``."""
    if not exists(con, "network_place_people"):
        return None
    found = rows(
        con,
        "SELECT entity_id, location_key, via, source_id, record_key, date, guardian, member_of"
        " FROM network_place_people WHERE network_id = ?"
        " ORDER BY location_key, entity_id, via, record_key",
        [network_id],
    )
    sources = _sources(con)
    place_label = {p.location_key: p.label for p in places}
    records = [tuple(str(r["record_key"]).split(":", 1)) for r in found]
    names = record_names(con, sorted({(k[0], k[1]) for k in records if len(k) == 2}))
    shown: list[Row] = []
    for r, record in zip(found, records, strict=True):
        seen = seen_as(r, principal, pseudonym, sources, names, sealed)
        if seen is None:
            continue
        source, clear, label = seen
        entity = str(r["entity_id"])
        key = str(r["location_key"])
        shown.append(
            {
                "label": label,
                "href": person_href(entity) if clear and record not in sealed else None,
                "tie": str(r["via"]),
                "place": place_label.get(key) or pseudonym("location", key),
                "guardian": bool(r["guardian"]),
                "member_of": list(r["member_of"] or []),
                "organisation": str(source["organisation"]),
                "date": r["date"],
                "identified": clear,
            }
        )
    return shown
