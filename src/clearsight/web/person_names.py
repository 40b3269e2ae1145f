"""What a person page is headed by: the name as the records give it, and the other names.

Agencies record one person under several spellings and nicknames; the page is headed by
the form most of the viewer's records use (ties: the fullest form, then A to Z, so the
heading does not change between visits), and lists every other form and alias beneath.
Built only from records the viewer may identify: a record outside their access never
lends its name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonNames:
    name: str | None  # None when no record gives a name
    others: list[str]


def _full(record: Mapping[str, Any]) -> str:
    parts = [str(record.get(k) or "").strip() for k in ("forenames", "surname")]
    return " ".join(p for p in parts if p).title()


def _aliases(record: Mapping[str, Any]) -> Iterable[str]:
    aliases = record.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return (str(a).strip().title() for a in aliases if str(a).strip())


def person_names(records: Iterable[Mapping[str, Any]]) -> PersonNames:
    """The heading name and the other names of the records given (the visible ones)."""
    listed = list(records)
    counts = Counter(n for n in (_full(r) for r in listed) if n)
    if not counts:
        return PersonNames(None, sorted({a for r in listed for a in _aliases(r)}))
    name = min(counts, key=lambda n: (-counts[n], -len(n.split()), -len(n), n))
    others = {n for n in counts if n != name} | {a for r in listed for a in _aliases(r)}
    return PersonNames(name, sorted(others - {name}))
