"""Scale past one machine: the partition functions of :mod:`zhagen.run` as Dask tasks.

A cluster is asked for by address — ``local:N`` (a Dask ``LocalCluster`` of ``N`` worker
processes on this machine), ``tcp://host:port`` (the scheduler of a running cluster, e.g.
one started by dask-jobqueue on Slurm or PBS), or a ``distributed.Client`` made by the
caller — given as ``--cluster``, ``cluster=`` or the ``ZHAGEN_CLUSTER`` environment
variable. Nothing here imports Dask until a cluster is used: a project opened without one
never pays its start-up.

The tasks are the same pure functions the local process pool runs
(:func:`zhagen.run.map_partitions`), over the same partitions, and their results come
back in input order: the client alone writes the project file, as without a cluster, so
the results are the same by construction. Each task first checks that its worker runs the
zhagen version and options (resource limits, shipped dictionaries) of the client
(:func:`fingerprint`) and refuses with :class:`ClusterError` if not.

With a shards folder (``shards=``, ``--shards DIR`` or ``ZHAGEN_SHARDS``: a folder the
client and every worker see), a worker writes the result of each import partition (a
chunk or a whole file) to a shard file there
(:class:`Shards`) and hands back only its name; the client reads the shards in order.
A partition whose shard is already there — an import interrupted (the client or a
worker killed) and run again — is read, not computed again. Without one, results come
back in memory (what a local cluster needs). ``local:1`` runs in this process: one
worker cannot beat no cluster, and Dask is not started.

>>> parse_address("local:4"), parse_address(" tcp://head:8786 ")
(('local', 4), ('remote', 'tcp://head:8786'))
>>> cluster_from(None, env={}) is None
True
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from zhagen.errors import ParameterError, ZhagenError
from zhagen.params import Param

__all__ = [
    "CLUSTER_OPTIONS",
    "Cluster",
    "ClusterError",
    "Shards",
    "cluster_from",
    "write_shard",
    "fingerprint",
    "parse_address",
]

T = TypeVar("T")
R = TypeVar("R")

#: The environment variable naming the cluster when none is given.
ENV = "ZHAGEN_CLUSTER"
#: The environment variable naming the shards folder when none is given.
SHARDS_ENV = "ZHAGEN_SHARDS"

_SCHEMES = ("tcp://", "tls://", "ucx://", "ws://", "wss://", "inproc://")


class ClusterError(ZhagenError):
    """A Dask cluster that cannot be used: unreachable, or a worker that differs from the
    client (zhagen version, options, the files it must read)."""


def parse_address(text: str) -> tuple[str, Any]:
    """``("local", n)`` for ``local:N``, ``("remote", address)`` for a scheduler address;
    anything else is a bilingual :class:`~zhagen.errors.ParameterError`.

    >>> parse_address("local:0")
    Traceback (most recent call last):
    ...
    zhagen.errors.ParameterError: 集群地址 'local:0' 无效：本机集群写作 local:N（N ≥ 1 个工作进程），已有的调度器写作 tcp://主机:端口。 / invalid cluster address 'local:0': a local cluster is local:N (N ≥ 1 worker processes), an existing scheduler tcp://host:port.
    """
    value = text.strip()
    if value.startswith("local:"):
        n = value[len("local:") :]
        if n.isdigit() and int(n) >= 1:
            return "local", int(n)
    elif value.startswith(_SCHEMES) and len(value) > value.index("://") + 3:
        return "remote", value
    raise ParameterError(
        f"集群地址 {text!r} 无效：本机集群写作 local:N（N ≥ 1 个工作进程），"
        "已有的调度器写作 tcp://主机:端口。",
        f"invalid cluster address {text!r}: a local cluster is local:N (N ≥ 1 worker "
        "processes), an existing scheduler tcp://host:port.",
    )


def _check_address(value: Any) -> None:
    if value is not None:
        parse_address(str(value))


#: The one declaration of the ``cluster`` option (``zhagen add``, ``zhagen map``, the API).
CLUSTER_OPTIONS: tuple[Param, ...] = (
    Param(
        "cluster",
        "str",
        None,
        "Dask 集群",
        "Dask cluster",
        "local:N 为本机 N 个工作进程，tcp://主机:端口 为已有的调度器；默认读环境变量 "
        "ZHAGEN_CLUSTER，未设则不用集群",
        "local:N for N worker processes here, tcp://host:port for an existing scheduler; "
        "default: the ZHAGEN_CLUSTER environment variable, else no cluster",
        optional=True,
        web=False,
        metavar="local:N|tcp://HOST:PORT",
        validate=_check_address,
    ),
    Param(
        "shards",
        "str",
        None,
        "分片文件夹",
        "shards folder",
        "集群工作进程把结果写成分片文件的文件夹（客户端和所有工作节点都能访问）；"
        "中断后再导入，已写好的分片直接读取、不再计算；默认读环境变量 ZHAGEN_SHARDS，"
        "未设则结果经内存传回",
        "a folder the client and every worker see, where the cluster's workers write their "
        "results as shard files; an interrupted import run again reads the shards already "
        "written instead of computing them again; default: the ZHAGEN_SHARDS environment "
        "variable, else results come back in memory",
        optional=True,
        web=False,
        metavar="DIR",
    ),
)


class Cluster:
    """A Dask cluster to run partition functions on, connected on first use.

    ``spec``: ``local:N``, a scheduler address, or a ``distributed.Client``. A local
    cluster started here is closed by :meth:`close`; a client given by the caller is left
    open.

    ``shards``: a folder shared by the client and the workers to write results to
    (:class:`Shards`), or ``None`` (results in memory). :attr:`computed` and
    :attr:`reused` count the partitions run on the cluster and those read from shards an
    earlier, interrupted run left; :attr:`skipped` those it had merged already (see
    :meth:`skip`).

    >>> c = Cluster("local:2")
    >>> c.started, c.address, c.workers(), c.started
    (False, 'local:2', 2, False)
    """

    def __init__(self, spec: Any, *, shards: str | os.PathLike[str] | None = None) -> None:
        self._client: Any = None
        self._local: Any = None
        self._given = not isinstance(spec, str)
        self.kind, self.target = "client", None
        if self._given:
            self._client = spec
            self.address = str(getattr(spec, "scheduler", None) and spec.scheduler.address)
        else:
            self.kind, self.target = parse_address(spec)
            self.address = spec.strip()
        self._checked = False
        self.shards = Shards(shards) if shards else None
        self.computed = 0
        self.reused = 0
        self.skipped = 0
        #: seconds the client waited for results (computing elsewhere, or in transfer)
        self.waited = 0.0

    def __repr__(self) -> str:
        return f"<zhagen.Cluster {self.address}>"

    @property
    def started(self) -> bool:
        """Whether the client is connected (a local cluster started)."""
        return self._client is not None

    def client(self) -> Any:
        """The ``distributed.Client``, connected (a local cluster started) on the first
        call; every worker's :func:`fingerprint` is checked against this process's."""
        if self._client is None:
            self._client = self._connect()
        if not self._checked:
            mine = fingerprint()
            for worker, theirs in self._client.run(fingerprint).items():
                _refuse_if_differs(mine, tuple(theirs), worker)
            self._checked = True
        return self._client

    def _connect(self) -> Any:
        import logging

        from distributed import Client, LocalCluster

        try:
            if self.kind == "local":
                with _worker_start():
                    self._local = LocalCluster(
                        n_workers=self.target,
                        threads_per_worker=1,  # CPU-bound Python tasks: one per process
                        processes=True,
                        dashboard_address=":0",
                        silence_logs=logging.ERROR,
                    )
                return Client(self._local)
            return Client(self.target, timeout="30s")
        except RuntimeError as exc:  # a worker process could not start
            raise ClusterError(
                f"无法启动本机 Dask 集群（{exc}）；在 Python 脚本中，请把调用放在 "
                "if __name__ == '__main__': 之下（工作进程会重新导入主模块）",
                f"cannot start the local Dask cluster ({exc}); in a Python script, put the "
                "calls under if __name__ == '__main__': (worker processes import the main "
                "module again)",
            ) from exc
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"无法连接 Dask 集群 {self.address}（{exc}）；请检查调度器是否在运行、地址和端口",
                f"cannot connect to the Dask cluster {self.address} ({exc}); check that "
                "its scheduler runs and the address and port",
            ) from exc

    def workers(self) -> int:
        """Workers (threads) the scheduler has now (at least 1: an adaptive cluster may
        have none yet); for ``local:N``, ``N`` without starting the cluster."""
        if self.kind == "local":
            return int(self.target)
        info = self.client().scheduler_info(n_workers=-1)
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map_partitions(
        self, func: Callable[[T], R], parts: Iterable[T], *, prefetch: int = 4
    ) -> Iterator[R]:
        """``func`` of each partition as Dask tasks, in order, with at most ``prefetch``
        tasks per worker submitted and not yet handed back. A worker lost with results
        still on it has them recomputed by Dask (the partitions are plain data, and the
        functions pure); leaving the loop early cancels what is still pending.

        With :attr:`shards`, the result of each partition read from a file (an import's
        chunks and whole files) goes through a shard file, and a partition whose shard an
        earlier run wrote is read from it instead of computed. ``local:1`` (and
        no shards) runs ``func`` here: a one-worker cluster only adds Dask's costs.

        >>> list(Cluster("local:1").map_partitions(len, [[1, 2], [3]]))
        [2, 1]
        """
        if self.kind == "local" and self.target == 1 and self.shards is None:
            for part in parts:
                self.computed += 1
                yield func(part)
            return
        client = self.client()
        limit = max(1, prefetch * self.workers())
        mine = fingerprint()
        shards = self.shards
        if shards is not None:
            shards.prepare()
        pending: deque[Any] = deque()

        def take() -> Any:
            start = time.perf_counter()
            name, future = pending.popleft()
            if name is None:
                result = _take(future)
            else:
                if future is not None:
                    _take(future)  # the shard is written
                result = shards.read(name, mine)  # type: ignore[union-attr]
            self.waited += time.perf_counter() - start
            return result

        try:
            for part in parts:
                # only a partition read from a file has a shard: an import's, which an
                # interrupted run resumes (a map's texts in memory are cheaper to resend)
                if shards is None or not isinstance(getattr(part, "path", None), str):
                    future = client.submit(checked, func, part, mine, pure=False)
                    pending.append((None, future))
                    self.computed += 1
                else:
                    name = shards.name(func, part)
                    done = shards.exists(name)
                    future = None if done else client.submit(
                        write_shard, shards.folder, name, func, part, mine, pure=False
                    )  # fmt: skip
                    self.reused += done
                    self.computed += not done
                    pending.append((name, future))
                if len(pending) >= limit:
                    yield take()
            while pending:
                yield take()
        finally:
            if pending:
                client.cancel([f for _, f in pending if f is not None])

    def skip(self, func: Callable[[T], Any], parts: Iterable[T]) -> int:
        """Partitions that an earlier, interrupted import merged already: not run (and
        not read), counted in :attr:`skipped`, their shards (if an earlier run wrote them)
        removed with the others by :meth:`discard_shards`; how many.

        >>> c = Cluster("local:2")
        >>> c.skip(len, [[1], [2]]), c.skipped, c.started
        (2, 2, False)
        """
        n = 0
        for part in parts:
            if self.shards is not None and isinstance(getattr(part, "path", None), str):
                self.shards.exists(self.shards.name(func, part))  # named: discarded later
            n += 1
        self.skipped += n
        return n

    def discard_shards(self) -> int:
        """Remove the shards this cluster wrote or read (call it once what they hold is
        in the project file); how many were removed."""
        return 0 if self.shards is None else self.shards.discard()

    def tree_reduce(
        self, func: Callable[[T], R], parts: Iterable[T], add: Callable[[R, R], R]
    ) -> R:
        """``func`` of each partition as Dask tasks, summed pairwise on the workers (a tree
        reduction, as :func:`zhagen.mapping.cooccurrence.tree_sum` does here); only the
        sum comes back."""
        client = self.client()
        mine = fingerprint()
        level = [client.submit(checked, func, p, mine, pure=False) for p in parts]
        if not level:
            raise ValueError("nothing to sum")
        while len(level) > 1:
            pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
            level = [client.submit(add, *p, pure=False) if len(p) == 2 else p[0] for p in pairs]
        return _take(level[0])

    def close(self) -> None:
        """Close the client and the local cluster started here (a given client stays)."""
        if self._given:
            return
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._local is not None:
            self._local.close()
            self._local = None
        self._checked = False


_MAGIC = b"ZHAGEN-SHARD 1\n"


class Shards:
    """A folder of shard files: one partition's result each, written by a worker, read
    by the client.

    A shard is a line naming its format, a JSON line with the zhagen version and the
    options hash of the worker that wrote it (:func:`fingerprint`), then the result,
    pickled (protocol 5). Pickled, not Parquet: the results are the partition functions'
    own objects (rows and staged SQLite images), and the client, the serial part of an
    import, reads a pickle at ~5 µs a record where decompressing even zlib level 1
    costs ~28 µs (bench/README.md). A shard is written under a temporary name and renamed,
    so a worker killed while writing leaves no shard. Its name is a hash of the
    function, the partition and (for a partition read from a file) that file's size and
    modification time: a file changed since is read again. Unpickling trusts the
    folder, as a Dask cluster trusts its workers: use a folder only zhagen's users write.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     shards = Shards(d)
    ...     name = shards.name(len, [1, 2, 3])
    ...     _ = write_shard(d, name, len, [1, 2, 3], fingerprint())
    ...     shards.exists(name), shards.read(name, fingerprint()), shards.discard()
    (True, 3, 1)
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = os.fspath(folder)
        self._used: set[str] = set()

    def __repr__(self) -> str:
        return f"<zhagen.Shards {self.folder}>"

    def prepare(self) -> None:
        """Make the folder (and its parents) if it is not there."""
        os.makedirs(self.folder, exist_ok=True)

    def name(self, func: Callable[[Any], Any], part: Any) -> str:
        """The file name of ``func(part)``'s shard."""
        import pickle

        h = hashlib.sha256(f"{func.__module__}.{func.__qualname__}".encode())
        h.update(pickle.dumps(part, protocol=5))
        path = getattr(part, "path", None)
        if isinstance(path, str):
            try:
                st = os.stat(path)
                h.update(f"\0{st.st_size}\0{st.st_mtime_ns}".encode())
            except OSError:
                pass  # a worker says so, naming the file (see checked)
        return h.hexdigest()[:40] + ".zshard"

    def exists(self, name: str) -> bool:
        """Whether that shard was written (by this run or an interrupted one)."""
        self._used.add(name)
        return os.path.exists(os.path.join(self.folder, name))

    def read(self, name: str, expected: tuple[str, str]) -> Any:
        """The result in shard ``name``; :class:`ClusterError` if a zhagen version or
        options other than ``expected`` wrote it, or it is not a shard."""
        import json
        import pickle

        path = os.path.join(self.folder, name)
        self._used.add(name)
        with open(path, "rb") as fh:
            head = fh.readline()
            try:
                meta = json.loads(fh.readline()) if head == _MAGIC else None
            except ValueError:
                meta = None
            if not isinstance(meta, dict):
                raise ClusterError(
                    "这不是 zhagen 的分片文件；请删除它，或换一个分片文件夹（--shards）再导入",
                    "this is not a zhagen shard; delete it, or give another shards "
                    "folder (--shards), and import again",
                    file=path,
                )
            theirs = (str(meta.get("zhagen")), str(meta.get("options")))
            if theirs != tuple(expected):
                raise ClusterError(
                    f"这个分片由 zhagen {theirs[0]}（选项散列 {theirs[1]}）写成，本机是 zhagen "
                    f"{expected[0]}（{expected[1]}）；请删除分片文件夹里的旧分片，或换一个"
                    "分片文件夹（--shards），并让所有工作节点使用同一版本、同样的环境变量",
                    f"this shard was written by zhagen {theirs[0]} (options hash "
                    f"{theirs[1]}), this machine runs {expected[0]} ({expected[1]}); delete "
                    "the old shards or give another shards folder (--shards), and give every "
                    "worker the same version and environment variables",
                    file=path,
                )
            return pickle.load(fh)

    def discard(self) -> int:
        """Remove the shards :meth:`exists` or :meth:`read` named; how many were there."""
        removed = 0
        for name in sorted(self._used):
            try:
                os.unlink(os.path.join(self.folder, name))
                removed += 1
            except FileNotFoundError:
                pass
        self._used.clear()
        return removed


def write_shard(
    folder: str, name: str, func: Callable[[T], Any], part: T, expected: tuple[str, str]
) -> int:
    """On a worker: ``func(part)`` (:func:`checked`) written to shard ``name`` in
    ``folder``; its size in bytes. :class:`ClusterError` if the worker cannot see the
    folder."""
    import json
    import pickle
    import socket

    result = checked(func, part, expected)
    if not os.path.isdir(folder):
        raise ClusterError(
            f"Dask 工作节点 {socket.gethostname()} 上找不到分片文件夹；请给一个客户端和所有"
            "工作节点都能访问的共享文件夹（--shards）",
            f"the Dask worker on {socket.gethostname()} cannot see the shards folder; give "
            "a folder the client and every worker share (--shards)",
            file=folder,
        )
    mine = fingerprint()  # what computed it (checked made sure it is the client's)
    meta = json.dumps({"zhagen": mine[0], "options": mine[1], "partition": name})
    path = os.path.join(folder, name)
    tmp = f"{path}.{socket.gethostname()}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(_MAGIC + meta.encode() + b"\n")
        pickle.dump(result, fh, protocol=5)
        size = fh.tell()
    os.replace(tmp, path)  # whole or not at all: a worker killed here leaves no shard
    return size


#: What a local cluster's worker processes import before they start (see _worker_start).
_PRELOAD = ("distributed", "zhagen.cluster", "zhagen.ingest.pipeline", "zhagen.ingest.work")


def _worker_start() -> Any:
    """Dask's configuration for starting a local cluster's workers: no profiler, slower
    monitors, and forked from a
    ``forkserver`` that imported Dask and zhagen's import modules once (:data:`_PRELOAD`),
    rather than each spawned as a fresh interpreter that imports them again — each
    worker of ``local:N`` would otherwise pay ~1.5 s of CPU for its imports, on the
    cores the import needs. Where there is no forkserver (Windows), Dask's default."""
    import multiprocessing

    import dask

    # Dask's statistical profiler samples each worker's stack every 10 ms and its monitors
    # poll every 0.1–0.5 s for a dashboard nobody watches here: ~5 % of a core for an
    # idle local:2, paid by the whole import on a machine whose cores are all busy
    quiet = {
        "distributed.worker.profile.enabled": False,
        "distributed.worker.memory.monitor-interval": "1s",
        "distributed.admin.system-monitor.interval": "2s",
    }
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return dask.config.set(quiet)
    import distributed.utils

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(_PRELOAD))
    # Dask sets its own preload list (the optional packages it finds, imported in this
    # process to find them) unless this says it did; if a later Dask renames the flag,
    # its list wins and the workers still start from the forkserver.
    distributed.utils._forkserver_preload_set = True
    return dask.config.set({**quiet, "distributed.worker.multiprocessing-method": "forkserver"})


def _take(future: Any) -> Any:
    result = future.result()
    future.release()  # its memory on the worker is freed as soon as it is here
    return result


def cluster_from(
    spec: Any, env: Mapping[str, str] | None = None, *, shards: str | None = None
) -> Cluster | None:
    """The cluster for ``spec`` (a :class:`Cluster`, an address, a Client), else the one
    ``ZHAGEN_CLUSTER`` names, else ``None`` (no cluster: the local process pool).
    ``shards``: its shards folder (default ``ZHAGEN_SHARDS``; see :class:`Shards`).

    >>> cluster_from("local:3").address, cluster_from(None, env={"ZHAGEN_CLUSTER": "local:1"})
    ('local:3', <zhagen.Cluster local:1>)
    >>> cluster_from("local:2", env={"ZHAGEN_SHARDS": "/tmp/s"}).shards
    <zhagen.Shards /tmp/s>
    """
    env = os.environ if env is None else env
    shards = shards or env.get(SHARDS_ENV, "").strip() or None
    if isinstance(spec, Cluster):
        if shards and spec.shards is None:
            spec.shards = Shards(shards)
        return spec
    if spec is None or spec == "":
        text = env.get(ENV, "").strip()
        return Cluster(text, shards=shards) if text else None
    return Cluster(spec, shards=shards)


@functools.cache
def fingerprint() -> tuple[str, str]:
    """This process's zhagen version and the hash of the options its results depend on:
    the resource limits in force (``ZHAGEN_MAX_*``) and the shipped dictionaries.

    >>> version, options = fingerprint()
    >>> len(options)
    16
    """
    import dataclasses

    from zhagen._version import __version__
    from zhagen.limits import current

    h = hashlib.sha256(repr(dataclasses.astuple(current())).encode())
    data = os.path.join(os.path.dirname(__file__), "text", "data")
    for name in sorted(os.listdir(data)):
        with open(os.path.join(data, name), "rb") as fh:
            h.update(name.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    return __version__, h.hexdigest()[:16]


def _refuse_if_differs(mine: tuple[str, str], theirs: tuple[str, str], worker: str) -> None:
    if theirs[0] != mine[0]:
        raise ClusterError(
            f"Dask 工作进程 {worker} 运行 zhagen {theirs[0]}，本机是 {mine[0]}；"
            "请在所有工作节点安装同一版本后重试",
            f"the Dask worker {worker} runs zhagen {theirs[0]}, this machine {mine[0]}; "
            "install the same version on every worker and try again",
        )
    if theirs[1] != mine[1]:
        raise ClusterError(
            f"Dask 工作进程 {worker} 的选项（ZHAGEN_MAX_* 资源限制或内置词典，散列 "
            f"{theirs[1]}）与本机（{mine[1]}）不同；请让所有工作节点使用相同的环境变量和安装",
            f"the Dask worker {worker} has other options (ZHAGEN_MAX_* limits or shipped "
            f"dictionaries, hash {theirs[1]}) than this machine ({mine[1]}); give every "
            "worker the same environment variables and installation",
        )


def checked(func: Callable[[T], R], part: T, expected: tuple[str, str]) -> R:
    """``func(part)`` on a worker that runs the client's version and options
    (``expected``), else :class:`ClusterError`; a partition read from a file by path
    needs the worker to see that file (a shared folder), else :class:`ClusterError`.

    >>> checked(len, [1, 2], fingerprint())
    2
    >>> try:
    ...     checked(len, [1, 2], ("0.0", "x"))
    ... except ClusterError as exc:
    ...     "安装同一版本" in exc.zh, "install the same version" in exc.en
    (True, True)
    """
    import socket

    host = socket.gethostname()
    _refuse_if_differs(expected, fingerprint(), host)
    path = getattr(part, "path", None)
    if isinstance(path, str) and not os.path.exists(path):
        raise ClusterError(
            f"Dask 工作节点 {host} 上找不到这个文件；请把要导入的文件放在所有节点都能访问的共享文件夹里",
            f"the Dask worker on {host} cannot see this file; put the files to import in a "
            "folder every node shares",
            file=path,
        )
    return func(part)
