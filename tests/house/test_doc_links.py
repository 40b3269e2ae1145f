"""Every relative link in the documentation lands somewhere (datasette-style doc test).

For the Markdown files of `docs/`, `benchmarks/`, the top-level README.md and
CHANGELOG.md: a link `[text](path)`, `[text](path#anchor)` or `[text](#anchor)` must name a
file that exists and, with an anchor into a Markdown file, a heading of that file that
GitHub gives that anchor (lower case; punctuation dropped but for hyphens and
underscores; spaces to hyphens; a repeated heading gets -1, -2, ...). Links to http(s),
mailto and other schemes are not followed. Links inside code are not links.

Known broken links are listed as they are today: the list may only get shorter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Known broken links, as (file, link): none today; a new one is a failure to fix.
KNOWN_BROKEN: set[tuple[str, str]] = set()

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def doc_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for folder in ("docs", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.md"))
    return [f for f in files if f.is_file()]


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines outside fenced code blocks, with their numbers."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's Markdown text (without its #s)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = text.replace("`", "")
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)  # _emphasis_
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor the headings of a Markdown file produce, repeats numbered."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in _prose_lines(path.read_text(encoding="utf-8")):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> Iterator[tuple[int, str]]:
    """(line, target) of every inline link; a link's text may run over a line break."""
    text = path.read_text(encoding="utf-8")
    lines = [""] * len(text.splitlines())
    for number, line in _prose_lines(text):
        lines[number - 1] = _CODE_SPAN.sub("", line)
    prose = "\n".join(lines)
    for match in _LINK.finditer(prose):
        yield prose.count("\n", 0, match.start()) + 1, match.group(1)


def broken_links(files: list[Path], root: Path = ROOT) -> dict[tuple[str, str], int]:
    """(file relative to root, target) of every link that does not resolve: its first line."""
    cache: dict[Path, set[str]] = {}
    broken: dict[tuple[str, str], int] = {}
    for source in files:
        for number, target in links(source):
            if not target or _SCHEME.match(target):
                continue
            part, _, anchor = target.partition("#")
            dest = (source.parent / part).resolve() if part else source
            ok = dest.exists()
            if ok and anchor and dest.suffix == ".md":
                if dest not in cache:
                    cache[dest] = anchors(dest)
                ok = anchor in cache[dest]
            if not ok:
                broken.setdefault((source.relative_to(root).as_posix(), target), number)
    return broken


def test_the_slug_rule() -> None:
    assert slug("Session 35: the final code; the 1M store, fixed") == (
        "session-35-the-final-code-the-1m-store-fixed"
    )
    assert slug("fake_1000: a public set held back") == "fake_1000-a-public-set-held-back"
    assert slug("`clearsight --help` and [links](x.md)") == "clearsight---help-and-links"
    assert slug("The model's false flags (session 24)") == "the-models-false-flags-session-24"


def test_repeated_headings_are_numbered(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A\n\n## Notes\n\n```\n## Not a heading\n```\n\n## Notes\n")
    assert anchors(page) == {"a", "notes", "notes-1"}


def test_a_broken_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Part two\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](#page) [ok](other.md#part-two) [ok](other.md) [web](https://x.y/#z)\n"
        "[bad](#nowhere) [bad](other.md#part-three) [bad](missing.md) `[code](#no)`\n"
        "[a link over\ntwo lines](#page-two)\n"
    )
    found = broken_links([page], root=tmp_path)
    assert found == {
        ("page.md", "#nowhere"): 4,
        ("page.md", "other.md#part-three"): 4,
        ("page.md", "missing.md"): 4,
        ("page.md", "#page-two"): 5,
    }


def test_every_relative_link_in_the_docs_resolves() -> None:
    broken = broken_links(doc_files())
    new = sorted(
        f"{file}:{line}: {target}"
        for (file, target), line in broken.items()
        if (file, target) not in KNOWN_BROKEN
    )
    assert not new, "broken links:\n" + "\n".join(new)
    fixed = sorted(KNOWN_BROKEN - set(broken))
    assert not fixed, f"now resolve, remove from the known list: {fixed}"
