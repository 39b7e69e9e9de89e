"""One exception tree for every user-facing error.

``ZhagenError`` is the base. User errors (bad input, bad parameter, a damaged project file)
carry a message in Chinese and in English that names the file, line, record or parameter
and says what to do. Programmer errors stay ``ValueError`` / ``TypeError``.

::

    ZhagenError
    ├── InputError        a file or record that cannot be read (names file, record, line)
    ├── ParameterError    a parameter out of range or of the wrong form
    ├── ProjectError      the project file is missing, not a zhagen project, or damaged
    └── DiskFullError     the disk filled up: free space and retry (nothing was lost)
"""

from __future__ import annotations

__all__ = [
    "ZhagenError",
    "InputError",
    "ParameterError",
    "ProjectError",
    "DiskFullError",
    "disk_full",
    "where",
]


def where(file: str | None = None, record: int | None = None, line: int | None = None) -> str:
    """Format a location as ``file:record 3:line 12`` (only the parts that are known).

    >>> where("a.txt", record=3)
    'a.txt: record 3'
    """
    parts = []
    if file:
        parts.append(str(file))
    loc = []
    if record is not None:
        loc.append(f"record {record}")
    if line is not None:
        loc.append(f"line {line}")
    if loc:
        return (parts[0] + ": " if parts else "") + ", ".join(loc)
    return parts[0] if parts else ""


class ZhagenError(Exception):
    """Base of all zhagen user errors.

    Parameters
    ----------
    zh, en:
        The message in Chinese and in English: what is wrong and what to do.
    file, record, line:
        Where the problem is, when known.
    """

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        file: str | None = None,
        record: int | None = None,
        line: int | None = None,
    ) -> None:
        self.zh = zh
        self.en = en
        self.file = file
        self.record = record
        self.line = line
        super().__init__(self.message)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled whole (a worker process raising it hands it to its parent): the default
        # would call the class with the one-line message only.
        return (_rebuild, (type(self), self.zh, self.en, self.file, self.record, self.line))

    @property
    def location(self) -> str:
        return where(self.file, self.record, self.line)

    @property
    def message(self) -> str:
        """One line: ``location: 中文 / English``."""
        loc = self.location
        return f"{loc + ': ' if loc else ''}{self.zh} / {self.en}"


class InputError(ZhagenError):
    """A file or record that cannot be read."""


class ParameterError(ZhagenError):
    """A parameter out of range or of the wrong form."""


class ProjectError(ZhagenError):
    """The project file is missing, not a zhagen project, or damaged."""


class DiskFullError(ZhagenError):
    """The disk (or the project's file system) is full; every write was rolled back."""

    http_status = 507  # Insufficient Storage


def disk_full(exc: BaseException) -> DiskFullError | None:
    """The :class:`DiskFullError` for an exception raised because the disk is full, else ``None``.

    SQLite reports ``SQLITE_FULL`` ("database or disk is full"); a file write, ``ENOSPC``
    or ``EDQUOT``. The transaction that failed was rolled back: what was saved before is
    intact, so the message says nothing was lost.

    >>> import errno
    >>> disk_full(OSError(errno.ENOSPC, "No space left on device")).en.split(":")[0]
    'disk full'
    >>> disk_full(ValueError("x")) is None
    True
    """
    import errno
    import sqlite3

    full = False
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        full = code == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    elif isinstance(exc, OSError):
        full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    if not full:
        return None
    return DiskFullError(
        "磁盘已满：请释放磁盘空间后重试；已保存的内容没有丢失（未完成的这一步已撤销）",
        "disk full: free space and retry; nothing was lost (the step that could not be "
        "finished was undone)",
    )


def _rebuild(
    cls: type[ZhagenError],
    zh: str,
    en: str,
    file: str | None,
    record: int | None,
    line: int | None,
) -> ZhagenError:
    return cls(zh, en, file=file, record=record, line=line)
