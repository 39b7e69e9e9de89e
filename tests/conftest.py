"""Shared fixtures: where ``../shared`` is, and temporary projects.

Tests that need the real corpora in ``../shared`` use the ``shared`` fixture: it skips with a
reason when the folder is absent (a user's fresh clone) and fails instead when
``ZHAGEN_REQUIRE_SHARED=1`` (CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZHAGEN_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ``../shared`` folder (corpora, refi-qda), or skip/fail when it is absent."""
    if not (SHARED / "corpora").is_dir():
        msg = f"../shared not found at {SHARED} (real corpora live there; see README)"
        if os.environ.get("ZHAGEN_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and ZHAGEN_REQUIRE_SHARED=1")
        pytest.skip(msg)
    return SHARED


@pytest.fixture(scope="session")
def corpora(shared: Path) -> Path:
    return shared / "corpora"


@pytest.fixture(scope="session")
def seeds(corpora: Path) -> dict[str, str]:
    """The four seed texts, by number ('001'..'004')."""
    return {
        p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((corpora / "seeds").glob("*.txt"))
    }


@pytest.fixture(scope="module")
def cnki_example_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding the shipped CNKI sample exports (``examples/cnki``), one per module."""
    from zhagen.project import Project

    path = tmp_path_factory.mktemp("cnki") / "study.zhagen"
    with Project.create(path) as p:
        p.add([ROOT / "examples" / "cnki"])
    return path
