"""What police data alone finds of a network, in the words every view uses."""

from __future__ import annotations

from clearsight.graph import police_view


def test_a_network_police_data_finds_is_said_so() -> None:
    network = {"detectable_police_only": True, "police_only_coverage": 0.8}
    assert police_view.describe(network) == "Police data alone finds this network."
    assert police_view.short(network) == "police data alone finds it"


def test_part_found_by_police_is_not_called_partner_only() -> None:
    network = {
        "detectable_police_only": False,
        "police_only_coverage": 0.1579,
        "partner_only": True,
        "n_intelligence_only": 4,
    }
    words = police_view.describe(network)
    assert "finds only part of it" in words and "16%" in words
    assert "visible only through partner records" not in words
    assert "4 members are partner intelligence, not police-confirmed" in words
    assert police_view.short(network) == "partner records needed (police alone: 16%)"
    one = police_view.describe({**network, "n_intelligence_only": 1})
    assert "1 member is partner intelligence, not police-confirmed" in one


def test_none_found_by_police_is_partner_only() -> None:
    network = {"detectable_police_only": False, "police_only_coverage": 0.0, "partner_only": True}
    assert "visible only through partner records" in police_view.describe(network)
    assert police_view.short(network) == "partner intelligence only"


def test_a_network_never_compared_says_so() -> None:
    assert "Not compared" in police_view.describe({"detectable_police_only": None})
