"""Run the whole product path on a store: the real CLI in-process (Typer's runner, the
same entry point as ``clearsight``) and the web app's pages through its ASGI app."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from clearsight import cli
from clearsight.cli import app


@dataclass(frozen=True)
class Ran:
    args: list[str]
    code: int
    out: str
    err: str
    crash: str | None  # a Python traceback, when the command raised

    @property
    def ok(self) -> bool:
        return self.code == 0 and self.crash is None and "Traceback" not in self.err


def run(db: Path, *args: str, stdin: str | None = None) -> Ran:
    argv = [*args, "--db", str(db)]
    result = CliRunner().invoke(app, argv, input=stdin, env={"COLUMNS": "120"})
    crash, code, err = None, result.exit_code, result.stderr
    exc = result.exception
    if isinstance(exc, cli.USER_ERRORS):
        # What main() does with a user error: one line on stderr, exit 2.
        code, err = 2, err + f"error: {exc}\n"
    elif exc is not None and not isinstance(exc, SystemExit):
        crash = "".join(traceback.format_exception(exc))
    return Ran(argv, code, result.stdout, err, crash)


def export_commands(out: Path, network: str | None) -> dict[str, list[str]]:
    """Every export and report command of docs/cli.md that writes a file (the PDF apart:
    it is slow, and run once), by label."""
    key = out / "federation.key"
    commands = {
        "export entities": ["export", "entities", "--out", str(out / "entities.csv")],
        "export networks": ["export", "networks", "--out", str(out / "networks.csv")],
        "export incidents": ["export", "incidents", "--out", str(out / "incidents.csv")],
        "export network-evidence": [
            *("export", "network-evidence", "--out", str(out / "evidence.csv")),
        ],
        "export beaconport": ["export", "beaconport", "--out", str(out / "beaconport.csv")],
        "report national": ["report", "--national", "--out", str(out / "report-national")],
        "return": ["return", "--out", str(out / "return")],
        "return published": ["return", "--published", "--out", str(out / "return-published")],
        "quarantine csv": [
            *("quarantine", "list", "--all", "--limit", "0", "--csv", str(out / "q.csv")),
        ],
        "federate export": [
            *("federate", "export", "--out", str(out / "extract.json"), "--key-file", str(key)),
        ],
    }
    for fmt in ("anx", "graphml", "gexf", "cyjs"):
        commands[f"export store {fmt}"] = [
            *("export", "store", "--format", fmt, "--out", str(out / f"store.{fmt}")),
        ]
        commands[f"export network {fmt}"] = [
            *("export", "network", network or "?", "--format", fmt),
            *("--out", str(out / f"network.{fmt}")),
        ]
    return commands


EXPORT_LABELS = [
    *("export entities", "export networks", "export incidents", "export network-evidence"),
    *("export beaconport", "report national", "return", "return published", "quarantine csv"),
    "federate export",
    *(f"export store {fmt}" for fmt in ("anx", "graphml", "gexf", "cyjs")),
    *(f"export network {fmt}" for fmt in ("anx", "graphml", "gexf", "cyjs")),
]


def prepare(out: Path) -> Path:
    """The folder the exports write to, with a federation key (48 bytes) beside them."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "federation.key").write_bytes(b"robustness-sweep-federation-key-" + b"k" * 16)
    return out


def written_by(command: list[str]) -> Path:
    flag = "--csv" if "--csv" in command else "--out"
    return Path(command[command.index(flag) + 1])


def listing_commands(
    network: str | None, entity: str | None, *, language: bool = True
) -> list[list[str]]:
    commands = [
        ["status", "--json"],
        ["batches", "--json"],
        ["quarantine", "list", "--limit", "0", "--json"],
        ["quarantine", "warnings", "--json"],
        ["network", "list", "--limit", "0", "--json"],
        ["network", "duplicates", "--json"],
        ["network", "hotspots", "--people", "--json"],
        ["stats", "show", "--json"],
        ["stats", "show", "--published"],
        ["stats", "quality", "--json"],
        ["stats", "timeliness", "--open", "--json"],
        ["review", "list", "--all", "--json"],
        ["review", "flags", "--json"],
        ["review", "flag-agreement", "--json"],
        ["language", "findings", "--json"],
        ["alerts", "list"],
        ["link", "review", "--limit", "5"],
        ["link", "accuracy", "--json"],
        *([["language", "scan"]] if language else []),
        ["review", "screen"],
        ["alerts", "digest", "--json"],
    ]
    if network is not None:
        commands += [
            ["network", "show", network],
            ["network", "show", network, "--json"],
            ["network", "disrupt", network, "--json"],
            ["network", "disrupt", network],
        ]
    if entity is not None:
        commands += [["entity", "show", entity], ["entity", "show", entity, "--json"]]
    return commands


def first_network(db: Path) -> str | None:
    listed = run(db, "network", "list", "--ids", "--limit", "1")
    ids = listed.out.split()
    return ids[0] if listed.ok and ids else None


def entity_ids(db: Path) -> list[str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT entity_id FROM person_entities ORDER BY 1").fetchall()
    finally:
        con.close()
    return [str(r[0]) for r in rows]


def summary(ran: Ran) -> str:
    return f"{' '.join(ran.args)} -> {ran.code}\n{ran.err[-2000:]}\n{ran.crash or ''}"


def as_json(ran: Ran) -> object:
    return json.loads(ran.out)


# Markup the hostile_text case puts in names, addresses and narratives: never sent raw.
MARKUP = ("<script>alert", "<img src=x", "<b>Walsh", "<i>platform")


@dataclass(frozen=True)
class Page:
    user: str
    url: str
    status: int
    crash: str | None
    raw_markup: bool = False


def walk_pages(db: Path) -> list[Page]:
    """Log in as each analyst and the national user and open the main pages: home, the
    lists, each person of the analyst's area and each network they may see, with their
    timelines, charts and disruption pages, and a search by each surname."""
    from clearsight.access import create_demo_users
    from clearsight.store import connect
    from clearsight.web import WebSettings, create_app
    from tests.web.client import Client
    from tests.web.conftest import do_login

    con = connect(db)
    try:
        users = create_demo_users(con)
        entities = con.execute(
            "SELECT DISTINCT pe.entity_id, s.area, p.surname FROM person_entities pe "
            "JOIN current_persons p ON p.source_id || ':' || p.person_id = pe.record_key "
            "JOIN sources s ON s.source_id = p.source_id ORDER BY 1"
        ).fetchall()
        # A store where linkage stopped (nothing linkable) never reached the networks stage.
        analysed = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'networks'"
        ).fetchall()[0][0]
        networks = (
            con.execute("SELECT network_id, areas FROM networks ORDER BY 1").fetchall()
            if analysed
            else []
        )
    finally:
        con.close()
    app_ = create_app(db, WebSettings())
    pages: list[Page] = []
    try:
        for name, role, area, password in users:
            if role not in ("analyst", "national"):
                continue
            with Client(app_) as client:
                assert do_login(client, name, password) == 303, name
                urls = ["/", "/networks", "/data", "/places", "/charts", "/readiness"]
                for entity, entity_area, surname in entities:
                    if role == "analyst" and entity_area == area:
                        urls += [f"/person/{entity}", f"/timeline/person/{entity}"]
                        if surname:
                            urls.append(f"/search?field=name&q={surname}")
                for network, areas in networks:
                    if role == "national" or area in areas:
                        urls += [f"/network/{network}", f"/network/{network}/graph.json"]
                        urls += [f"/network/{network}/chart.json"]
                        urls += [f"/network/{network}/disrupt", f"/timeline/network/{network}"]
                pages += [_open(client, name, url) for url in dict.fromkeys(urls)]
    finally:
        app_.state.store.close()
    return pages


def _open(client: object, user: str, url: str) -> Page:
    try:
        response = client.get(url)  # type: ignore[attr-defined]
    except Exception as exc:  # the app raised: that is the finding
        return Page(user, url, 500, "".join(traceback.format_exception(exc)))
    raw = any(m in response.text for m in MARKUP)
    return Page(user, url, int(response.status_code), None, raw)
