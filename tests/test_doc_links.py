"""Every relative link of what users read resolves: README.md, docs/**/*.md and
bench/RESULTS.md. A link names a file that exists (in the clone) and, with `#anchor`, a
heading of that file, as GitHub makes anchors of headings. docs/index.md lists every page
of docs/. Links inside fenced code are code, not links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", ROOT / "bench" / "RESULTS.md", *DOCS.rglob("*.md")])
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.S | re.M)
LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6} (.+?)\s*#*\s*$", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def prose(text: str) -> str:
    """The text without its fenced code blocks."""
    return FENCE.sub("", text)


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of `path` (a repeated one gets -1, -2, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for title in HEADING.findall(prose(path.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", title.replace("`", "")).strip().lower().replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(path.read_text(encoding="utf-8")))
        if not EXTERNAL.match(target)
    ]


def broken(path: Path) -> list[str]:
    """The links of `path` that name no file, or no heading of their file."""
    wrong = []
    for target in links(path):
        name, _, anchor = target.partition("#")
        linked = (path.parent / name).resolve() if name else path
        if not linked.exists() or (name and not linked.is_relative_to(ROOT)):
            wrong.append(f"{target}: no such file in the clone")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            wrong.append(f"{target}: no such heading in {linked.name}")
    return wrong


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken(path) == []


def test_the_index_lists_every_page() -> None:
    index = DOCS / "index.md"
    listed = {(index.parent / link.partition("#")[0]).resolve() for link in links(index)}
    pages = {page.resolve() for page in DOCS.rglob("*.md")} - {index.resolve()}
    assert sorted(str(page.relative_to(ROOT)) for page in pages - listed) == []


def test_the_checker_finds_a_broken_file_and_a_broken_anchor(tmp_path: Path) -> None:
    # The checker itself can fail: a page with one good link of each kind and one bad.
    page = ROOT / "docs" / "index.md"
    sample = tmp_path / "sample.md"
    sample.write_text(
        f"# Title `code`\n\n## Again\n\n## Again\n\n[ok](#title-code) [ok](#again-1)\n"
        f"[ok]({page}) [bad](missing.md) [bad](#nowhere)\n```\n[code](not-a-link.md)\n```\n",
        encoding="utf-8",
    )
    assert links(sample) == ["#title-code", "#again-1", str(page), "missing.md", "#nowhere"]
    assert anchors(sample) == {"title-code", "again", "again-1"}
    assert [entry.split(":")[0] for entry in broken(sample)] == ["missing.md", "#nowhere"]
