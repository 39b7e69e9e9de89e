"""Issue 18: ``zhagen.sparse_import.scipy_sparse`` imports scipy.sparse without loading the
numpy submodules scipy's numpy clone would touch, and that clone still answers every name
it answers after a plain ``import scipy.sparse``, with the same objects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: In a fresh process: the clone's names and where each leads, after one way of importing.
CHILD = """
import json, sys
import numpy as np
before = (list(np.__all__), sorted(dir(np)), np.__dir__)
if sys.argv[1] == "zhagen":
    from zhagen.sparse_import import scipy_sparse
    sp = scipy_sparse()
else:
    import scipy.sparse as sp
loaded = sorted(m for m in ("numpy.f2py", "numpy.testing", "numpy.ma", "numpy.polynomial")
                if m in sys.modules)
restored = (list(np.__all__), sorted(dir(np)), np.__dir__) == before
from scipy._lib.array_api_compat import numpy as compat
names = sorted(dir(compat))
where = {n: getattr(getattr(compat, n), "__name__", type(getattr(compat, n)).__name__)
         for n in names}
m = sp.csr_matrix(([1.0, 2.0], ([0, 1], [1, 0])), shape=(2, 2))
print(json.dumps({"loaded": loaded, "restored": restored, "names": names, "where": where,
                  "star": sorted(compat.__all__), "product": (m @ m).toarray().tolist()}))
"""


def _child(how: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-c", CHILD, how], capture_output=True, text=True,
                       env=env, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_light_import_loads_no_unused_numpy_submodule_and_keeps_every_name() -> None:
    plain, light = _child("plain"), _child("zhagen")
    assert {"numpy.f2py", "numpy.testing"} <= set(plain["loaded"])  # what is saved
    assert light["loaded"] == []
    assert light["restored"] and plain["restored"]
    assert light["names"] == plain["names"] and len(light["names"]) > 400
    assert light["where"] == plain["where"]  # e.g. testing -> numpy.testing, on first use
    assert light["where"]["testing"] == "numpy.testing" and light["where"]["f2py"] == "numpy.f2py"
    assert light["star"] == plain["star"]
    assert light["product"] == plain["product"] == [[2.0, 0.0], [0.0, 2.0]]


def test_second_call_is_the_module_and_unknown_names_still_fail() -> None:
    import scipy.sparse

    from zhagen.sparse_import import COMPAT, scipy_sparse

    assert scipy_sparse() is scipy.sparse
    compat = sys.modules[COMPAT]
    try:
        compat.no_such_name_anywhere  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name_anywhere" in str(exc)
    else:  # pragma: no cover - the assertion below says what went wrong
        raise AssertionError("an unknown name must raise AttributeError")
