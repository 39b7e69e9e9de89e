"""Scale: map a pure function over partitions of work.

By default a local process pool (``workers`` processes; 1 means in-process, which is what
tests and small inputs use); with a cluster, Dask tasks (:mod:`zhagen.cluster`). Results come back in input order. Worker processes exit when
the process that started them dies, even by ``kill -9`` (see :func:`_exit_with`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from zhagen.cluster import Cluster

__all__ = ["map_partitions", "default_workers", "process_exists"]

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# glibc's mallopt parameters (<malloc.h>) and what a worker sets them to (see _keep_heap)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_KEEP_HEAP = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 512 << 20), (_M_TOP_PAD, 16 << 20))
_POLL_SECONDS = 0.5


def default_workers() -> int:
    """Worker processes to use: ``ZHAGEN_WORKERS`` or the number of CPUs."""
    env = os.environ.get("ZHAGEN_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, os.cpu_count() or 1)


def map_partitions(
    func: Callable[[T], R],
    parts: Iterable[T],
    *,
    workers: int = 1,
    prefetch: int = 4,
    cluster: Cluster | None = None,
) -> Iterator[R]:
    """Apply ``func`` to each partition, in order, with at most ``prefetch × workers`` queued.

    ``cluster``: run the partitions as tasks of that Dask cluster instead
    (:meth:`zhagen.cluster.Cluster.map_partitions`: the same function, the same order).

    >>> list(map_partitions(len, [[1, 2], [3]]))
    [2, 1]
    """
    if cluster is not None:
        yield from cluster.map_partitions(func, parts, prefetch=prefetch)
        return
    if workers <= 1:
        for part in parts:
            yield func(part)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    if sys.platform.startswith("linux"):
        # each worker asks for its death signal through ctypes (_exit_with): imported here
        # once, a forked worker inherits it rather than importing it (~20 ms of CPU each)
        import ctypes  # noqa: F401

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_exit_with,
        initargs=(os.getpid(),),
    )
    with pool:
        pending: deque = deque()
        for part in parts:
            pending.append(pool.submit(func, part))
            if len(pending) >= prefetch * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _context():  # noqa: ANN202 - a multiprocessing context
    """``fork`` from a single-threaded process (the CLI), else ``forkserver``.

    A process forked while another of its parent's threads holds a lock (in the web
    workbench: the WAL checkpointer inside SQLite, the server's request threads) inherits that
    lock held and would hang at its first use; the workers use SQLite to stage their rows.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() > 1 and "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _exit_with(owner: int) -> None:
    """Make this worker process exit when ``owner`` (the process using the pool) dies.

    A killed owner never tells its workers to stop, and they would wait on its queue
    forever. On Linux the kernel kills the worker when its parent dies
    (``prctl(PR_SET_PDEATHSIG)``; strictly, when the parent's thread that started the pool
    ends: the pool lives and is shut down inside the generator that thread iterates); on
    other POSIX systems a daemon thread
    polls the parent's id, which changes when the worker is adopted. Either way, an owner
    that died before this ran is caught by the checks after it.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _keep_heap()
    if not (sys.platform.startswith("linux") and _death_signal()):
        if os.name == "posix":
            threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent or not process_exists(owner):
        os._exit(1)


def _death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; ``False`` if it cannot."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _keep_heap() -> bool:
    """Let this worker's C heap keep the memory it frees, up to a bound: ``False`` where
    the C library is not glibc.

    A worker makes and drops the same working set for every partition it gets (an import
    chunk: its 8 MB of text, ~7 000 records' strings, the SQLite image). glibc gives
    buffers over 128 KB their own mapping and returns a freed heap top to the system, so
    every partition faulted the same pages in again: ~11 000 page faults an 8 MB chunk,
    ~0.3 s of system CPU per 100 000 CNKI records in the two workers. A worker is short-lived
    (one pool), so what it keeps goes when it exits; the process that started it is not
    changed.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return all([mallopt(param, value) == 1 for param, value in _KEEP_HEAP])


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    os._exit(1)


def process_exists(pid: int) -> bool:
    """Whether a process with this id runs (on Windows, where asking would end it: True)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, but another user's
        return True
    return True
