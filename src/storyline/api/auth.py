"""Bearer tokens for write endpoints.

A token is shown once when created; only its SHA-256 hash is stored (table ``api_tokens``,
migration 0003).  Tokens carry 256 bits of randomness, so a fast hash is safe here: there is
nothing to brute-force that a slow password hash would protect.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from storyline.store.sqlite import now

TOKEN_PREFIX = "sl_"


@dataclass
class TokenCheck:
    """Result of checking a presented token: ``ok``, or why not (``missing``/``unknown``/``revoked``)."""

    status: str
    token_id: str | None = None
    name: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store, name: str = "default") -> tuple[str, str]:
    """Create a token; returns ``(token_id, secret)``.  The secret is not stored and cannot be shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    with store.transaction() as conn:
        conn.execute("INSERT INTO api_tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)",
                     (token_id, name, hash_token(secret), now()))
    return token_id, secret


def list_tokens(store) -> list[dict]:
    return store.rows("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at, id")


def revoke_token(store, token_id: str) -> bool:
    """Revoke by id (or by name when unique).  False if no active token matched."""
    with store.transaction() as conn:
        cur = conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL",
                           (now(), token_id, token_id))
    return cur.rowcount > 0


def active_token_count(store) -> int:
    return store.rows("SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL")[0]["n"]


def check_token(store, presented: str | None) -> TokenCheck:
    """Look a presented secret up by its hash (the hash comparison in SQL leaks nothing useful:
    an attacker cannot choose hash prefixes)."""
    if not presented:
        return TokenCheck("missing")
    rows = store.rows("SELECT id, name, revoked_at FROM api_tokens WHERE hash = ?", (hash_token(presented),))
    if not rows:
        return TokenCheck("unknown")
    row = rows[0]
    if row["revoked_at"]:
        return TokenCheck("revoked", row["id"], row["name"])
    return TokenCheck("ok", row["id"], row["name"])


def touch_token(store, token_id: str) -> None:
    """Record the last use (best effort; a read-only database just skips it)."""
    try:
        with store.transaction() as conn:
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (now(), token_id))
    except Exception:  # noqa: BLE001 — bookkeeping must never fail a request
        pass


def bearer_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, credential = value.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()
