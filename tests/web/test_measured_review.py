"""The measured linkage review on the web (``/linkage/review``): an analyst draws a
measurement sample of their area's pairs, decides pairs on the page as ``link decide``
records them, and the decisions are labels ``clearsight link accuracy`` counts; another
area's analyst sees none of those pairs, and every view and action is audited."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app as cli_app
from clearsight.linkage.review import measurement_sample
from clearsight.store import connect
from tests.web.client import Client
from tests.web.conftest import Login, csrf_of
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST, ELSEWHERE = f"analyst-{HOME}", f"analyst-{OTHER}"
PAGE = "/linkage/review"
LABELS = re.compile(r"<td>(\d+) \((\d+) sampled, \d+ same\)</td>")
PAIR = re.compile(r'<tr class="sample-pair" data-left="([^"]+)" data-right="([^"]+)">')


def _sources(db: Path, area: str) -> set[str]:
    rows = query(db, "SELECT source_id FROM sources WHERE area = ?", [area])
    return {str(r[0]) for r in rows}


def _draw(client: Client, size: int, seed: int) -> str:
    """Draw a sample on the page; the page it leads to."""
    token = csrf_of(client)
    out = client.post(
        f"{PAGE}/sample",
        data={"csrf": token, "size": str(size), "seed": str(seed)},
        follow_redirects=False,
    )
    assert out.status_code == 303, out.text
    return str(out.headers["location"])


def _shown_pairs(text: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in PAIR.findall(text)]


def test_page_shows_the_drawn_sample_with_its_seed_and_explanation(
    store: Built, login: Login
) -> None:
    client = login(ANALYST)
    before = client.get(PAGE)
    assert before.status_code == 200 and "No sample drawn yet" in before.text
    page = client.get(_draw(client, 10, 7))
    assert "seed 7" in page.text
    pairs = _shown_pairs(page.text)
    assert pairs, "the sample drew no pair of the home area"
    home = _sources(store.db, HOME)
    assert all(a.split(":")[0] in home and b.split(":")[0] in home for a, b in pairs)
    assert "sampled for measurement (" in page.text and "<th>Comparison</th>" in page.text
    stored = query(store.db, "SELECT DISTINCT seed FROM link_review_samples ORDER BY 1")
    assert stored == [(7,)]
    drawn_keys = {
        (str(a), str(b))
        for a, b in query(store.db, "SELECT record_key_l, record_key_r FROM link_review_samples")
    }
    assert set(pairs) <= drawn_keys
    # The same seed draws the same pairs: nothing new is stored.
    _draw(client, 10, 7)
    assert query(store.db, "SELECT count(*) FROM link_review_samples")[0][0] == len(drawn_keys)
    # Only the home area's sources were drawn from.
    assert all(a.split(":")[0] in home and b.split(":")[0] in home for a, b in drawn_keys)
    # The figures and the flags are on the page too.
    assert 'id="accuracy"' in page.text and 'id="flagged"' in page.text


def test_a_decision_on_the_web_is_a_label_link_accuracy_counts(store: Built, login: Login) -> None:
    client = login(ANALYST)
    page = client.get(_draw(client, 10, 3))
    pairs = _shown_pairs(page.text)
    assert len(pairs) >= 2
    token = csrf_of(client)
    reason = "Same date of birth and address; checked the custody record"
    answers = {pairs[0]: "same", pairs[1]: "not_same"}
    for (left, right), answer in answers.items():
        out = client.post(
            f"{PAGE}/decide",
            data={
                "csrf": token,
                "left": left,
                "right": right,
                "decision": answer,
                "reason": reason,
            },
            follow_redirects=False,
        )
        assert out.status_code == 303, out.text
    after = client.get(out.headers["location"])
    assert "Decision recorded" in after.text
    assert not set(answers) & set(_shown_pairs(after.text))
    # The figures were measured before the decisions: the page says so until refreshed.
    assert 'id="figures-stale"' in after.text
    fresh = client.get(PAGE, params={"refresh": "true"})
    assert 'id="figures-stale"' not in fresh.text
    labels = [(int(n), int(k)) for n, k in LABELS.findall(fresh.text)]
    assert sum(n for n, _k in labels) == 2 and sum(k for _n, k in labels) == 2
    assert "too few labels (" in fresh.text
    recorded = query(
        store.db,
        "SELECT record_key_l, record_key_r, decision, decided_by, reason FROM link_decisions"
        " ORDER BY decided_at",
    )
    assert recorded == [
        (left, right, "accept" if answer == "same" else "reject", ANALYST, reason)
        for (left, right), answer in answers.items()
    ]
    actions = audit_actions(store.db, ANALYST)
    assert ("link_decision", f"pair:{pairs[0][0]}|{pairs[0][1]}", reason) in actions
    # ``clearsight link accuracy`` counts both as labels drawn for measurement.
    done = CliRunner().invoke(cli_app, ["link", "accuracy", "--db", str(store.db), "--json"])
    assert done.exit_code == 0, done.output
    figures = json.loads(done.output)
    assert sum(r["labelled"] for r in figures) == 2
    assert sum(r["sampled"] for r in figures) == 2
    assert sum(r["accepted"] for r in figures) == 1


def test_a_bad_decision_is_refused_and_records_nothing(store: Built, login: Login) -> None:
    client = login(ANALYST)
    page = client.get(_draw(client, 5, 5))
    left, right = _shown_pairs(page.text)[0]
    token = csrf_of(client)
    short = client.post(
        f"{PAGE}/decide",
        data={"csrf": token, "left": left, "right": right, "decision": "same", "reason": "ok"},
    )
    assert short.status_code == 400 and "at least 10 characters" in short.text
    no_token = client.post(
        f"{PAGE}/decide",
        data={"left": left, "right": right, "decision": "same", "reason": "a long reason"},
    )
    assert no_token.status_code == 403
    bad_size = client.post(f"{PAGE}/sample", data={"csrf": token, "size": "0", "seed": "1"})
    assert bad_size.status_code == 400
    assert query(store.db, "SELECT count(*) FROM link_decisions")[0][0] == 0


def test_another_area_sees_none_of_the_first_areas_pairs(store: Built, login: Login) -> None:
    home_client = login(ANALYST)
    page = home_client.get(_draw(home_client, 20, 9))
    home_pairs = _shown_pairs(page.text)
    assert home_pairs
    # The whole store's sample too, as ``clearsight link review --sample`` draws it.
    con = connect(store.db)
    try:
        whole = measurement_sample(con, 20, 9)
    finally:
        con.close()
    assert whole.pairs
    # Drawn alone per pair of sources: the area's draw is the whole store's, for its pairs.
    home = _sources(store.db, HOME)
    whole_home = {
        (p.record_key_l, p.record_key_r)
        for p in whole.pairs
        if p.record_key_l.split(":")[0] in home and p.record_key_r.split(":")[0] in home
    }
    assert whole_home == set(home_pairs)
    away = login(ELSEWHERE)
    seen = away.get(PAGE)
    assert seen.status_code == 200
    shown = _shown_pairs(seen.text)
    assert shown, "the other area's analyst sees no pair of their own"
    assert not [p for p in shown if p[0].split(":")[0] in home or p[1].split(":")[0] in home]
    for left, right in home_pairs:
        assert left not in seen.text and right not in seen.text
    assert not [s for s in home if f"{s} /" in seen.text or f"/ {s}<" in seen.text]
    # Nor may they decide one.
    left, right = home_pairs[0]
    out = away.post(
        f"{PAGE}/decide",
        data={
            "csrf": csrf_of(away),
            "left": left,
            "right": right,
            "decision": "same",
            "reason": "trying a pair of another area",
        },
    )
    assert out.status_code == 404
    assert query(store.db, "SELECT count(*) FROM link_decisions")[0][0] == 0


def test_the_page_is_audited_and_for_analysts_only(store: Built, login: Login) -> None:
    client = login(ANALYST)
    client.get(_draw(client, 5, 11))
    actions = [a for a, _t, _r in audit_actions(store.db, ANALYST)]
    assert "draw_link_sample" in actions and "view_linkage_review" in actions
    details = query(
        store.db,
        "SELECT details FROM audit_log WHERE actor = ? AND action = 'view_linkage_review'"
        " ORDER BY seq DESC LIMIT 1",
        [ANALYST],
    )
    assert details and json.loads(str(details[0][0]))["pairs"]
    partner = [name for name in store.passwords if name.startswith("partner")]
    assert partner
    assert login(partner[0]).get(PAGE).status_code == 403


def _merge(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """Analysts' decisions chaining ``keys`` into one person (must-links)."""
    from clearsight.linkage.review import decide

    for left, right in itertools.pairwise(keys):
        decide(con, left, right, accept=True, reason="test: one person", by="test")


def test_flagged_entities_are_those_with_a_record_of_the_area(store: Built, login: Login) -> None:
    """Two entities flagged by construction (three records of one source each, joined by
    analysts' must-links and a re-run with the stored model): one holding a home record,
    one of the other area only. The home analyst sees the first, its other records counted
    and their source not named, and not the second."""
    from clearsight.linkage import run

    def records(area: str, n: int) -> list[str]:
        rows = query(
            store.db,
            "SELECT p.source_id || ':' || p.person_id FROM current_persons p"
            " JOIN sources s USING (source_id) WHERE s.area = ? AND s.agency_type = 'police'"
            " ORDER BY p.source_id, p.person_id LIMIT ?",
            [area, n],
        )
        assert len(rows) == n
        return [str(r[0]) for r in rows]

    home_key = records(HOME, 1)[0]
    away = records(OTHER, 6)
    away_source = away[0].split(":")[0]
    con = connect(store.db)
    try:
        _merge(con, [home_key, *away[:3]])
        _merge(con, away[3:])
        model = con.execute(
            "SELECT model_json FROM link_runs WHERE status = 'finished' ORDER BY run_id DESC"
        ).fetchall()[0][0]
        run(con, model_json=str(model))
    finally:
        con.close()
    entity_of = {
        str(k): str(e)
        for k, e in query(
            store.db,
            "SELECT record_key, entity_id FROM person_entities WHERE list_contains(?, record_key)",
            [[home_key, away[0], away[3]]],
        )
    }
    mixed, other_only = entity_of[home_key], entity_of[away[3]]
    assert entity_of[away[0]] == mixed != other_only
    page = login(ANALYST).get(PAGE).text
    shown = set(re.findall(r'<tr id="flagged-([^"]+)">', page))
    assert mixed in shown and other_only not in shown
    row = page[page.index(f'<tr id="flagged-{mixed}">') :].split("</tr>")[0]
    assert "outside your area" in row and away_source not in row
    areas = {
        str(e): bool(home)
        for e, home in query(
            store.db,
            "SELECT pe.entity_id, bool_or(s.area = ?) FROM person_entities pe"
            " JOIN sources s USING (source_id) WHERE list_contains(?, pe.entity_id) GROUP BY 1",
            [HOME, sorted(shown)],
        )
    }
    assert all(areas[e] for e in shown)
    elsewhere = login(ELSEWHERE).get(PAGE).text
    assert f'<tr id="flagged-{other_only}">' in elsewhere
