"""Command functions for ``clearsight networks``, ``clearsight network ...`` and
``clearsight export networks|network|store``. The main app registers them; errors are
raised as ValueError (one line, non-zero exit through the main entry point)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from clearsight.commandline import DbOption, JsonOption, LimitOption
from clearsight.graph import police_view
from clearsight.store import connect, resolve_db_path

if TYPE_CHECKING:
    from clearsight.exports.viewer import Viewer

out = Console()
err = Console(stderr=True)


network_app = typer.Typer(
    help="Offender networks: list them, or show one with its evidence.", no_args_is_help=True
)


def _open(db: Path | None, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    return connect(resolve_db_path(db), read_only=read_only)


def _require_networks(con: duckdb.DuckDBPyConnection) -> None:
    from clearsight.graph.build import table_exists

    if not table_exists(con, "networks"):
        raise ValueError("no networks in this store; run 'clearsight networks' first")


def networks_command(
    db: DbOption = None,
    settings_path: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="YAML file overriding graph settings by name (see graph/settings.yaml).",
        ),
    ] = None,
) -> None:
    """Build the graph, find offender networks, rank key people and apply the definitions:
    the networks and definitions stages of ``clearsight analyse``."""
    from clearsight import audit
    from clearsight.commandline import cli_actor
    from clearsight.graph import run
    from clearsight.graph.settings import load_graph_settings
    from clearsight.pipeline import analyse

    settings = load_graph_settings(settings_path)
    con = _open(db, read_only=False)
    try:
        summary = run(con, settings)
        # Combining records about people is an s62 "combination", as in ``analyse``.
        audit.record(con, actor=cli_actor(), action="network_run", details=summary.as_dict())
        definitions = next(iter(analyse(con, {"definitions"}, actor=cli_actor()))).summary
    finally:
        con.close()
    out.print(
        f"{summary.entities:,} people, {summary.links:,} person links, "
        f"{summary.involved:,} on the offending side; {summary.networks:,} networks "
        f"({summary.police_only_detectable:,} detectable from police data alone; "
        f"{summary.partner_only:,} visible only through partner records"
        f"{partner_areas_text(summary.partner_only_by_area, summary.partner_only)})."
    )
    table = Table(title="Definitions")
    for heading in ("definition", "meets", "possible"):
        table.add_column(heading)
    for key, meets in definitions.items():
        if key.endswith("_meets"):
            definition_id = key.removesuffix("_meets")
            possible = definitions.get(f"{definition_id}_possible", 0)
            table.add_row(definition_id, f"{meets:,}", f"{possible:,}")
    out.print(table)


def partner_areas_text(counts: dict[str, int], total: int | None = None) -> str:
    """': area n, ...'; where the areas' figures sum to more than ``total`` (a network
    spanning two areas counts in each), it says so."""
    if not counts:
        return ""
    shown = ": " + ", ".join(f"{a} {n:,}" for a, n in counts.items())
    if total is not None and sum(counts.values()) > total:
        shown += "; a network spanning areas counts in each"
    return shown


# The list's natural width; a narrower terminal gets two lines per network instead, so a
# network id (what analysts copy into the next command) is never cut.
LIST_TABLE_WIDTH = 150


def _print_network_blocks(rows: list[dict[str, object]]) -> None:
    for n in rows:
        out.print(str(n["network_id"]), highlight=False, markup=False, soft_wrap=True)
        basis = police_view.short(n)
        # Wrapped at the terminal's width (only the id line is kept whole).
        out.print(
            f"  {n['size']} members, {n['n_victims']} children, {n['first_date']} to "
            f"{n['last_date']}; IICSA {n['iicsa_status']}; {basis}",
            highlight=False,
            markup=False,
        )


@network_app.command("list")
def network_list(
    db: DbOption = None,
    status: Annotated[
        str | None, typer.Option(help="Only this IICSA status: meets, possible, does_not_meet.")
    ] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
    ids: Annotated[bool, typer.Option("--ids", help="Print only network ids, one a line.")] = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="One table row per network, however wide.")
    ] = False,
    partner_only: Annotated[
        bool,
        typer.Option(
            "--partner-only",
            help="Only networks visible only through partner records (police data alone "
            "does not find them).",
        ),
    ] = False,
) -> None:
    """List networks, largest first, with IICSA status and whether police data alone finds it."""
    con = _open(db, read_only=True)
    _require_networks(con)
    sql = (
        "SELECT n.network_id, n.size, n.n_victims, n.first_date, n.last_date, n.sources, "
        "n.detectable_police_only, n.police_only_coverage, n.partner_only, "
        "n.n_intelligence_only, s.iicsa_status, "
        "s.cocad_category FROM networks n JOIN network_status s USING (network_id)"
    )
    params: list[str] = []
    conditions = ["n.partner_only"] if partner_only else []
    if status:
        conditions.append("s.iicsa_status = ?")
        params.append(status)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " ORDER BY n.size DESC, n.network_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if as_json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2))
        return
    if ids:
        for r in rows:
            print(r[0])
        return
    from clearsight.graph.summary import partner_only_by_area

    n_partner_only = int(
        con.execute("SELECT count(*) FROM networks WHERE partner_only").fetchall()[0][0]
    )
    by_area = partner_areas_text(partner_only_by_area(con), n_partner_only)[2:] or "none"
    if not wide and out.width < LIST_TABLE_WIDTH:
        _print_network_blocks([dict(zip(columns, r, strict=True)) for r in rows])
        out.print(
            f"Visible only through partner records, per area: {by_area}",
            highlight=False,
        )
        return
    table = Table(
        title="Networks",
        caption=f"Visible only through partner records, per area: {by_area}",
    )
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r))
    out.print(table)


# The table's natural width; a narrower terminal gets a paragraph per place instead.
HOTSPOT_TABLE_WIDTH = 120


def _print_hotspot_blocks(spots: list[dict[str, object]]) -> None:
    out.print(f"Hotspots: {len(spots)}, where exploitation was recorded first", highlight=False)
    for rank, spot in enumerate(spots, 1):
        name = " ".join(str(spot[c]) for c in ("name", "postcode") if spot[c])
        out.print(
            f"{rank}. {name or spot['location_key']} ({spot['location_type'] or 'place'}): "
            f"{spot['n_children']} children, {spot['n_adults']} adults "
            f"({spot['n_offending_adults']} on the offending side), "
            f"{spot['n_exploitation_events']} exploitation events; "
            f"{spot['first_date']} to {spot['last_date']}",
            highlight=False,
            markup=False,
        )


def _print_hotspot_table(spots: list[dict[str, object]]) -> None:
    table = Table(title=f"Hotspots: {len(spots)}, where exploitation was recorded first")
    # Column, heading in words, kept on one line (postcodes and dates are never broken).
    shown = (
        ("name", "place", False),
        ("postcode", "postcode", True),
        ("location_type", "type", False),
        ("n_children", "children", False),
        ("n_adults", "adults", False),
        ("n_offending_adults", "offending adults", False),
        ("n_exploitation_events", "exploitation events", False),
        ("first_date", "first seen", True),
        ("last_date", "last seen", True),
    )
    for _c, heading, whole in shown:
        table.add_column(heading, no_wrap=whole)
    for spot in spots:
        table.add_row(*("" if spot[c] is None else str(spot[c]) for c, _h, _w in shown))
    out.print(table)


@network_app.command("hotspots")
def network_hotspots(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many places (0: all).")] = 25,
    people: Annotated[bool, typer.Option("--people", help="Also list who was seen, when.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Places where several children and several adults were seen over time (contextual
    safeguarding), with who was seen there, how and when."""
    from clearsight.graph.build import table_exists

    con = _open(db, read_only=True)
    if not table_exists(con, "place_hotspots"):
        raise ValueError("no hotspots in this store; run 'clearsight networks' first")
    from clearsight.graph.places import HOTSPOT_ORDER

    # The top ``limit`` by the graph stage's ranking, not the first rows the table yields.
    sql = f"SELECT * FROM place_hotspots ORDER BY {HOTSPOT_ORDER}" + (
        f" LIMIT {int(limit)}" if limit else ""
    )
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    spots = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    seen: dict[str, list[dict[str, object]]] = {}
    if people or as_json:
        for key, label, child, how, date, source in con.execute(
            "SELECT s.location_key, e.label, s.child, s.how, s.date, s.source_id "
            "FROM place_sightings s JOIN graph_entities e USING (entity_id) "
            "SEMI JOIN place_hotspots h USING (location_key) "
            "ORDER BY s.location_key, s.date NULLS LAST, e.label"
        ).fetchall():
            seen.setdefault(str(key), []).append(
                {"person": label, "child": child, "how": how, "date": date, "source": source}
            )
    con.close()
    if as_json:
        for spot in spots:
            spot["seen"] = seen.get(str(spot["location_key"]), [])
        print(json.dumps(spots, default=str, indent=2))
        return
    if out.width < HOTSPOT_TABLE_WIDTH:
        _print_hotspot_blocks(spots)
    else:
        _print_hotspot_table(spots)
    for spot in spots if people else []:
        out.print(f"{spot['name'] or spot['postcode']}:", highlight=False, markup=False)
        for s in seen.get(str(spot["location_key"]), []):
            who = "child" if s["child"] else "adult"
            out.print(
                f"  {s['date'] or 'undated'}  {s['person']} ({who}): {s['how']} [{s['source']}]",
                highlight=False,
                markup=False,
            )


@network_app.command("duplicates")
def network_duplicates(
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List two-person 'networks' set aside because their two people may be one person.

    Each is a question for linkage review ('clearsight link review'), not a network:
    alike by name and date of birth, or one of them unidentified with nothing but a
    shared child or place between them (``reason``).
    """
    from clearsight.graph.build import table_exists

    con = _open(db, read_only=True)
    _require_networks(con)
    if not table_exists(con, "network_possible_duplicates"):
        raise ValueError("no possible duplicates recorded; run 'clearsight networks' again")
    # A store written before the reason was recorded has no such column.
    reason = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = "
        "'network_possible_duplicates' AND column_name = 'reason'"
    ).fetchall()[0][0]
    cursor = con.execute(
        "SELECT entity_a, entity_b, label_a, label_b, dob_a, dob_b, link_types, "
        f"{'reason' if reason else 'NULL AS reason'}, record_keys "
        "FROM network_possible_duplicates ORDER BY entity_a, entity_b"
    )
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    con.close()
    if as_json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2))
        return
    table = Table(title=f"Possible duplicates set aside from networks: {len(rows)}")
    for c in columns[:8]:
        table.add_column(c)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r[:8]))
    out.print(table)


@network_app.command("show")
def network_show(
    network_id: Annotated[str, typer.Argument(help="A network id from 'network list'.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One network in words: members and why each is there (rules and source records),
    children and who offended against them, places, objects, links with their evidence,
    and every definition's result with the criteria met; beside its places, the people
    tied to them (staff, owners, residents) who are not members: lines of enquiry."""
    from clearsight.graph.build import table_exists

    con = _open(db, read_only=True)
    _require_networks(con)
    document: dict[str, object] = {}
    for name, sql in (
        ("network", "SELECT * FROM networks WHERE network_id = ?"),
        ("members", "SELECT * FROM network_members WHERE network_id = ? ORDER BY key_person_rank"),
        ("victims", "SELECT * FROM network_victims WHERE network_id = ? ORDER BY entity_id"),
        ("locations", "SELECT * FROM network_locations WHERE network_id = ?"),
        ("place_people", "SELECT * FROM network_place_people WHERE network_id = ?"),
        ("objects", "SELECT * FROM network_objects WHERE network_id = ?"),
        ("links", "SELECT * FROM network_links WHERE network_id = ?"),
        (
            "evidence",
            "SELECT * FROM network_evidence WHERE network_id = ? "
            "ORDER BY entity_id, rule_id, source_id",
        ),
        (
            "definitions",
            "SELECT definition_id, definition_version, status, category, criteria, evidence "
            "FROM definition_results WHERE subject_type = 'network' AND subject_id = ? "
            "ORDER BY definition_id",
        ),
    ):
        if name == "place_people" and not table_exists(con, "network_place_people"):
            continue  # a store from before session 38: its networks stage wrote none
        cursor = con.execute(sql, [network_id])
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        for row in rows:
            for key in ("evidence", "criteria"):
                if isinstance(row.get(key), str):
                    row[key] = json.loads(row[key])
        document[name] = rows[0] if name == "network" and rows else rows
    if not document["network"]:
        raise ValueError(f"no network {network_id!r}; see 'clearsight network list'")
    if as_json:
        from dataclasses import asdict

        from clearsight.graph.linked import linked_networks

        document["linked_networks"] = [asdict(n) for n in linked_networks(con, network_id)]
        print(json.dumps(document, default=str, indent=2))
        return
    from clearsight.graph.show import describe

    for line in describe(con, network_id):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


@network_app.command("disrupt")
def network_disrupt(
    network_id: Annotated[str, typer.Argument(help="A network id from 'network list'.")],
    db: DbOption = None,
    top: Annotated[int, typer.Option("--top", help="At most this many people (0: all).")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Disruption what-if: the members whose removal most fragments the network (key-player
    fragmentation and distance-weighted fragmentation, betweenness beside them), each with
    the network left after removal in words, and small greedy sets. Children are never
    ranked. An aid to a decision, never an instruction."""
    from clearsight.graph import disruption

    # Read-only, like 'network show': the store stays usable by a running web app.
    con = _open(db, read_only=True)
    try:
        _require_networks(con)
        found = disruption.from_store(con, network_id)
        name = disruption.names_from(
            {
                str(p): str(label or p)
                for p, label in con.execute(
                    "SELECT entity_id, label FROM graph_entities WHERE list_contains(?, entity_id)",
                    [list(found.people)],
                ).fetchall()
            }
        )
    finally:
        con.close()

    if as_json:
        print(json.dumps(disruption.as_document(found, name, top), default=str, indent=2))
        return
    table = Table(
        title=f"Disruption what-if: {network_id} ({len(found.people)} people, "
        f"{len(found.links)} linked pairs)",
        caption=disruption.NOTE,
    )
    for heading in ("rank", "person", "F after", "DF after", "betweenness (rank)", "why"):
        table.add_column(heading)
    for r in found.ranked[:top] if top else found.ranked:
        df = r.removal.distance_fragmentation
        table.add_row(
            str(r.rank),
            name(r.entity_id),
            f"{r.removal.fragmentation:.2f}",
            "" if df is None else f"{df:.2f}",
            f"{r.betweenness:.1f} ({r.betweenness_rank})",
            disruption.explain(found, r, name),
        )
    out.print(table)
    for s in found.sets:
        out.print(
            f"Set of {len(s.removed)}: " + disruption.describe(found, s, name),
            highlight=False,
            markup=False,
        )
    for entity_id, why in sorted(found.not_ranked.items()):
        out.print(f"Not ranked: {name(entity_id)} ({why}).", highlight=False, markup=False)


CsvOutOption = Annotated[Path, typer.Option("--out", help="CSV file to write.", show_default=False)]


def _write_csv(
    db: Path | None, write: Callable[[duckdb.DuckDBPyConnection, Path], int], out_path: Path
) -> None:
    con = _open(db, read_only=True)
    try:
        n = write(con, out_path)
    finally:
        con.close()
    err.print(f"{n:,} rows written to {out_path}")


def export_networks_command(
    db: DbOption = None, out_path: CsvOutOption = Path("networks.csv")
) -> None:
    """One row per (network, person record): network_id,source_id,person_id,entity_id,role,
    definition_status (the IICSA organised-network status)."""
    from clearsight.exports import write_networks_csv

    _write_csv(db, write_networks_csv, out_path)


def export_incidents_command(
    db: DbOption = None, out_path: CsvOutOption = Path("incidents.csv")
) -> None:
    """Records of one episode held by different agencies, linked into incidents: one row
    per record with the incident id, the record it was linked to, score and explanation."""
    from clearsight.exports import write_incidents_csv

    _write_csv(db, write_incidents_csv, out_path)


def export_network_evidence_command(
    db: DbOption = None, out_path: CsvOutOption = Path("network-evidence.csv")
) -> None:
    """The decision record: network_id, entity_id, rule_id, strength, source_id,
    record_ids, first_date, last_date for every rule and source behind every member."""
    from clearsight.exports import write_network_evidence_csv

    _write_csv(db, write_network_evidence_csv, out_path)


FormatOption = Annotated[
    str, typer.Option("--format", help="anx, graphml, gexf or cyjs (cytoscape.js JSON).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="File to write (default: standard output).")
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Write what this web user may see (their area or agency, pseudonyms for the "
        "rest), byte for byte what the web app exports for them. Default: every record.",
    ),
]


def export_viewer(con: duckdb.DuckDBPyConnection, db_path: Path | None, user: str | None) -> Viewer:
    """The operator's full view, or with ``user`` that user's scope (their role, area or
    agency, and the web app's pseudonym key), as the web app exports it for them."""
    from clearsight.access import Pseudonymiser, load_key, load_principal, visibility
    from clearsight.exports.viewer import (
        ExportError,
        operator_viewer,
        scoped_viewer,
        sealed_records,
    )
    from clearsight.store.sql import table_exists

    if user is None:
        return operator_viewer(con)
    principal = load_principal(con, user) if table_exists(con, "users") else None
    if principal is None:
        raise ExportError(f"no enabled user {user!r}; see 'clearsight users list'")
    return scoped_viewer(
        con,
        lambda s, a: visibility(principal, source_id=s, area=a) == "identified",
        every_network=principal.role == "national",
        pseudonym=Pseudonymiser(load_key(db_path)),
        sealed=sealed_records(con),
    )


def _export(
    db: Path | None,
    out_path: Path | None,
    user: str | None,
    target: str,
    write: Callable[[duckdb.DuckDBPyConnection, Viewer], bytes],
    fmt: str,
) -> None:
    """Write one export and log it as a disclosure, as the web app logs its exports."""
    from clearsight import audit
    from clearsight.commandline import cli_actor

    path = resolve_db_path(db)
    con = connect(path)
    try:
        _require_networks(con)
        data = write(con, export_viewer(con, path, user))
        audit.record(
            con,
            actor=cli_actor(),
            action="export",
            target=target,
            details={"format": fmt, "as_user": user, "bytes": len(data)},
        )
    finally:
        con.close()
    if out_path is None:
        sys.stdout.buffer.write(data)
    else:
        out_path.write_bytes(data)


def export_network_command(
    network_id: Annotated[str, typer.Argument(help="A network id from 'network list'.")],
    fmt: FormatOption = "graphml",
    out_path: OutOption = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """One network as an Analyst's Notebook chart, GraphML, GEXF or cytoscape.js JSON,
    written through the web app's code path (docs/exports.md); audited."""
    from clearsight.exports import export_network

    _export(
        db,
        out_path,
        user,
        f"network:{network_id}",
        lambda con, viewer: export_network(con, network_id, fmt, viewer),
        fmt,
    )


def export_store_command(
    fmt: FormatOption = "graphml",
    out_path: OutOption = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Every network and its evidence as one graph: a person in two networks is one node;
    audited."""
    from clearsight.exports import export_store

    _export(db, out_path, user, "store", lambda con, viewer: export_store(con, fmt, viewer), fmt)
