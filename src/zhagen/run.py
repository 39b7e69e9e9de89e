"""Scale: map a pure function over partitions of work.

By default a local process pool (``workers`` processes; 1 means in-process, which is what
tests and small inputs use). Results come back in input order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["map_partitions", "default_workers"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Worker processes to use: ``ZHAGEN_WORKERS`` or the number of CPUs."""
    env = os.environ.get("ZHAGEN_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, os.cpu_count() or 1)


def map_partitions(
    func: Callable[[T], R], parts: Iterable[T], *, workers: int = 1, prefetch: int = 4
) -> Iterator[R]:
    """Apply ``func`` to each partition, in order, with at most ``prefetch × workers`` queued.

    >>> list(map_partitions(len, [[1, 2], [3]]))
    [2, 1]
    """
    if workers <= 1:
        for part in parts:
            yield func(part)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for part in parts:
            pending.append(pool.submit(func, part))
            if len(pending) >= prefetch * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
