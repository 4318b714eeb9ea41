"""``storyline serve`` (REST API + web UI) and ``storyline token`` (API write tokens)."""
from __future__ import annotations

import ipaddress
import sys

import click

from storyline.cli.main import EXIT_SOME_FAILED, EXIT_USAGE, cli, db_option, open_db
from storyline.cli.output import emit, format_option


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything: treat as public


def _server_overrides(settings, max_body_mb, rate_limit, write_rate_limit, no_rate_limit):
    """Apply the serve flags to the ``[server]`` settings (validated: a bad rate is a usage error)."""
    from pydantic import ValidationError

    update = {"max_body_mb": max_body_mb, "rate_limit": rate_limit, "write_rate_limit": write_rate_limit,
              "rate_limiting": False if no_rate_limit else None}
    try:
        server = settings.server.model_validate({**settings.server.model_dump(),
                                                 **{k: v for k, v in update.items() if v is not None}})
    except ValidationError as exc:
        raise click.UsageError("; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
                                         for e in exc.errors())) from exc
    return settings.model_copy(update={"server": server})


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind. Anything but loopback "
              "needs at least one API token (storyline token create).")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--max-body-mb", type=float, default=None, help="Largest request body accepted, MiB  [default: 10, "
              "or server.max_body_mb]")
@click.option("--rate-limit", metavar="N/PERIOD", default=None, help="Requests per client IP, all endpoints (token "
              "bucket; bursts up to N)  [default: 120/min, or server.rate_limit]")
@click.option("--write-rate-limit", metavar="N/PERIOD", default=None, help="Write requests per API token  "
              "[default: 30/min, or server.write_rate_limit]")
@click.option("--no-rate-limit", is_flag=True, help="Turn rate limiting off (loopback clients are limited too "
              "unless this is given).")
@click.option("--allow-private-fetch", is_flag=True,
              help="Let /api/v1/ingest fetch from private, loopback and link-local addresses (off: SSRF guard).")
@click.option("--no-web", is_flag=True, help="Serve the REST API only (no HTML pages).")
@click.pass_obj
def serve(obj, db, host, port, max_body_mb, rate_limit, write_rate_limit, no_rate_limit, allow_private_fetch,
          no_web):
    """Serve the REST API (/api/v1, docs at /docs) and the web UI (/) over the database.

    Reads are open; writes (POST /api/v1/articles, /api/v1/ingest) need a bearer token.
    Requests are rate-limited per client IP and writes per token (429 + Retry-After).

    \b
    Example:
      storyline token create --name laptop
      storyline serve --db news.db --port 8000
    """
    try:
        import uvicorn

        from storyline.api import create_app
    except ImportError as exc:
        click.echo(f"error: 'storyline serve' needs the server extra ({exc.name} is missing): "
                   "pip install 'storyline[server]'", err=True)
        sys.exit(EXIT_USAGE)
    from storyline.api.auth import active_token_count

    store, settings = open_db(obj, db)
    settings = _server_overrides(settings, max_body_mb, rate_limit, write_rate_limit, no_rate_limit)
    with store:
        tokens = active_token_count(store)
    if not is_loopback(host) and tokens == 0:
        click.echo(f"error: refusing to listen on {host}: binding beyond loopback needs authentication, and "
                   f"{settings.store.db} has no active API token. Create one first:\n"
                   f"  storyline token create --db {settings.store.db}\n"
                   "or serve on 127.0.0.1 only.", err=True)
        sys.exit(EXIT_USAGE)
    from storyline.api.ratelimit import RateLimits

    app = create_app(settings.store.db, settings, allow_private_fetch=allow_private_fetch, web=not no_web,
                     rate_limits=RateLimits.from_settings(settings.server), write_process=True)
    server = settings.server
    limits = (f"rate limits {server.rate_limit} per client IP, {server.write_rate_limit} writes per token"
              if server.rate_limiting else "rate limiting off")
    click.echo(f"storyline: serving {settings.store.db} on http://{host}:{port}/ (API docs: /docs; {limits})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


@cli.group()
def token():
    """API tokens for write endpoints (only a hash of each token is stored)."""


@token.command("create")
@db_option
@click.option("--name", default="default", show_default=True, help="A label to recognise the token by.")
@click.pass_obj
def token_create(obj, db, name):
    """Create a token and print it once (it cannot be shown again)."""
    from storyline.api.auth import create_token

    store, settings = open_db(obj, db)
    with store:
        token_id, secret = create_token(store, name)
    click.echo(secret)
    click.echo(f"token {token_id} ('{name}') created in {settings.store.db}; store it now, it is not shown again. "
               "Use it as: Authorization: Bearer <token>", err=True)


@token.command("list")
@db_option
@format_option("table")
@click.pass_obj
def token_list(obj, db, fmt):
    """Tokens (id, name, created, last used, revoked) — never the secrets."""
    from storyline.api.auth import list_tokens

    store, _ = open_db(obj, db)
    with store:
        emit(list_tokens(store), fmt, ["id", "name", "created_at", "last_used_at", "revoked_at"])


@token.command("revoke")
@click.argument("token_id")
@db_option
@click.pass_obj
def token_revoke(obj, token_id, db):
    """Revoke a token by id (or by name)."""
    from storyline.api.auth import revoke_token

    store, _ = open_db(obj, db)
    with store:
        ok = revoke_token(store, token_id)
    if not ok:
        click.echo(f"error: no active token with id or name {token_id!r} (see: storyline token list)", err=True)
        sys.exit(EXIT_SOME_FAILED)
    click.echo(f"revoked {token_id}")
