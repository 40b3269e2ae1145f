"""What police data alone shows of a network, in words every view uses.

Detection runs a second time on police data only (``networks.police_only``). A network
is ``partner_only`` when no police-only network matches it (Jaccard below 0.5); that
is not the same as police holding nothing of it: the nearest police-only network may
hold part of it, and some of its members may be police-confirmed. Saying "visible only
through partner records" of a network whose suspects police hold would overstate what
partners add and understate what police know, so the words follow the coverage.
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe", "short"]


def _coverage(network: dict[str, Any]) -> float:
    value = network.get("police_only_coverage")
    return float(value) if value is not None else 0.0


def describe(network: dict[str, Any]) -> str:
    """One or two sentences: what police data alone finds, and who is intelligence only."""
    if network.get("detectable_police_only"):
        found = "Police data alone finds this network."
    elif _coverage(network) > 0:
        found = (
            "Police data alone finds only part of it (the nearest network in police data "
            f"alone shares {_coverage(network):.0%} of its people): partner records are "
            "needed to see it whole."
        )
    elif network.get("detectable_police_only") is None:
        found = "Not compared with police data alone (networks stage of an older version)."
    else:
        found = "Police data alone finds none of it: it is visible only through partner records."
    intelligence = int(network.get("n_intelligence_only") or 0)
    if intelligence:
        found += (
            f" {intelligence} {'member is' if intelligence == 1 else 'members are'} partner "
            "intelligence, not police-confirmed: named in partner records, never presented "
            "as suspects."
        )
    return found


def short(network: dict[str, Any]) -> str:
    """A list's few words for the same."""
    if network.get("detectable_police_only"):
        return "police data alone finds it"
    if _coverage(network) > 0:
        return f"partner records needed (police alone: {_coverage(network):.0%})"
    return "partner intelligence only"
