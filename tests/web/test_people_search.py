"""Finding people: names fuzzy (edit distance and sound) and ranked by closeness, dates in
ISO or UK order, a clear message for a date that is not one; scope as before."""

from __future__ import annotations

import re

import pytest

from clearsight.web.people_search import (
    SearchInputError,
    match_word,
    parse_dob,
    word_matches,
)
from tests.web.conftest import Login
from tests.web.helpers import audit_actions, people_in, query
from tests.web.store import Built

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2012-05-12", "2012-05-12"),
        ("12/05/2012", "2012-05-12"),
        ("1/5/2012", "2012-05-01"),
        ("12.05.2012", "2012-05-12"),
        ("05/2012", "2012-05"),
        ("2012-05", "2012-05"),
        ("2012", "2012"),
    ],
)
def test_dates_in_iso_or_uk_order(typed: str, iso: str) -> None:
    assert parse_dob(typed) == iso


@pytest.mark.parametrize("typed", ["31/02/2012", "12/13/2012", "yesterday", "12-05-12"])
def test_a_date_that_is_not_one_says_so(typed: str) -> None:
    with pytest.raises(SearchInputError, match=re.escape(repr(typed))):
        parse_dob(typed)


def test_words_match_by_edits_and_sound_and_rank_by_closeness() -> None:
    assert match_word("morrad", "morrrd") is not None  # one letter changed
    for typed, recorded in (("catherine", "kathryn"), ("sean", "shaun")):
        found = match_word(typed, recorded)
        assert found is not None and "sounds like" in found.why
    assert match_word("mohammed", "muhammad") is not None
    assert match_word("hugh", "hughes") is not None  # beginning, as before
    assert match_word("al", "el") is None  # too short for an edit
    assert match_word("morrad", "smith") is None
    ranked = word_matches(["morrad"], ["murad", "morrrd", "morrad", "smith"])[0]
    assert [m.recorded for m in ranked][:2] == ["morrad", "morrrd"]
    assert "smith" not in [m.recorded for m in ranked]


def _misspelt(surname: str) -> str:
    """One letter doubled in the middle: a keying error."""
    middle = len(surname) // 2
    return surname[:middle] + surname[middle] + surname[middle:]


def test_a_misspelt_name_finds_the_person_first(store: Built, login: Login) -> None:
    people = people_in(store.db, HOME, limit=20)
    assert people
    client = login(ANALYST)
    found_any = False
    for entity_id, surname in people[:5]:
        typed = _misspelt(surname)
        page = client.get("/search", params={"field": "name", "q": typed})
        assert page.status_code == 200
        links = re.findall(r'href="/person/([^"]+)"', page.text)
        assert links, f"{typed!r} found no one"
        first_names = re.findall(r'class="person-link"[^>]*>([^<]+)<', page.text)
        assert surname.lower() in first_names[0].lower(), (typed, first_names[:3])
        found_any = found_any or entity_id in links
        assert "letter" in page.text or "sounds like" in page.text  # why it matched
    assert found_any


def test_search_keeps_to_the_viewers_area(store: Built, login: Login) -> None:
    theirs = people_in(store.db, OTHER, limit=10)
    assert theirs
    client = login(ANALYST)
    for entity_id, surname in theirs:
        page = client.get("/search", params={"field": "name", "q": _misspelt(surname)})
        assert f"/person/{entity_id}" not in page.text


def test_uk_date_finds_the_same_people_as_iso(store: Built, login: Login) -> None:
    dob = query(
        store.db,
        "SELECT p.date_of_birth FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND length(p.date_of_birth) = 10 ORDER BY 1 LIMIT 1",
        [HOME],
    )
    assert dob
    iso = str(dob[0][0])
    uk = f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"
    client = login(ANALYST)
    by_iso = client.get("/search", params={"field": "dob", "q": iso}).text
    by_uk = client.get("/search", params={"field": "dob", "q": uk}).text
    links = re.findall(r'href="/person/([^"]+)"', by_iso)
    assert links
    assert links == re.findall(r'href="/person/([^"]+)"', by_uk)


def test_a_bad_date_gives_a_message_and_is_audited(store: Built, login: Login) -> None:
    client = login(ANALYST)
    page = client.get("/search", params={"field": "dob", "q": "31/02/2012"})
    assert page.status_code == 200
    assert 'id="search-error"' in page.text and "not a real date" in page.text
    assert "No one found" not in page.text
    assert ("search", "search:dob", None) in audit_actions(store.db, ANALYST)


def test_a_partner_finds_only_their_agencys_people(store: Built, login: Login) -> None:
    partner = f"partner-{HOME}"
    source = query(store.db, "SELECT source_id FROM users WHERE name = ?", [partner])
    assert source and source[0][0]
    own = query(
        store.db,
        "SELECT source_id || '/' || person_id, surname FROM current_persons WHERE source_id = ?"
        " AND length(surname) >= 6 AND NOT EXISTS (SELECT 1 FROM sealed_records r"
        " WHERE r.source_id = current_persons.source_id"
        " AND r.person_id = current_persons.person_id) ORDER BY 1 LIMIT 3",
        [source[0][0]],
    )
    police = query(
        store.db,
        "SELECT p.source_id || '/' || p.person_id, p.surname FROM current_persons p"
        " JOIN sources s USING (source_id) WHERE s.area = ? AND s.agency_type = 'police'"
        " AND length(p.surname) >= 6 ORDER BY 1 LIMIT 3",
        [HOME],
    )
    assert own and police
    client = login(partner)
    for entity_id, surname in own:
        page = client.get("/search", params={"field": "name", "q": _misspelt(str(surname))})
        assert f"/person/{entity_id}" in page.text
    for entity_id, surname in police:
        page = client.get("/search", params={"field": "name", "q": _misspelt(str(surname))})
        assert f"/person/{entity_id}" not in page.text
