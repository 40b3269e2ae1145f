"""Everyday pages in Debian's Chromium, driven by Playwright: a misspelt name typed into
search finds the person, closest first, and opens a page headed by their name; a date typed
the UK way finds them too; an unknown address is an HTML page."""

from __future__ import annotations

import re

from tests.web.helpers import query
from tests.web.store import Built
from tests.web.test_browser import page, server  # noqa: F401 (the fixtures, reused)

HOME = "west-yorkshire"
ANALYST = f"analyst-{HOME}"


def _person_to_find(db: object) -> tuple[str, str, str]:
    """(forenames, surname, ISO date of birth) of an unsealed home-area record with a
    surname of six letters or more, a full date of birth and one record."""
    rows = query(
        db,  # type: ignore[arg-type]
        """
        SELECT p.forenames, p.surname, p.date_of_birth FROM current_persons p
        JOIN sources s USING (source_id)
        WHERE s.area = ? AND length(p.surname) >= 6 AND length(p.date_of_birth) = 10
          AND p.forenames IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM sealed_records r
                          WHERE r.source_id = p.source_id AND r.person_id = p.person_id)
        ORDER BY p.source_id, p.person_id LIMIT 1
        """,
        [HOME],
    )
    assert rows, "the fixture has no named home record with a date of birth"
    forenames, surname, dob = rows[0]
    return str(forenames), str(surname), str(dob)


def test_fuzzy_search_finds_a_misspelt_name(store: Built, server: str, page: object) -> None:  # noqa: F811
    pg = page  # the Playwright Page
    _forenames, surname, dob = _person_to_find(store.db)
    # One letter doubled: "Morrad" typed as "Morrrad".
    middle = len(surname) // 2
    typed = (surname[:middle] + surname[middle] + surname[middle:]).title()
    assert typed.lower() != surname.lower()

    pg.goto(f"{server}/login")  # type: ignore[attr-defined]
    pg.fill("#username", ANALYST)  # type: ignore[attr-defined]
    pg.fill("#password", store.passwords[ANALYST])  # type: ignore[attr-defined]
    pg.click("#login")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Dashboard · west-yorkshire")  # type: ignore[attr-defined]

    pg.click("text=Search")  # type: ignore[attr-defined]
    pg.fill("#q", typed)  # type: ignore[attr-defined]
    pg.click("#search-go")  # type: ignore[attr-defined]
    pg.wait_for_selector("a.person-link")  # type: ignore[attr-defined]
    first = pg.inner_text("a.person-link >> nth=0")  # type: ignore[attr-defined]
    assert surname.lower() in first.lower(), (typed, first)
    why = pg.inner_text("td.why >> nth=0")  # type: ignore[attr-defined]
    assert surname.lower() in why and typed.lower() in why

    pg.click("a.person-link >> nth=0")  # type: ignore[attr-defined]
    pg.wait_for_selector("#person-name")  # type: ignore[attr-defined]
    heading = pg.inner_text("#person-name")  # type: ignore[attr-defined]
    assert surname.lower() in heading.lower() and not re.fullmatch(r"[0-9A-F/]+", heading)

    # The date of birth typed day first, as UK agencies write it.
    uk = f"{dob[8:10]}/{dob[5:7]}/{dob[0:4]}"
    pg.goto(f"{server}/search")  # type: ignore[attr-defined]
    pg.select_option("#field", "dob")  # type: ignore[attr-defined]
    pg.fill("#q", uk)  # type: ignore[attr-defined]
    pg.click("#search-go")  # type: ignore[attr-defined]
    pg.wait_for_selector("a.person-link")  # type: ignore[attr-defined]
    assert dob in pg.inner_text("#results")  # type: ignore[attr-defined]
    # Not a date: a message, not an empty result.
    pg.fill("#q", "31/02/2012")  # type: ignore[attr-defined]
    pg.click("#search-go")  # type: ignore[attr-defined]
    pg.wait_for_selector("#search-error")  # type: ignore[attr-defined]

    response = pg.goto(f"{server}/no-such-page")  # type: ignore[attr-defined]
    assert response.status == 404
    pg.wait_for_selector("text=Page not found")  # type: ignore[attr-defined]
    errors = [e for e in pg.csp_errors if "status of 404" not in e]  # type: ignore[attr-defined]
    assert not errors, errors
