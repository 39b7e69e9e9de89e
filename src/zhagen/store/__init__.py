"""The project file: one SQLite database. The only package that writes SQL.

``db`` opens files (pragmas, application id, migrations with a ``.bak`` copy, transactions);
``schema`` holds the named, ordered migrations; ``docs`` the queries on sources, documents,
sentences and problems; ``log`` the append-only change log.
"""

from zhagen.store.db import APPLICATION_ID, Store

__all__ = ["APPLICATION_ID", "Store"]
