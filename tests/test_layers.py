"""The layers, checked by import-linter on grimp's import graph (which holds the imports made
inside functions): the contracts in ``pyproject.toml`` hold, and a deliberately bad import
inside a function, in a package made here, is caught."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "NO_COLOR": "1"}
    return subprocess.run([str(LINT), "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_zhagen_keeps_its_import_contracts() -> None:
    out = _lint(ROOT, ROOT / "src")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_an_upward_import_inside_a_function_is_caught(tmp_path: Path) -> None:
    pkg = tmp_path / "layered"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "high.py").write_text("from layered import low\n\nVALUE = low.VALUE + 1\n")
    (pkg / "low.py").write_text(
        "VALUE = 1\n\n\ndef sneaky():\n    from layered.high import VALUE\n\n    return VALUE\n"
    )
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = layered\n\n"
        "[importlinter:contract:layers]\nname = high over low\ntype = layers\n"
        "layers =\n    layered.high\n    layered.low\n"
    )
    out = _lint(tmp_path, tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "layered.low -> layered.high (l.5)" in out.stdout
    (pkg / "low.py").write_text("VALUE = 1\n")  # without it the same contract is kept
    assert _lint(tmp_path, tmp_path).returncode == 0
