import pytest

from storyline.errors import ConfigError
from storyline.settings import load_settings


def test_defaults_file_env_and_overrides_layer(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('[store]\ndb = "from-file.db"\n[ingest]\nworkers = 3\n')
    s = load_settings(cfg, environ={"STORYLINE_INGEST__WORKERS": "2"}, overrides={"store": {"db": "flag.db"}})
    assert s.store.db == "flag.db" and s.ingest.workers == 2 and s.ingest.batch_size == 64


def test_db_shortcut_and_list_env():
    s = load_settings(environ={"STORYLINE_DB": "x.db", "STORYLINE_NLP__GAZETTEERS": "[a.jsonl, b.jsonl]"})
    assert s.store.db == "x.db" and s.nlp.gazetteers == ["a.jsonl", "b.jsonl"]


@pytest.mark.parametrize("toml,needle", [
    ('[ingest]\nworkres = 2\n', "ingest.workres"),
    ('[nonsense]\na = 1\n', "nonsense"),
    ('[ingest]\nworkers = "many"\n', "ingest.workers"),
    ('[ingest]\nmax_bytes = -1\n', "ingest.max_bytes"),
    ('[duplicates]\nrewrite_window_days = -3\n', "duplicates.rewrite_window_days"),
    ('not toml = = =', "not valid TOML"),
])
def test_unknown_or_invalid_keys_are_errors(tmp_path, toml, needle):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        load_settings(cfg, environ={})


def test_env_without_section_is_an_error():
    with pytest.raises(ConfigError, match="STORYLINE_WORKERS"):
        load_settings(environ={"STORYLINE_WORKERS": "2"})


def test_missing_config_file():
    with pytest.raises(ConfigError, match="not found"):
        load_settings("/nonexistent/storyline.toml", environ={})
