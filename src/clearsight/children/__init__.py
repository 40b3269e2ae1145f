"""Who is a child in an event: one rule for every stage that asks.

The graph's involvements (``graph/build.py``) and linkage's shared context
(``linkage/context.py``: a first name only, resolved through the child) both need it, and
linkage runs before the graph, so the rule lives here, below both. A person is a child in
an event when in a child's role (``standard.roles.CHILD_ROLES``) and known to be under
``child_age`` at the event, of unknown age in an event worded as a sexual offence or
exploitation, or the victim of an offence whose title names a child.

The values are the graph's documented settings (``graph/settings.yaml``: ``child_age``,
``sexual_pattern``, ``child_offence_pattern``, each with its reason there): ``documented``
reads them from that file as data, so that a stage which must not depend on the graph
stage reads the same values the graph does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

import yaml

from clearsight.standard.roles import CHILD_ROLES
from clearsight.store.sql import sql_list


class ChildSettings(Protocol):
    """What the rule reads of a settings object (``GraphSettings`` has all three)."""

    @property
    def child_age(self) -> float: ...

    @property
    def sexual_pattern(self) -> str: ...

    @property
    def child_offence_pattern(self) -> str: ...


@dataclass(frozen=True)
class ChildRule:
    child_age: float
    sexual_pattern: str
    child_offence_pattern: str


@cache
def documented() -> ChildRule:
    """The three values as ``graph/settings.yaml`` documents them (its ``value`` entries)."""
    text = resources.files("clearsight").joinpath("graph/settings.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)
    return ChildRule(
        child_age=float(entries["child_age"]["value"]),
        sexual_pattern=str(entries["sexual_pattern"]["value"]),
        child_offence_pattern=str(entries["child_offence_pattern"]["value"] or ""),
    )


def child_in_event_sql(
    s: ChildSettings,
    *,
    role: str = "role",
    age: str = "age",
    own_sexual: str = "own_sexual",
    child_offence: str = "child_offence",
) -> str:
    """The SQL of "this person is a child in this event", over the named columns."""
    return (
        f"(list_contains({sql_list(CHILD_ROLES)}, {role}) AND ({age} < {s.child_age} "
        f"OR ({age} IS NULL AND {own_sexual}) OR {child_offence}))"
    )


def event_context_sql(s: ChildSettings, event: str = "e") -> tuple[str, str]:
    """(own_sexual, child_offence) SQL over an event row ``event`` of ``current_events``:
    the offence or narrative worded as a sexual offence or exploitation
    (``sexual_pattern``), and an offence whose title names a child victim
    (``child_offence_pattern``)."""
    pattern = s.sexual_pattern.replace("'", "''")
    child_pattern = s.child_offence_pattern.replace("'", "''")
    sexual = (
        f"(coalesce({event}.cse_flag = 'yes', false) "
        f"OR coalesce(regexp_matches(lower({event}.offence), '{pattern}'), false) "
        f"OR coalesce(regexp_matches(lower({event}.narrative), '{pattern}'), false))"
    )
    child_offence = (
        f"coalesce(regexp_matches(lower({event}.offence), '{child_pattern}'), false)"
        if s.child_offence_pattern
        else "false"
    )
    return sexual, child_offence
