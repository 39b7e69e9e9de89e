"""What one running workbench holds: its settings, a pool of open projects, the web
configuration file (accounts, blind coding) and the folder beside the project.

The project file is opened once per pooled connection (:class:`ProjectPool`): each request
borrows a :class:`zhagen.Project` for its duration, so two requests never share an SQLite
connection, and the store's ``BEGIN IMMEDIATE`` transactions serialise their writes (two
browsers coding at once lose nothing). The pooled connections leave checkpoints of the
write-ahead log to a background thread (``Project.checkpointer``): SQLite would do it inside
the commit of every ~100th coding (20–50 ms of disk syncs, the whole p99 of a coding
request). An import opens its own connection.

Beside ``study.zhagen`` lives ``study.zhagen.files/``: uploaded files (by sha256), map runs
(``maps/run-N``) and ``web.json`` (accounts with salted scrypt hashes, the blind-coding
switch), written atomically with owner-only permissions.
"""

from __future__ import annotations

import ipaddress
import json
import os
import queue
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhagen.web.errors import WebError

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["Settings", "ProjectPool", "GroupWriter", "WebConfig", "is_loopback", "files_dir"]

#: Default upload limit: 200 MiB per request.
DEFAULT_MAX_UPLOAD = 200 * 2**20


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0"), is_loopback("localhost")
    (True, False, True)
    """
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def files_dir(project: Path) -> Path:
    """The folder beside the project file: ``study.zhagen`` → ``study.zhagen.files``."""
    return project.with_name(project.name + ".files")


@dataclass
class Settings:
    """How the workbench runs.

    ``auth`` None means: login required unless ``host`` is a loopback address. ``token`` is
    generated when login is required and none is given. ``allowed_hosts`` (Host header
    names) guards a loopback server against DNS rebinding; None allows any.
    """

    project: Path
    host: str = "127.0.0.1"
    port: int = 0
    auth: bool | None = None
    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    pool_size: int = 4
    allowed_hosts: set[str] | None = None
    session_hours: float = 12.0

    def __post_init__(self) -> None:
        self.project = Path(self.project).resolve()
        if self.auth is None:
            self.auth = not is_loopback(self.host)
        if self.auth and not self.token:
            self.token = secrets.token_urlsafe(24)

    @property
    def files(self) -> Path:
        return files_dir(self.project)


class ProjectPool:
    """Open projects to borrow, one per concurrent request, at most ``size``.

    >>> from zhagen.examples import tiny_project
    >>> tiny = tiny_project()
    >>> tiny.close()
    >>> pool = ProjectPool(Path(tiny.path), size=2)
    >>> with pool.project() as p:
    ...     len(p.documents())
    3
    >>> pool.close()
    """

    def __init__(self, path: Path, size: int = 4) -> None:
        from zhagen.project import Project

        self.path = path
        self.size = max(1, size)
        self._free: queue.LifoQueue[Project] = queue.LifoQueue()
        self._all: list[Project] = []
        self._lock = threading.Lock()
        first = self._open()  # applies migrations once, fails early on a bad file
        self._all.append(first)
        self._free.put(first)
        self.checkpointer = Project.checkpointer(path)  # started with the server (lifespan)

    def _open(self) -> Project:
        from zhagen.project import Project

        return Project.open(self.path, server=True)

    def try_borrow(self) -> Project | None:
        """A free open project, or None (never blocks)."""
        try:
            return self._free.get_nowait()
        except queue.Empty:
            return None

    def give_back(self, p: Project) -> None:
        self._free.put(p)

    def borrow(self) -> Project:
        """A free project, a newly opened one, or the next one given back (blocks)."""
        p = self.try_borrow()
        if p is not None:
            return p
        with self._lock:
            if len(self._all) < self.size:
                p = self._open()  # migrations are already applied: a no-op
                self._all.append(p)
                return p
        try:
            return self._free.get(timeout=60)
        except queue.Empty:
            raise WebError(
                503, "busy", "服务器繁忙，请稍后再试", "the server is busy; try again shortly"
            ) from None

    @contextmanager
    def project(self) -> Iterator[Project]:
        """Borrow an open project for the duration of the block."""
        p = self.borrow()
        try:
            yield p
        finally:
            self.give_back(p)

    def close(self) -> None:
        """Close every connection, after a last checkpoint."""
        self.checkpointer.close()
        with self._lock:
            for p in self._all:
                p.close()
            self._all.clear()


class GroupWriter:
    """One thread that writes what it is given in batches: every job waiting when it starts
    a batch runs on the writer's own project inside ``Project.batch()`` (each job its own
    undoable edit, rolled back alone if it raises), the batch commits once, then every
    job's result or exception is handed back to the event loop in one call.

    Why: under load (several coders at once) a commit per coding wrote its pages to the
    write-ahead log again and again, and a worker-thread hop per request cost the event
    loop a wake-up each; a batch writes the shared pages once and wakes the loop once.
    Alone, a request is a batch of one: it waits for nothing. A job is answered only
    after its batch committed, so nothing acknowledged is lost; if the commit fails, every
    job of the batch gets that error.

    The writer's project is its own connection, opened (``small_edits``: statement
    journals in memory for good, a larger page cache) on the first batch and closed with
    the writer: it makes small edits only, and its cache stays warm between batches. The
    jobs wait in a ``queue.SimpleQueue`` (one C call to put, one to take).

    >>> import asyncio
    >>> from zhagen.examples import tiny_project
    >>> tiny = tiny_project()
    >>> tiny.close()
    >>> pool = ProjectPool(Path(tiny.path), size=2)
    >>> async def code_twice():
    ...     writer = GroupWriter(pool)
    ...     jobs = [writer.submit(lambda p, s=s: p.codings.add(1, s, s + 2, "政策支持"))
    ...             for s in (0, 3)]
    ...     ids = await asyncio.gather(*jobs)
    ...     writer.close()
    ...     return ids
    >>> ids = asyncio.run(code_twice())
    >>> with pool.project() as p:
    ...     sorted(p.codings().set_index("id").loc[ids, "start"])
    [0, 3]
    >>> pool.close()
    """

    #: At most this many jobs in one transaction (a batch holds the write lock).
    MAX_BATCH = 64

    def __init__(self, pool: ProjectPool) -> None:
        self.pool = pool
        self._jobs: queue.SimpleQueue[tuple[Any, Any, dict[str, float] | None, float] | None]
        self._jobs = queue.SimpleQueue()
        self._lock = threading.Lock()  # no job is put after the closing sentinel
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="zhagen-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Any, record: dict[str, float] | None = None) -> Any:
        """An asyncio future of ``job(project)`` (called on an event loop). ``record``:
        the request's Server-Timing phases, given ``queue`` (the wait for its batch) and
        ``thread`` (its batch's time)."""
        import asyncio
        import time

        future = asyncio.get_running_loop().create_future()
        with self._lock:
            if self._closed:
                raise WebError(503, "busy", "服务器正在停止", "the server is stopping")
            self._jobs.put((job, future, record, time.perf_counter()))
        return future

    def _take(self) -> tuple[list[Any], bool]:
        """The next batch (blocks for its first job), and whether the writer was closed."""
        first = self._jobs.get()
        batch = [] if first is None else [first]
        while len(batch) < self.MAX_BATCH:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
        return batch, first is None

    def _run(self) -> None:
        project = None
        try:
            while True:
                batch, closed = self._take()
                if batch:
                    if project is None:
                        project = self._open(batch)
                    if project is not None:
                        self._write(project, batch)
                if closed:  # nothing is put after the sentinel
                    return
        finally:
            if project is not None:
                project.close()

    def _open(self, batch: list[Any]) -> Project | None:
        """The writer's own project, or None (each job of the batch then gets the error)."""
        from zhagen.project import Project

        try:
            return Project.open(self.pool.path, server=True, small_edits=True)
        except Exception as exc:  # noqa: BLE001 - answered to the batch's requests
            self._answer([(future, False, exc) for _job, future, _r, _t in batch])
            return None

    def _write(self, p: Project, batch: list[Any]) -> None:
        import time

        start = time.perf_counter()
        done: list[tuple[Any, bool, Any]] = []
        try:
            with p.batch():
                for job, future, _record, _t in batch:
                    try:
                        with p.batch():  # the job's own savepoint: whatever it
                            value = job(p)  # wrote is undone if it raises
                        done.append((future, True, value))
                    except Exception as exc:  # noqa: BLE001 - answered to its request
                        done.append((future, False, exc))
        except Exception as exc:  # noqa: BLE001 - nothing of the batch was committed
            done = [(future, False, exc) for _job, future, _r, _t in batch]
        end = time.perf_counter()
        for _job, _future, record, queued in batch:
            if record is not None:
                record["queue"] = record.get("queue", 0.0) + (start - queued) * 1000
                record["thread"] = record.get("thread", 0.0) + (end - start) * 1000
        self._answer(done)

    @staticmethod
    def _answer(done: list[tuple[Any, bool, Any]]) -> None:
        loops: dict[Any, list[tuple[Any, bool, Any]]] = {}
        for answer in done:  # one wake-up per event loop (a server has one)
            loops.setdefault(answer[0].get_loop(), []).append(answer)
        for loop, answers in loops.items():
            try:
                loop.call_soon_threadsafe(_settle, answers)
            except RuntimeError:  # the loop is closed: nobody waits for the answers
                pass

    def close(self) -> None:
        """Finish the jobs submitted, then stop the thread (and close its project)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._jobs.put(None)
        self._thread.join()


def _settle(done: list[tuple[Any, bool, Any]]) -> None:
    for future, ok, value in done:
        if future.cancelled():  # the client went away
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


@dataclass
class WebConfig:
    """``web.json`` beside the project: accounts and the blind-coding switch."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path) -> WebConfig:
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise WebError(
                    500,
                    "config",
                    f"无法读取 {path}（{exc}）",
                    f"cannot read {path} ({exc})",
                ) from exc
        data.setdefault("users", {})
        data.setdefault("blind", False)
        return cls(path, data)

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self.data.get(key, default)

    def update(self, **values: Any) -> None:
        """Change keys and write the file at once (atomically, mode 0600)."""
        with self._lock:
            self.data.update(values)
            self._write()

    def set_user(self, name: str, record: dict[str, Any] | None) -> None:
        """Add, replace (record) or remove (None) an account."""
        with self._lock:
            users = dict(self.data.get("users", {}))
            if record is None:
                users.pop(name, None)
            else:
                users[name] = record
            self.data["users"] = users
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".web-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
