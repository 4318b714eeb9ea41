"""Blocking-key table of the duplicate stages (migration 0005), on every backend."""
import random

from storyline.corpus import update as up
from storyline.settings import load_settings
from storyline.store import open_store

from corpus_helpers import make_article

WORDS = "quay lantern orchard ferry council mooring budget signal meadow tower canal depot".split()


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(9)).capitalize() + "." for _ in range(20))


def test_keys_roundtrip_with_64_bit_values(db_url):
    big, small = 2**63 - 1, -(2**63)
    with open_store(db_url) as store:
        with store.transaction():
            for i, text in enumerate(("One body.", "Two body.", "Three body.")):
                art, raw = make_article(f"k{i}", text, published=f"2024-01-0{i + 1}")
                store.put_article(art, raw)
            store.put_dup_keys("k0", "minhash", [big, 5, 5])
            store.put_dup_keys("k1", "minhash", [small, 5])
            store.put_dup_keys("k2", "sentences", [5])
            store.put_vector("k0", "minhash", "m", b"\x01")
            store.put_vector("k2", "minhash", "m", b"\x02")
        assert sorted(store.dup_key_hits("minhash", [5, big, 7])) == [("k0", 5), ("k0", big), ("k1", 5)]
        assert store.dup_key_hits("sentences", [small]) == []
        with store.transaction():
            store.put_dup_keys("k0", "minhash", [7])  # replaces the article's keys of that kind
        assert sorted(store.dup_key_hits("minhash", [5, big, 7])) == [("k0", 7), ("k1", 5)]
        assert store.get_vectors(["k0", "k1", "k2", "nope"], "minhash", "m") == {"k0": b"\x01", "k2": b"\x02"}
        assert store.article_metas(["k1"])["k1"][0] == "2024-01-02"
        assert store.vectors_without_keys("minhash", "m", "minhash") == ["k2"]


def test_update_duplicates_on_every_backend(db_url):
    settings = load_settings(overrides={"duplicates": {"rewrites": False}}, environ={})
    base = _text(1)
    with open_store(db_url) as store:
        for i, (art_id, text, day) in enumerate((("orig", base, "02"), ("other", _text(2), "01"),
                                                 ("copy", base.replace("quay", "pier", 2), "03"))):
            art, raw = make_article(art_id, text, published=f"2024-02-{day}")
            with store.transaction():
                store.put_article(art, raw)
            with store.transaction():
                up.update_duplicates(store, settings, [art_id])
        assert [(d["copy"], d["original"], d["kind"]) for d in store.duplicates()] == [("copy", "orig", "near")]
