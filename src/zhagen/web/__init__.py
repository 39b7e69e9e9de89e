"""The web workbench (``zhagen serve``): coding window and map window in the browser.

Importing this package is cheap; FastAPI, Starlette and Jinja2 are imported by
:func:`zhagen.web.app.create_app` only. See ``app.py`` (the application), ``auth.py``
(sessions, login, roles, CSRF), ``errors.py`` (one JSON error shape), ``i18n.py`` (all UI
strings), ``services/`` (the calls into the library) and ``routes/`` (thin HTTP routes).
"""

from __future__ import annotations

__all__ = ["create_app", "Settings"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`zhagen.web.app.create_app`."""
    from zhagen.web.app import create_app as build

    return build(*args, **kwargs)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "Settings":
        from zhagen.web.state import Settings

        return Settings
    raise AttributeError(name)
