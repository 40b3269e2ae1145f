"""The link chart's screenshot for the docs, and its layout measured (not a test).

Builds a synthetic store with linkage and networks (or takes ``--db``), serves it on
loopback, signs in as an analyst in Chromium (Playwright, Debian's ``/usr/bin/chromium``),
opens the link chart of the network with the most items that analyst may see, expands the
best-connected items until the chart shows ``--items`` items (or nothing is left to
expand), checks from cytoscape's label bounding boxes that no two labels overlap, and
saves the chart and its legend as a PNG. Prints what it measured as JSON.

    .venv/bin/python benchmarks/link_chart.py --out docs/img/link-chart.png

Exits 1 when two labels overlap: the picture must not show what the chart promises not to.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

AREAS = ("west-yorkshire", "greater-manchester")
BOXES = """() => window.csChartView.shown().nodes().map(n => {
  const b = n.boundingBox({includeLabels: true, includeOverlays: false});
  return [n.id(), b.x1, b.y1, b.x2, b.y2];
})"""


def build(root: Path, scale: float, seed: int) -> tuple[Path, dict[str, str]]:
    """Synth, ingest, linkage, networks and definitions, then the demo users."""
    from clearsight import graph, linkage
    from clearsight.access import create_demo_users
    from clearsight.definitions import evaluate_all
    from clearsight.ingest import ingest
    from clearsight.store import connect
    from clearsight.synth import generate

    data = root / "data"
    generate(data, list(AREAS), scale=scale, seed=seed)
    db = root / "store.duckdb"
    con = connect(db)
    for folder in sorted((data / "submissions").iterdir()):
        ingest(con, folder)
    linkage.run(con)
    graph.run(con)
    evaluate_all(con)
    users = create_demo_users(con)
    con.close()
    return db, {name: password for name, _role, _area, password in users}


def largest_chart(db: Path, area: str) -> tuple[str, int]:
    """The network whose chart has the most items the area's analyst may see."""
    from clearsight.access import Principal, Pseudonymiser, load_key
    from clearsight.web import chart, network_view, queries, serving

    con = duckdb.connect(str(db), read_only=True)
    try:
        principal = Principal(name=f"analyst-{area}", role="analyst", area=area)
        pseudonym = Pseudonymiser(load_key(db))
        sources = queries.read_sources(con)
        best = ("", 0)
        found = con.execute("SELECT network_id FROM networks ORDER BY size DESC LIMIT 20")
        for (network_id,) in found.fetchall():
            doc = serving.NetworkCache().get(con, str(network_id))
            view = network_view.network_view(doc, principal, pseudonym, frozenset())
            if view is None:
                continue
            items = len(chart.chart_graph(con, view, principal, pseudonym, sources).nodes)
            if items > best[1]:
                best = (str(network_id), items)
        return best
    finally:
        con.close()


# Twenty requests one after another from the page: the median and the slowest, in ms.
TIMED = """async url => {
  const took = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    const r = await fetch(url, {credentials: 'same-origin'});
    await r.json();
    took.push(performance.now() - start);
  }
  took.sort((a, b) => a - b);
  return {p50: Math.round(took[10]), max: Math.round(took[19])};
}"""


def busiest(pg: Any) -> str:
    found: str = pg.evaluate(
        "() => encodeURIComponent(window.csChart.nodes().max(n => n.data('degree')).ele.id())"
    )
    return found


def overlaps(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def serve(db: Path) -> tuple[str, Any, threading.Thread, Any]:
    import uvicorn

    from clearsight.web import create_app

    app = create_app(db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread, app


def shoot(
    base: str, analyst: str, password: str, network: str, items: int, out: Path
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        pg = browser.new_page(viewport={"width": 1600, "height": 1400}, device_scale_factor=1)
        pg.goto(f"{base}/login")
        pg.fill("#username", analyst)
        pg.fill("#password", password)
        pg.click("#login")
        pg.wait_for_selector("text=Dashboard")
        pg.goto(f"{base}/network/{network}/chart")
        pg.wait_for_selector("#chart[data-state=ready]", timeout=60000)
        opened = int(pg.get_attribute("#chart", "data-rendered") or 0)
        expansions = 0
        while int(pg.get_attribute("#chart", "data-rendered") or 0) < items:
            left = pg.evaluate(
                "() => window.csChart.nodes('.expandable').sort((a, b) =>"
                " b.data('degree') - a.data('degree')).map(n => n.id())"
            )
            if not left:
                break
            pg.evaluate(
                "id => window.csChartView.expand(window.csChart.getElementById(id))", left[0]
            )
            pg.wait_for_selector("#chart[data-state=ready]", timeout=60000)
            expansions += 1
        # One layout of the whole chart from scratch, as "Lay out again" would, timed.
        pg.evaluate("() => window.csChartView.layout(true)")
        pg.wait_for_selector("#chart[data-state=ready]", timeout=60000)
        boxes = pg.evaluate(BOXES)
        edges = pg.evaluate("() => window.csChartView.shown().edges().length")
        layout_ms = int(pg.get_attribute("#chart", "data-layout-ms") or 0)
        separate_ms = int(pg.get_attribute("#chart", "data-separate-ms") or 0)
        pg.locator("section.chartbox").screenshot(path=str(out))
        timings = {
            name: pg.evaluate(TIMED, url)
            for name, url in (
                ("chart_json_ms", f"/network/{network}/chart.json"),
                ("expand_ms", f"/network/{network}/chart/expand?node=" + busiest(pg)),
            )
        }
        browser.close()
    return {
        "network": network,
        "items_opened": opened,
        "items": len(boxes),
        "links": edges,
        "expansions": expansions,
        "layout_ms": layout_ms,
        "of_which_label_separation_ms": separate_ms,
        "label_overlaps": len(overlaps(boxes)),
        **timings,
        "screenshot": str(out),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img/link-chart.png"))
    parser.add_argument("--db", type=Path, help="an existing store (else one is built)")
    parser.add_argument("--area", choices=AREAS, default="greater-manchester")
    parser.add_argument("--password", help="the area analyst's password, with --db")
    # Defaults: a store whose largest network charts to about 60 items for that analyst
    # (the chart measured in benchmarks/README.md).
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    analyst = f"analyst-{args.area}"
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            db, password = args.db, args.password
            if not password:
                parser.error("--db needs --password")
        else:
            db, passwords = build(Path(tmp), args.scale, args.seed)
            password = passwords[analyst]
        network, available = largest_chart(db, args.area)
        if not network:
            print("no network the analyst may see", file=sys.stderr)
            return 1
        base, server, thread, app = serve(db)
        try:
            result = shoot(base, analyst, password, network, args.items, args.out)
        finally:
            server.should_exit = True
            thread.join(10)
            app.state.store.close()
    result["items_available"] = available
    print(json.dumps(result, indent=2))
    return 1 if result["label_overlaps"] else 0


if __name__ == "__main__":
    sys.exit(main())
