"""Everyday pages: person pages headed by name, the review queue paged, sorted and linked,
codes in words, HTML error pages, and inspection readiness per force."""

from __future__ import annotations

import re

import pytest

from clearsight.standard.labels import load_labels
from tests.web.conftest import Login
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


# ---------------------------------------------------------------- person pages


@pytest.mark.linked
def test_linked_person_is_headed_by_name_with_other_names(store: Built, login: Login) -> None:
    # An entity of several home records that spell the name more than one way.
    rows = query(
        store.db,
        "SELECT pe.entity_id FROM person_entities pe JOIN current_persons p USING"
        " (source_id, person_id) JOIN sources s USING (source_id)"
        " WHERE pe.run_id = (SELECT max(run_id) FROM person_entities)"
        " AND NOT EXISTS (SELECT 1 FROM sealed_records r WHERE r.source_id = p.source_id"
        " AND r.person_id = p.person_id)"
        " GROUP BY 1 HAVING bool_and(s.area = ?) AND count(DISTINCT"
        " coalesce(p.forenames, '') || ' ' || coalesce(p.surname, '')) >= 2 ORDER BY 1 LIMIT 3",
        [HOME],
    )
    assert rows, "linkage linked no home records with two spellings of a name"
    client = login(ANALYST)
    for (entity_id,) in rows:
        page = client.get(f"/person/{entity_id}")
        assert page.status_code == 200
        heading = re.search(r'<h1 id="person-name">([^<]+)</h1>', page.text)
        assert heading and heading.group(1) != "Name not recorded"
        assert "E5F5" not in heading.group(1) and entity_id not in heading.group(1)
        others = re.search(r'id="other-names">Also recorded as: ([^<]+)</p>', page.text)
        assert others, "two spellings, but no other names listed"
        assert heading.group(1) not in others.group(1).split(", ")
        assert "Why these records are one person" in page.text


# ---------------------------------------------------------------- review queue


@pytest.mark.linked
def test_review_queue_is_paged_sorted_and_linked(store: Built, login: Login) -> None:
    total = query(
        store.db,
        "SELECT count(*) FROM review_queue q JOIN sources s USING (source_id) WHERE s.area = ?",
        [HOME],
    )[0][0]
    assert total > 10, "the fixture's queue fits on one page: paging is not exercised"
    client = login(ANALYST)
    default = client.get("/review").text
    assert len(re.findall(r'<tr id="case-([^"]+)">', default)) == min(total, 25)
    first = client.get("/review", params={"size": 10})
    assert first.status_code == 200
    cases = re.findall(r'<tr id="case-([^"]+)">', first.text)
    assert len(cases) == 10
    assert f"of {total}" in first.text and 'id="next-page"' in first.text
    assert "size=10" in first.text  # the pager keeps the page size
    second = client.get("/review", params={"page": 2, "size": 10})
    more = re.findall(r'<tr id="case-([^"]+)">', second.text)
    assert more and not set(more) & set(cases)
    # Sorted by closing date, oldest first: the page's dates ascend.
    by_date = client.get("/review", params={"sort": "closed", "order": "asc"}).text
    dates = re.findall(
        r"<td class=\"nowrap\">(\d{4}-\d{2}-\d{2})</td><td class=\"outcome\">", by_date
    )
    assert dates and dates == sorted(dates)
    # Outcomes in words, not bare numbers.
    outcomes = re.findall(r'<td class="outcome">([^<]*)</td>', first.text)
    assert [o for o in outcomes if o]
    assert all(not o.strip().isdigit() for o in outcomes)
    assert any(":" in o for o in outcomes)
    # Each case links to its page, which links to its people.
    assert f'href="/review/{cases[0]}"' in first.text
    case = client.get(f"/review/{cases[0]}")
    assert case.status_code == 200
    people = re.findall(r'href="/person/([^"]+)"', case.text)
    assert people
    assert client.get(f"/person/{people[0]}").status_code == 200
    assert ("view_review_case", f"case:{cases[0]}", None) in audit_actions(store.db, ANALYST)


@pytest.mark.linked
def test_another_areas_case_page_is_not_found(store: Built, login: Login) -> None:
    away = query(store.db, "SELECT case_id FROM review_queue WHERE area = ? LIMIT 1", [OTHER])
    assert away
    client = login(ANALYST)
    assert client.get(f"/review/{away[0][0]}").status_code == 404
    assert client.get("/review/no-such-case").status_code == 404


# ---------------------------------------------------------------- codes in words


def test_dashboard_shows_ethnicity_in_words_one_row_per_meaning(store: Built, login: Login) -> None:
    page = login(ANALYST).get("/").text
    section = page.split("Ethnicity (self-defined)")[1].split("</table>")[0]
    labels = re.findall(r"<tr><td>([^<]+)</td><td>\d+</td></tr>", section)
    assert labels
    assert len(labels) == len(set(labels)), "a meaning is counted on two rows"
    known = set(load_labels().columns["ethnicity_self_defined"].values()) | {"Not recorded"}
    assert set(labels) <= known, set(labels) - known
    assert "not stated" not in labels and "NS" not in labels
    # Counts still add up to the records.
    counts = [int(n) for n in re.findall(r"<tr><td>[^<]+</td><td>(\d+)</td></tr>", section)]
    held = query(
        store.db,
        "SELECT count(*) FROM current_persons p JOIN sources s USING (source_id) WHERE s.area = ?",
        [HOME],
    )[0][0]
    assert sum(counts) == held


# ---------------------------------------------------------------- error pages


def test_unknown_address_answers_an_html_page(login: Login) -> None:
    client = login(ANALYST)
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and "<nav>" in page.text
    wrong = client.post("/search", data={})
    assert wrong.status_code == 405 and wrong.headers["content-type"].startswith("text/html")
    assert "Not allowed" in wrong.text


def test_json_clients_still_get_json(login: Login) -> None:
    client = login(ANALYST)
    asked = client.get("/no-such-page", headers={"accept": "application/json"})
    assert asked.status_code == 404 and asked.json() == {"detail": "Not Found"}
    by_name = client.get("/no/such/graph.json")
    assert by_name.status_code == 404 and by_name.json() == {"detail": "Not Found"}


def test_signed_out_unknown_address_is_html_without_nav(make_client: object) -> None:
    client = make_client()  # type: ignore[operator]
    page = client.get("/nowhere")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "<nav>" not in page.text


# ---------------------------------------------------------------- readiness


def test_national_sees_readiness_of_every_force(store: Built, login: Login) -> None:
    page = login("national").get("/readiness")
    assert page.status_code == 200
    for area in (HOME, OTHER):
        assert f'id="force-{area}"' in page.text
    ratings = re.findall(r'<span class="rag rag-(\w+)">', page.text)
    assert ratings and set(ratings) <= {"green", "amber", "red", "not_assessed"}
    assert "How it was computed" in page.text
    assert ("view_readiness", "area:all", None) in audit_actions(store.db, "national")


def test_analyst_sees_own_forces_readiness_only(store: Built, login: Login) -> None:
    page = login(ANALYST).get("/readiness", params={"area": OTHER})
    assert page.status_code == 200
    assert f'id="force-{HOME}"' in page.text and f'id="force-{OTHER}"' not in page.text


def test_readiness_is_refused_to_partners_and_admins(login: Login) -> None:
    for user in (f"partner-{HOME}", "admin"):
        assert login(user).get("/readiness").status_code == 403
    assert login("inspector").get("/readiness", params={"area": OTHER}).status_code == 200


def test_a_fault_answers_an_html_page_and_json_to_json_clients(store: Built) -> None:
    import asyncio

    import httpx

    from clearsight.web import create_app

    app = create_app(store.db)

    @app.get("/fault-for-test")
    def fault() -> None:
        raise RuntimeError("a fault for the test")

    async def fetch(accept: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get("/fault-for-test", headers={"accept": accept})

    try:
        page = asyncio.run(fetch("text/html"))
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "Something went wrong" in page.text and "a fault for the test" not in page.text
        asked = asyncio.run(fetch("application/json"))
        assert asked.status_code == 500 and asked.json() == {"detail": "Internal Server Error"}
    finally:
        app.state.store.close()


def test_person_page_shows_codes_in_words(store: Built, login: Login) -> None:
    rows = query(
        store.db,
        "SELECT p.source_id || '/' || p.person_id, p.ethnicity_self_defined, p.sex"
        " FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND p.ethnicity_self_defined IS NOT NULL AND p.sex IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM sealed_records r WHERE r.source_id = p.source_id"
        " AND r.person_id = p.person_id) ORDER BY 1 LIMIT 3",
        [HOME],
    )
    assert rows
    labels = load_labels()
    client = login(ANALYST)
    for entity_id, ethnicity, sex in rows:
        page = client.get(f"/person/{entity_id}").text
        assert f"<td>{labels.label('ethnicity_self_defined', ethnicity)}</td>" in page
        assert f"<td>{labels.label('sex', sex)}</td>" in page
        assert f"<td>{ethnicity}</td>" not in page


def test_a_forged_form_answers_an_html_page(login: Login) -> None:
    client = login(ANALYST)
    out = client.post("/language", data={"text": "no token"})
    assert out.status_code == 403 and out.headers["content-type"].startswith("text/html")
    assert "Form expired or forged" in out.text and "<nav>" in out.text
