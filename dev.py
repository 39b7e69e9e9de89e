#!/usr/bin/env python3
"""Set up and run zhagen from a fresh clone: ``python3 dev.py demo`` or ``python3 dev.py test``.

Creates ``.venv`` beside this file on first use, installs zhagen with its test extras into
it (again whenever pyproject.toml changes), then runs the demo or the test suite. Needs
only Python 3.11+ with venv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("ZHAGEN_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env() -> None:
    """Create the virtual environment and install zhagen[test] when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("zhagen needs Python 3.11 or newer / zhagen 需要 Python 3.11 及以上版本")
    stamp = VENV / ".zhagen-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == want and PY.exists():
        return
    if not PY.exists():
        print(f"creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"])
    stamp.write_text(want)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_env()
    if argv[0] == "demo":
        return subprocess.call([str(BIN / "zhagen"), "demo", *argv[1:]], cwd=ROOT)
    return subprocess.call([str(PY), "-m", "pytest", "-q", *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
