"""``scipy.sparse`` without the start-up a map never uses (issue 18).

scipy vendors ``array_api_compat``, whose ``numpy`` namespace is made at import by cloning
``numpy``: ``from numpy import *`` and ``hasattr`` over ``dir(numpy)``. Both touch every
submodule numpy imports lazily, so ``import scipy.sparse`` loads ``numpy.f2py`` (its
``crackfortran`` compiles ~60 regular expressions), ``numpy.testing`` (unittest, pydoc,
``importlib.metadata``, email, socket), ``numpy.ma``, ``numpy.polynomial``, ``numpy.char``…
— about 0.07 s of CPU, more than half of what importing scipy.sparse costs, on every
``zhagen map`` (a 10 000-record map to CSV and JSON takes ~0.5 s of CPU in all).

:func:`scipy_sparse` imports scipy.sparse with the numpy submodules not yet loaded left out
of that clone, then makes them reachable through it after all: the clone gets a module
``__getattr__`` that takes such a name from numpy on first use, and its ``__all__`` lists
them again. Every name the clone answered it still answers, with the same object (numpy's
submodule); only the import of the ones nobody asks for is saved. Nothing of numpy is
changed once the import is done (its ``__all__`` and ``__dir__`` are put back, in a
``finally``). When scipy's layout is not the one described (a different vendored copy, or
the clone already made), it is a plain ``import scipy.sparse``.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["scipy_sparse"]

#: scipy's vendored clone of the numpy namespace.
COMPAT = "scipy._lib.array_api_compat.numpy"

_lock = threading.Lock()


def scipy_sparse() -> ModuleType:
    """``scipy.sparse``, imported (the first time) without numpy's unused submodules.

    Returns
    -------
    module
        ``scipy.sparse`` itself.

    Examples
    --------
    >>> sp = scipy_sparse()
    >>> import scipy.sparse
    >>> sp is scipy.sparse, sp.csr_matrix([[0, 1]]).nnz
    (True, 1)
    """
    done = sys.modules.get("scipy.sparse")
    if done is not None:
        return done
    with _lock:
        import numpy as np

        if "scipy.sparse" in sys.modules or COMPAT in sys.modules:
            import scipy.sparse

            return scipy.sparse
        lazy = frozenset(
            name
            for name in getattr(np, "__numpy_submodules__", ())
            if f"numpy.{name}" not in sys.modules and name not in vars(np)
        )
        with _hidden(np, lazy):
            import scipy.sparse
        _reachable(sys.modules.get(COMPAT), np, lazy)
        return scipy.sparse


class _hidden:
    """numpy's ``__all__`` and ``dir()`` without ``names`` while the clone is made."""

    def __init__(self, np: ModuleType, names: frozenset[str]) -> None:
        self.np, self.names = np, names
        self.all = np.__dict__.get("__all__")
        self.dir = np.__dict__.get("__dir__")

    def __enter__(self) -> None:
        if not self.names or self.all is None or self.dir is None:
            return
        names, full_dir = self.names, self.dir
        self.np.__all__ = [n for n in self.all if n not in names]
        self.np.__dir__ = lambda: [n for n in full_dir() if n not in names]

    def __exit__(self, *exc: object) -> None:
        if self.all is not None:
            self.np.__all__ = self.all
        if self.dir is not None:
            self.np.__dir__ = self.dir


def _reachable(compat: ModuleType | None, np: ModuleType, names: frozenset[str]) -> None:
    """Let the clone answer ``names`` again: from numpy, on first use."""
    if compat is None or not names:
        return
    missing = frozenset(n for n in names if n not in vars(compat))
    before = vars(compat).get("__getattr__")

    def __getattr__(name: str) -> Any:
        if name in missing:
            value = getattr(np, name)
            setattr(compat, name, value)  # asked once
            return value
        if before is not None:
            return before(name)
        raise AttributeError(f"module {compat.__name__!r} has no attribute {name!r}")

    compat.__getattr__ = __getattr__  # type: ignore[method-assign]
    listed = vars(compat).get("__all__")
    if isinstance(listed, list):
        compat.__all__ = sorted(set(listed) | missing)
