"""Users, passwords and the policy, without the web layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearsight.access import (
    AccessError,
    LoginRefused,
    Principal,
    Pseudonymiser,
    add_user,
    allowed,
    list_users,
    login,
    record_filter,
    visibility,
)
from clearsight.access.cli import users_app
from clearsight.access.passwords import hash_password, verify_password
from clearsight.audit import entries, verify
from clearsight.store import connect


def test_argon2id() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong")
    assert not verify_password(None, "anything")


def test_cli_add_list_disable(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    added = runner.invoke(
        users_app,
        [
            "add",
            "jo",
            "--role",
            "analyst",
            "--area",
            "west-yorkshire",
            "--password-stdin",
            "--db",
            str(db),
        ],
        input="a-long-enough-password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(users_app, ["list", "--db", str(db)])
    assert "jo\tanalyst\twest-yorkshire\tenabled" in listed.output
    no_area = runner.invoke(
        users_app,
        ["add", "al", "--role", "analyst", "--password-stdin", "--db", str(db)],
        input="a-long-enough-password\n",
    )
    assert no_area.exit_code == 2 and "needs --area" in no_area.output
    weak = runner.invoke(
        users_app,
        ["add", "al", "--role", "national", "--password-stdin", "--db", str(db)],
        input="short\n",
    )
    assert weak.exit_code == 2 and "at least 12" in weak.output
    assert runner.invoke(users_app, ["disable", "jo", "--db", str(db)]).exit_code == 0
    assert "disabled" in runner.invoke(users_app, ["list", "--db", str(db)]).output
    missing = runner.invoke(users_app, ["disable", "nobody", "--db", str(db)])
    assert missing.exit_code == 2 and missing.output.count("\n") == 1
    con = connect(db)
    assert [e.action for e in entries(con)] == ["user_add", "user_disable"]
    assert verify(con).ok


def test_add_user_rules(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    with pytest.raises(AccessError, match="unknown role"):
        add_user(con, "a", role="god", password="a-long-enough-password")
    with pytest.raises(AccessError, match="--source"):
        add_user(con, "a", role="partner", area="x", password="a-long-enough-password")
    with pytest.raises(AccessError, match="drop --area"):
        add_user(con, "a", role="national", area="x", password="a-long-enough-password")
    add_user(con, "a", role="inspector", password="a-long-enough-password")
    with pytest.raises(AccessError, match="already exists"):
        add_user(con, "a", role="inspector", password="a-long-enough-password")
    assert [u.name for u in list_users(con)] == ["a"]
    assert "$argon2id$" in str(con.execute("SELECT password_hash FROM users").fetchall())


def test_login_audits_outcomes(tmp_path: Path) -> None:
    from clearsight.access import LoginRefused

    con = connect(tmp_path / "s.duckdb")
    add_user(con, "a", role="inspector", password="a-long-enough-password")
    session = login(con, "a", "a-long-enough-password")
    assert len(session.token) >= 22 and session.principal.role == "inspector"
    with pytest.raises(LoginRefused):
        login(con, "a", "nope-nope-nope")
    assert [e.action for e in entries(con)][-2:] == ["login", "login_failed"]


def test_policy_deny_by_default() -> None:
    analyst = Principal("a", "analyst", area="x")
    partner = Principal("p", "partner", area="x", source_id="s1", sources=frozenset({"s1"}))
    national = Principal("n", "national")
    inspector = Principal("i", "inspector")
    admin = Principal("ad", "admin")
    assert visibility(analyst, source_id="s9", area="x") == "identified"
    assert visibility(analyst, source_id="s9", area="y") == "hidden"
    assert visibility(partner, source_id="s1", area="x") == "identified"
    assert visibility(partner, source_id="s2", area="x") == "hidden"
    assert visibility(national, source_id="s1", area="x") == "pseudonymised"
    assert visibility(inspector, source_id="s1", area="x") == "hidden"
    assert visibility(admin, source_id="s1", area="x") == "hidden"
    assert not allowed(None, "dashboard")
    assert not allowed(admin, "person") and not allowed(inspector, "search")
    assert not allowed(analyst, "nonsense")  # type: ignore[arg-type]
    assert record_filter(national) == ("false", [])
    assert record_filter(Principal("b", "analyst")) == ("false", [])


def test_pseudonyms() -> None:
    p = Pseudonymiser(b"k" * 32)
    q = Pseudonymiser(b"j" * 32)
    assert p("entity", "E1") == p("entity", "E1") != q("entity", "E1")
    assert p("entity", "E1") != p("entity", "E2")
    assert p("entity", "E1").startswith("PX-")


def test_reset_password_prints_once_ends_sessions_and_is_audited(tmp_path: Path) -> None:
    from clearsight.access import SessionPolicy, create_demo_users, resume
    from clearsight.cli import app

    db = tmp_path / "r.duckdb"
    con = connect(db)
    add_user(con, "carol", role="inspector", password="first-password-ok")
    session = login(con, "carol", "first-password-ok")
    con.close()
    result = CliRunner().invoke(app, ["users", "reset-password", "carol", "--db", str(db)])
    assert result.exit_code == 0, result.output
    new = result.output.strip().splitlines()[-1]
    assert len(new) >= 20
    con = connect(db)
    assert resume(con, session.token, SessionPolicy()) is None
    with pytest.raises(LoginRefused):
        login(con, "carol", "first-password-ok", client="192.0.2.1")
    assert login(con, "carol", new, client="192.0.2.2").principal.name == "carol"
    audit_rows = [e for e in entries(con) if e.action == "user_password"]
    assert audit_rows and audit_rows[0].target == "user:carol"
    assert new not in json.dumps([e.as_json() for e in entries(con)])
    # Demo users: lost passwords are recovered with --reset.
    assert create_demo_users(con) != []
    assert create_demo_users(con) == []
    again = create_demo_users(con, reset=True)
    assert again and all(len(p) >= 20 for _n, _r, _a, p in again)
    name, _role, _area, password = again[0]
    assert login(con, name, password).principal.name == name
    con.close()
    missing = CliRunner().invoke(app, ["users", "reset-password", "nobody", "--db", str(db)])
    assert missing.exit_code == 2 and "no user" in missing.output
