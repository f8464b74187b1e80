"""The project's documentation resolves: every "physics.md §x.y" cited anywhere is a heading of
docs/physics.md, and every docs/<file>.md named in the code exists.

Docstrings, config comments, schema descriptions and artifact ``long_name`` attributes cite
sections of docs/physics.md; a user who follows such a citation must land on that section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO

DOCS = REPO / "docs"
#: Where citations live: the package, rules, scripts, schema, config, tests, benchmarks, docs.
SEARCHED = ("workflow", "config", "tests", "benchmarks", "resources", "docs")
SUFFIXES = {".py", ".smk", ".yaml", ".yml", ".md", ".cff", ".toml"}

_NUM = r"\d+(?:\.\d+)?"
_RANGE = rf"{_NUM}(?:\s*[-–]\s*{_NUM})?"
#: "physics.md §3.2-3.5", "physics.md §3, §4.1", "``docs/physics.md`` section 2",
#: "physics.md\n#: §1.1" (a citation broken over two comment lines), "physics.md 4.3".
CITATION = re.compile(
    rf"physics\.md`{{0,2}}(?:[\s#]*:?\s*(?:§\s*|sections?\s+)(?P<refs>{_RANGE}"
    rf"(?:\s*(?:,|and)\s*§?\s*{_RANGE})*)|[ ](?P<bare>\d+\.\d+)\b)"
)
HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)?)[.\s]", re.M)
DOC_FILE = re.compile(r"docs/([A-Za-z0-9_-]+\.md)")


def _files():
    for top in SEARCHED:
        for path in sorted((REPO / top).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and ".venv" not in path.parts:
                if path.resolve() != Path(__file__).resolve():  # its examples are not citations
                    yield path
    for name in ("README.md", "Snakefile", "CHANGELOG.md", "CITATION.cff"):
        if (REPO / name).is_file():
            yield REPO / name


def citations() -> list[tuple[str, str]]:
    """(where, section number) for every physics.md citation in the repository."""
    found = []
    for path in _files():
        text = path.read_text(errors="replace")
        for match in CITATION.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(REPO)}:{line}"
            refs = match.group("refs") or match.group("bare")
            for number in re.findall(_NUM, refs):
                found.append((where, number))
    return found


def headings() -> set[str]:
    return set(HEADING.findall((DOCS / "physics.md").read_text()))


def test_citation_pattern_reads_every_form():
    text = (
        "physics.md §3.2-3.5; physics.md §3, §4.1; ``docs/physics.md`` section 2 (x);\n"
        "c_np = 1/9 (physics.md\n#: §1.1; ...); method (physics.md 4.3); physics.md: 939;"
        " physics.md = the spec; physics.md §7 and ../shared"
    )
    refs = [m.group("refs") or m.group("bare") for m in CITATION.finditer(text)]
    assert refs == ["3.2-3.5", "3, §4.1", "2", "1.1", "4.3", "7"]


def test_the_code_cites_physics_md():
    """Guards the test below against a pattern that silently matches nothing."""
    cited = citations()
    assert len(cited) > 80
    assert {"3.4", "4.3", "6", "2"} <= {number for _, number in cited}


def test_every_physics_md_citation_resolves():
    have = headings()
    missing = [f"{where}: §{number}" for where, number in citations() if number not in have]
    assert not missing, (
        "citations of physics.md sections that docs/physics.md does not have (add the section "
        "or fix the citation):\n" + "\n".join(missing)
    )


def test_physics_md_numbering_is_ordered_and_unique():
    numbers = HEADING.findall((DOCS / "physics.md").read_text())
    assert len(numbers) == len(set(numbers)), "duplicate section numbers"
    keys = [tuple(int(p) for p in n.split(".")) for n in numbers]
    assert keys == sorted(keys), "sections out of order"
    for major in range(1, 9):
        assert str(major) in numbers


def test_every_named_doc_exists():
    missing = []
    for path in _files():
        for name in DOC_FILE.findall(path.read_text(errors="replace")):
            if not (DOCS / name).is_file():
                missing.append(f"{path.relative_to(REPO)} names docs/{name}")
    assert not missing, "\n".join(sorted(set(missing)))


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md")))
def test_relative_links_between_docs_resolve(doc):
    text = (DOCS / doc).read_text()
    broken = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        if not (DOCS / target).resolve().exists():
            broken.append(target)
    assert not broken, f"docs/{doc}: broken links {broken}"


@pytest.mark.parametrize("doc", sorted(p.name for p in DOCS.glob("*.md")))
def test_anchor_links_exist(doc):
    """Links like models.md#sigma-terms point to a heading of that file (GitHub anchors)."""
    text = (DOCS / doc).read_text()
    for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", text):
        page = DOCS / (target or doc)
        slugs = {_slug(h) for h in re.findall(r"^#+\s+(.*)$", page.read_text(), re.M)}
        assert anchor in slugs, f"docs/{doc}: no heading for #{anchor} in {page.name}"


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_docs_index_lists_every_doc():
    index = (DOCS / "README.md").read_text()
    for path in DOCS.glob("*.md"):
        if path.name != "README.md":
            assert f"({path.name})" in index, f"docs/README.md does not link {path.name}"


def test_readme_names_docs_and_the_command():
    readme = (REPO / "README.md").read_text()
    assert "docs/" in readme and "lightmed list" in readme and "lightmed show" in readme


def test_reserved_sections_exist():
    """Sections other work fills in (nuclear media, transport, Rosseland, flavour, real data)."""
    assert {"2.7", "3.7", "3.8", "5.6", "7"} <= headings()


def test_docs_are_plain_text_files():
    for path in Path(DOCS).glob("*.md"):
        text = path.read_text()
        assert text.endswith("\n") and "\t" not in text, path.name
