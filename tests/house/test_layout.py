"""House rules that a reviewer would otherwise check by eye (issue #20).

Known offenders are listed with their size today: a listed one may shrink but never
grow, and must leave the list once it is within the limit, so the list only ever gets
shorter. Anything new over a limit fails at once.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.house import layout

# Over MODULE_LINES today; each to be split (issue #20).
KNOWN_LONG_MODULES: dict[str, int] = {}
# Over FUNCTION_LINES today: one query or one graph build each.
KNOWN_LONG_FUNCTIONS: dict[str, int] = {}
KNOWN_PRIVATE_IMPORTS: set[str] = set()


def _ratchet(found: dict[str, int], known: dict[str, int], limit: int, what: str) -> None:
    new = {k: v for k, v in found.items() if k not in known}
    grown = {k: (known[k], v) for k, v in found.items() if k in known and v > known[k]}
    fixed = sorted(set(known) - set(found))
    assert not new, f"{what} over {limit} lines: {new}"
    assert not grown, f"{what} grew (listed size, now): {grown}"
    assert not fixed, f"now within {limit} lines, remove from the known list: {fixed}"


def test_the_checks_see_the_package() -> None:
    mods = dict(layout.modules())
    assert "clearsight.cli" in mods
    assert len(mods) > 50
    graph = layout.package_graph()
    assert "ingest" in graph["linkage"] or "store" in graph["linkage"]


def test_no_module_over_the_limit() -> None:
    _ratchet(layout.long_modules(), KNOWN_LONG_MODULES, layout.MODULE_LINES, "modules")


def test_no_function_over_the_limit() -> None:
    _ratchet(layout.long_functions(), KNOWN_LONG_FUNCTIONS, layout.FUNCTION_LINES, "functions")


def test_no_package_cycle() -> None:
    assert layout.cycles(layout.package_graph()) == []


def test_no_package_imports_another_packages_private_names() -> None:
    found = set(layout.private_imports())
    assert found <= KNOWN_PRIVATE_IMPORTS, sorted(found - KNOWN_PRIVATE_IMPORTS)
    assert found >= KNOWN_PRIVATE_IMPORTS, "fixed: remove from the known list"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert layout.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert layout.cycles({"a": {"b"}, "b": set()}) == []


def test_no_work_at_import_time() -> None:
    """Importing the CLI hashes no password and loads no engine (Splink, igraph, Spark,
    WeasyPrint, spaCy): counted in a child process by the calls, not by the clock."""
    probe = """
import json, sys
import argon2
calls = []
original = argon2.PasswordHasher.hash
def counting(self, *args, **kwargs):
    calls.append(1)
    return original(self, *args, **kwargs)
argon2.PasswordHasher.hash = counting
import clearsight.cli
engines = ("splink", "igraph", "pyspark", "weasyprint", "spacy")
print(json.dumps({"hashes": len(calls), "engines": [m for m in engines if m in sys.modules]}))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(done.stdout)
    assert seen == {"hashes": 0, "engines": []}
