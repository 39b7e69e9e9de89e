"""One exception tree for every user-facing error.

``ZhagenError`` is the base. User errors (bad input, bad parameter, a damaged project file)
carry a message in Chinese and in English that names the file, line, record or parameter
and says what to do. Programmer errors stay ``ValueError`` / ``TypeError``.

::

    ZhagenError
    ├── InputError        a file or record that cannot be read (names file, record, line)
    ├── ParameterError    a parameter out of range or of the wrong form
    └── ProjectError      the project file is missing, not a zhagen project, or damaged
"""

from __future__ import annotations

__all__ = ["ZhagenError", "InputError", "ParameterError", "ProjectError", "where"]


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


def _rebuild(
    cls: type[ZhagenError],
    zh: str,
    en: str,
    file: str | None,
    record: int | None,
    line: int | None,
) -> ZhagenError:
    return cls(zh, en, file=file, record=record, line=line)
