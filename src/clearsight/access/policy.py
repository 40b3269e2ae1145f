"""The one authorisation check. Deny by default.

Two questions, both answered here and nowhere else:

* may this principal use this kind of page or action at all (``allowed``)?
* how may it see one person record, given the record's source and area
  (``visibility``): identified, pseudonymised, or not at all?

Every route asks ``require`` first and filters records through ``visibility``
(or the equivalent SQL from ``record_filter``), so a changed id in a URL can
only ever reach records the principal could reach anyway.
"""

from __future__ import annotations

from typing import Literal

from clearsight.access.model import Principal, Role

Permission = Literal[
    "dashboard",  # figures for the principal's own scope
    "dashboard_national",  # aggregates across areas
    "search",  # find identifiable people
    "person",  # open an entity page
    "network",  # open a network page
    "chart",  # the link chart of a network they may open, and their own saved charts
    "export",  # i2 ANX / GraphML
    "review",  # the closed-case review queue
    "language",  # paste text into the language check
    "data",  # ingest batches and data-quality figures
    "quarantine",  # quarantined rows (they hold submitted personal data)
    "admin",  # users and roles
    "audit",  # read the audit log
    "readiness",  # inspection readiness per force (an analyst: their own force's)
    "alerts",  # arrival alerts and watchlists of the principal's area
]

_RULES: dict[Permission, frozenset[Role]] = {
    "dashboard": frozenset({"analyst", "partner", "national", "inspector", "admin"}),
    "dashboard_national": frozenset({"national", "inspector"}),
    "search": frozenset({"analyst", "partner"}),
    "person": frozenset({"analyst", "partner"}),
    "network": frozenset({"analyst", "partner", "national"}),
    # Whoever may open a network may chart it: the chart shows no more than the page.
    "chart": frozenset({"analyst", "partner", "national"}),
    "export": frozenset({"analyst"}),
    "review": frozenset({"analyst"}),
    "language": frozenset({"analyst", "partner", "national"}),
    "data": frozenset({"analyst", "national", "inspector", "admin"}),
    "quarantine": frozenset({"analyst"}),
    "admin": frozenset({"admin"}),
    "audit": frozenset({"inspector", "admin"}),
    "readiness": frozenset({"analyst", "national", "inspector"}),
    # Analysts work cases in their area; an alert is for the analysts of an area.
    "alerts": frozenset({"analyst"}),
}

Visibility = Literal["identified", "pseudonymised", "hidden"]


class Forbidden(Exception):  # noqa: N818 (reads as a verdict)
    """The principal may not do this. Routes answer 404 for records, 403 for pages."""

    def __init__(self, permission: str, target: str | None = None) -> None:
        super().__init__(f"not permitted: {permission}")
        self.permission = permission
        self.target = target


def allowed(principal: Principal | None, permission: Permission) -> bool:
    if principal is None:
        return False
    return principal.role in _RULES.get(permission, frozenset())


def require(principal: Principal | None, permission: Permission) -> Principal:
    if principal is None or not allowed(principal, permission):
        raise Forbidden(permission)
    return principal


def visibility(principal: Principal, *, source_id: str, area: str) -> Visibility:
    """How ``principal`` may see one person record from ``source_id`` in ``area``."""
    if principal.role == "analyst":
        return "identified" if principal.area is not None and area == principal.area else "hidden"
    if principal.role == "partner":
        return "identified" if source_id in principal.sources else "hidden"
    if principal.role == "national":
        return "pseudonymised"
    return "hidden"


def network_member_visibility(principal: Principal, *, source_id: str, area: str) -> Visibility:
    """In a network someone may see, members they may not identify appear pseudonymised:
    the shape of a cross-area network is the point, the identity stays with its area."""
    seen = visibility(principal, source_id=source_id, area=area)
    return "pseudonymised" if seen == "hidden" else seen


def record_filter(principal: Principal, *, source: str = "s") -> tuple[str, list[object]]:
    """SQL over the ``sources`` alias ``source`` selecting identifiable records only."""
    if principal.role == "analyst" and principal.area:
        return f"{source}.area = ?", [principal.area]
    if principal.role == "partner" and principal.sources:
        return f"list_contains(?, {source}.source_id)", [sorted(principal.sources)]
    return "false", []
