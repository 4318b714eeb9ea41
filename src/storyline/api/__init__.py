"""REST API (FastAPI).  Needs the ``server`` extra: pip install 'storyline[server]'."""
from __future__ import annotations


def create_app(*args, **kwargs):
    """See :func:`storyline.api.app.create_app` (imported lazily: FastAPI is an optional extra)."""
    try:
        from storyline.api.app import create_app as _create_app
    except ImportError as exc:
        from storyline.errors import MissingExtraError

        raise MissingExtraError(exc.name or "fastapi", "server", "the REST API and web UI") from exc
    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
