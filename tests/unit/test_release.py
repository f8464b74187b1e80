"""Release hygiene: one version everywhere, a licence that matches pyproject, a citation file
and a changelog entry for the version artifacts record."""

from __future__ import annotations

import re
import tomllib

import yaml

import lightmed
from lightmed.io import history_line

from helpers import REPO


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_one_version_everywhere():
    version = lightmed.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert _project()["version"] == version
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert str(citation["version"]) == version
    assert f"lightmed {version}" in history_line("rule", {}, {})  # what artifacts record


def test_changelog_has_the_current_version_and_an_unreleased_section():
    text = (REPO / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## (\S+)", text, re.M)
    assert headings[0] == "Unreleased"
    assert lightmed.__version__ in headings


def test_licence_matches_pyproject():
    assert _project()["license"]["text"] == "BSD-3-Clause"
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "the lightmed developers" in text
    assert "Neither the name of the copyright holder" in text  # the third clause
    assert yaml.safe_load((REPO / "CITATION.cff").read_text())["license"] == "BSD-3-Clause"


def test_citation_cites_the_papers_and_data_releases():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    text = yaml.safe_dump(citation["references"])
    for needed in (
        "arXiv:2106.11660",  # [C21]
        "arXiv:2010.14545",  # [ST21]
        "10.5281/zenodo.20576156",  # XENONnT 8B release
        "s2only_data_release",  # XENON1T S2-only
        "arXiv:1804.09459",  # COHERENT 2017 release
        "ccsnarchive",  # Garching archive
        "arXiv:2005.07141",  # Bollig et al. 2020
    ):
        assert needed in text, needed
    for ref in citation["references"]:
        assert ref["title"] and ref["authors"] and ref["type"] in ("article", "data")
