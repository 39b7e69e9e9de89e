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

>>> parse_address("local:4"), parse_address(" tcp://head:8786 ")
(('local', 4), ('remote', 'tcp://head:8786'))
>>> cluster_from(None, env={}) is None
True
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from zhagen.errors import ParameterError, ZhagenError
from zhagen.params import Param

__all__ = [
    "CLUSTER_OPTIONS",
    "Cluster",
    "ClusterError",
    "cluster_from",
    "fingerprint",
    "parse_address",
]

T = TypeVar("T")
R = TypeVar("R")

#: The environment variable naming the cluster when none is given.
ENV = "ZHAGEN_CLUSTER"

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
)


class Cluster:
    """A Dask cluster to run partition functions on, connected on first use.

    ``spec``: ``local:N``, a scheduler address, or a ``distributed.Client``. A local
    cluster started here is closed by :meth:`close`; a client given by the caller is left
    open.

    >>> c = Cluster("local:2")
    >>> c.started, c.address
    (False, 'local:2')
    """

    def __init__(self, spec: Any) -> None:
        self._client: Any = None
        self._local: Any = None
        self._given = not isinstance(spec, str)
        if self._given:
            self._client = spec
            self.address = str(getattr(spec, "scheduler", None) and spec.scheduler.address)
        else:
            self.kind, self.target = parse_address(spec)
            self.address = spec.strip()
        self._checked = False

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
                self._local = LocalCluster(
                    n_workers=self.target,
                    threads_per_worker=1,  # the tasks are CPU-bound Python: one per process
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
        have none yet)."""
        info = self.client().scheduler_info(n_workers=-1)
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map_partitions(
        self, func: Callable[[T], R], parts: Iterable[T], *, prefetch: int = 4
    ) -> Iterator[R]:
        """``func`` of each partition as Dask tasks, in order, with at most ``prefetch``
        tasks per worker submitted and not yet handed back. A worker lost with results
        still on it has them recomputed by Dask (the partitions are plain data, and the
        functions pure); leaving the loop early cancels what is still pending."""
        client = self.client()
        limit = max(1, prefetch * self.workers())
        mine = fingerprint()
        pending: deque[Any] = deque()
        try:
            for part in parts:
                pending.append(client.submit(checked, func, part, mine, pure=False))
                if len(pending) >= limit:
                    yield _take(pending.popleft())
            while pending:
                yield _take(pending.popleft())
        finally:
            if pending:
                client.cancel(list(pending))

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


def _take(future: Any) -> Any:
    result = future.result()
    future.release()  # its memory on the worker is freed as soon as it is here
    return result


def cluster_from(spec: Any, env: Mapping[str, str] | None = None) -> Cluster | None:
    """The cluster for ``spec`` (a :class:`Cluster`, an address, a Client), else the one
    ``ZHAGEN_CLUSTER`` names, else ``None`` (no cluster: the local process pool).

    >>> cluster_from("local:3").address, cluster_from(None, env={"ZHAGEN_CLUSTER": "local:1"})
    ('local:3', <zhagen.Cluster local:1>)
    """
    if isinstance(spec, Cluster):
        return spec
    if spec is None or spec == "":
        text = (os.environ if env is None else env).get(ENV, "").strip()
        return Cluster(text) if text else None
    return Cluster(spec)


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
