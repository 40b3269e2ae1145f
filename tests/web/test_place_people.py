"""The network's places page lists the people tied to its premises who are not members
(``web/place_people.py``): named to an analyst of the area that recorded them, keyed
pseudonyms to the national role, the count audited, and another area's analyst refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearsight.access import add_user, create_demo_users
from tests.graph.scenario import police_store
from tests.graph.test_guardians import _data
from tests.web.conftest import Login
from tests.web.helpers import query
from tests.web.store import Built

OTHER = "analyst-greater-manchester"


@pytest.fixture
def store(tmp_path: Path) -> Built:
    """One police force's record of two men at a bus station, whose security guard
    reported it and is tied to neither man: a line of enquiry, not a member."""
    con = police_store(tmp_path, _data("reporting_person"))
    passwords = {name: pw for name, _r, _a, pw in create_demo_users(con)}
    # An analyst of an area whose agencies sent nothing here.
    passwords[OTHER] = "Another-area-analyst-7"
    add_user(con, OTHER, role="analyst", area="greater-manchester", password=passwords[OTHER])
    con.close()
    return Built(tmp_path / "police.duckdb", passwords)


def _network(store: Built) -> str:
    return str(query(store.db, "SELECT network_id FROM networks")[0][0])  # type: ignore[index]


def test_an_analyst_sees_the_guard_named_as_a_line_of_enquiry(store: Built, login: Login) -> None:
    network = _network(store)
    page = login("analyst-west-yorkshire").get(f"/places?network={network}")
    assert page.status_code == 200, page.text[:300]
    # The place is the network's: both men offended there (records of exploitation at a
    # place make it one of the network's places, not only a member's association).
    shared = page.text.split('id="network-places"', 1)[1].split("</table>", 1)[0]
    assert "Trentside Bus Station NG1 7RB</td><td>Other</td><td>2</td>" in shared
    table = page.text.split('id="place-people"', 1)[1].split("</table>", 1)[0]
    assert "Gordon Guardley</a>" in table and "Employed at" in table
    assert "reported or witnessed exploitation there" in table
    assert "Trentside Bus Station" in table
    # Neither man is beside the network: both are in it.
    assert "Abel" not in table and "Bram" not in table
    (details,) = query(
        store.db,
        "SELECT details FROM audit_log WHERE actor = ? AND action = 'view_places'",
        ["analyst-west-yorkshire"],
    )[0]
    assert json.loads(str(details))["people_tied"] == 1


def test_the_national_role_sees_a_pseudonym(store: Built, login: Login) -> None:
    page = login("national").get(f"/places?network={_network(store)}")
    assert page.status_code == 200
    table = page.text.split('id="place-people"', 1)[1].split("</table>", 1)[0]
    assert "Guardley" not in table and 'href="/person/' not in table
    assert "Employed at" in table


def test_another_area_cannot_open_it(store: Built, login: Login) -> None:
    page = login(OTHER).get(f"/places?network={_network(store)}")
    assert page.status_code == 404
