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


# -- faces use the nouns ----------------------------------------------------------------------------
NOUNS = {"documents", "codes", "codings", "memos", "relations", "terms", "maps", "reports"}


def _flat_calls(source: str) -> list[str]:
    """Calls ``x.<flat alias>(…)`` in ``source`` whose receiver is neither a noun
    (``p.codings.recode``) nor a module the file imports (``svc.recode``, a web service)."""
    import ast

    from zhagen.project import FLAT_ALIASES

    tree = ast.parse(source)
    modules = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if node.func.attr not in FLAT_ALIASES:
            continue
        if isinstance(receiver, ast.Attribute) and receiver.attr in NOUNS:
            continue
        if isinstance(receiver, ast.Name) and receiver.id in modules:
            continue
        found.append(f"l.{node.lineno}: {ast.unparse(node.func)}")
    return found


def test_the_scan_finds_a_flat_call_and_passes_a_noun_call() -> None:
    source = "from zhagen.web.services import coding as svc\n\ndef f(p):\n" \
             "    p.codes.add('a')\n    svc.recode(p)\n    return p.add_code('b')\n"  # fmt: skip
    assert _flat_calls(source) == ["l.6: p.add_code"]


def test_faces_call_the_nouns_not_the_flat_aliases() -> None:
    faces = [ROOT / "src" / "zhagen" / "cli", ROOT / "src" / "zhagen" / "web"]
    files = sorted(f for face in faces for f in face.rglob("*.py"))
    files += [ROOT / "src" / "zhagen" / "demo.py", ROOT / "src" / "zhagen" / "demo_coding.py"]
    assert len(files) > 30  # the scan reads the faces, not an empty folder
    flat = {str(f.relative_to(ROOT)): _flat_calls(f.read_text(encoding="utf-8")) for f in files}
    assert {name: calls for name, calls in flat.items() if calls} == {}
