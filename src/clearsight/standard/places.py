"""One place across sources: the key every stage reads a submitted location by.

Agencies submit their own location ids (``schema/locations.yaml``); two agencies' rows
for one address share nothing but what they describe. A location is the same place
where its postcode, its name (folded to letters and digits) and its type agree; a row
with neither postcode nor name is matched within its own source only. The graph keys
places by it (``graph/build.py``) and the shared-context step of linkage reads it
(``linkage/context.py``), so that both stages see one place the same way.
"""

from __future__ import annotations


def location_key_sql(alias: str = "") -> str:
    """SQL for a location row's place key; ``alias`` qualifies the location's columns."""
    a = f"{alias}." if alias else ""
    return (
        f"CASE WHEN {a}postcode IS NULL AND {a}name IS NULL "
        f"THEN 'location:' || {a}source_id || '/' || {a}location_id "
        f"ELSE 'location:' || coalesce({a}postcode, '') || '|' "
        f"|| coalesce(regexp_replace(lower({a}name), '[^a-z0-9]+', ' ', 'g'), '') || '|' "
        f"|| coalesce({a}location_type, '') END"
    )


def location_types() -> frozenset[str]:
    """The standard's ``location_type`` codes (``schema/locations.yaml``): a setting may
    name only a type agencies can submit."""
    from clearsight.standard import load_standard
    from clearsight.standard.types import Code

    value_type = load_standard().tables["locations"].columns["location_type"].type
    assert isinstance(value_type, Code)
    return frozenset(value_type.values)
