"""The sdist carries what its tests need: MANIFEST.in read by setuptools' own template reader, no build, no network."""

from __future__ import annotations

import tomllib

import pytest

from conftest import REPO

NEEDED = ("LICENSE", "README.md", ".importlinter", "tests/conftest.py", "tests/docfixtures.py",
          "tests/reportfixtures.py", "tests/data/mini/actors.csv", "docs/formats.md", "docs/ARCHITECTURE.md",
          "seeds/records.csv", "seeds/studies.csv", "seeds/study_units.csv", "seeds/consensus.csv",
          "seeds/records-seed-b.csv", "seeds/records-consensus.csv",
          "tests/data/seed_reliability/CODEBOOK.md", "resources/stancetracker.desktop", "resources/icons/stancetracker-48.png",
          "benchmarks/reference.py")


def sdist_files() -> set[str]:
    """The files MANIFEST.in adds to the sdist, as setuptools' FileList (what `python -m build --sdist` runs) reads it."""
    egg_info = pytest.importorskip("setuptools.command.egg_info", reason="setuptools reads MANIFEST.in")
    files = egg_info.FileList()
    files.set_allfiles([str(p.relative_to(REPO)) for p in REPO.rglob("*") if p.is_file()])
    for line in (REPO / "MANIFEST.in").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            files.process_template_line(line)
    return set(files.files)


def test_the_sdist_carries_conftest_the_fixtures_docs_seeds_resources_and_benchmarks():
    files = sdist_files()
    assert not [f for f in NEEDED if f not in files]
    helpers = {str(p.relative_to(REPO)) for p in (REPO / "tests").glob("*.py")}
    assert helpers <= files  # every test module and every helper module beside them
    assert not [f for f in files if "__pycache__" in f or f.endswith((".pyc", ".db", ".db-wal"))]


def test_the_licence_is_an_spdx_expression_with_its_file_and_no_license_classifier():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    # PEP 639: with an expression, a License :: classifier is an error for the build backends.
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]


def test_every_package_of_the_source_tree_is_installed():
    """pyproject lists the packages by name: a new package left off installs a program that fails on import
    (stancetracker.core.exchange.qdpx was, and the window then could not start from a plain pip install)."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "stancetracker").rglob("__init__.py")}
    assert not sorted(found - listed)
