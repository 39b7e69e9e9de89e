"""The import plan: every threshold of the import pipeline, declared once and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhagen.cluster import Cluster

__all__ = ["ImportPlan"]


@dataclass(frozen=True)
class ImportPlan:
    """How an import cuts, batches and spreads its work.

    Parameters
    ----------
    workers : int or None
        Processes reading and cleaning; ``None`` chooses (see :meth:`workers_for`).
    max_workers : int
        At most this many processes when ``workers`` is ``None``: the main process writes
        what they prepare at ~4 times their speed, so more would wait for it (and it needs a
        core too).
    parallel_min_bytes : int
        Files at least this large are cut into chunks (when their format allows, see
        :func:`zhagen.formats.chunk_spans`), read by worker processes when ``workers`` > 1.
    chunk_bytes : int
        About how many bytes each chunk holds.
    batch : int
        Records per unit of work for a file read in one stream.
    bulk_min_bytes : int
        Files at least this large are written with the connection tuned for bulk writes
        (:meth:`~zhagen.store.db.Store.bulk_writes`); for smaller ones its thread does not pay.
    cluster : zhagen.cluster.Cluster, str, distributed.Client or None
        Run the work on this Dask cluster (an address or a client is made a ``Cluster``) (see :mod:`zhagen.cluster`): the chunks of a large
        export, and every smaller file whole (read, cleaned and staged by a worker), while
        this process writes what comes back, in order. ``None``: the local process pool.

    Examples
    --------
    >>> plan = ImportPlan()
    >>> plan.chunked(100 << 20), plan.chunked(1 << 20)
    (True, False)
    >>> ImportPlan(workers=1).workers_for(100 << 20)
    1
    >>> ImportPlan(parallel_min_bytes=1, chunk_bytes=4096).chunked(10)
    True
    """

    workers: int | None = None
    max_workers: int = 4
    parallel_min_bytes: int = 16 << 20
    chunk_bytes: int = 8 << 20
    batch: int = 2000
    bulk_min_bytes: int = 4 << 20
    cluster: Cluster | None = None

    def __post_init__(self) -> None:
        if self.cluster is not None:  # an address or a distributed.Client: made a Cluster
            from zhagen.cluster import cluster_from

            object.__setattr__(self, "cluster", cluster_from(self.cluster))

    def chunked(self, size: int) -> bool:
        """Whether a file of ``size`` bytes is cut into chunks (if its format allows)."""
        return size >= self.parallel_min_bytes

    def workers_for(self, size: int) -> int:
        """Processes for a file of ``size`` bytes: ``workers`` if given, else for a file
        that is cut into chunks :attr:`max_workers` or the CPUs
        (:func:`zhagen.run.default_workers`) if fewer, else 1. With a :attr:`cluster`, a
        file cut into chunks gets the cluster's workers."""
        if self.cluster is not None and self.chunked(size):
            return self.cluster.workers()
        if self.workers is not None:
            return max(1, self.workers)
        if not self.chunked(size):
            return 1
        from zhagen.run import default_workers

        return min(self.max_workers, default_workers())

    def bulk(self, size: int) -> bool:
        """Whether a file of ``size`` bytes is written with bulk-tuned writes."""
        return size >= self.bulk_min_bytes
