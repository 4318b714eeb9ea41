"""Helpers shared by the reliability tests: a tiny fictional corpus and settings for it."""
from __future__ import annotations

from pathlib import Path

from storyline.settings import load_settings

# Fictional towns, people and outlets written for these tests.
ARTICLES = {
    "ferry-a.txt": ("Ferry service to Brindlemoor resumes\n\nThe ferry link between Brindlemoor and Oskarvik "
                    "reopened on Monday after a two-week closure, the Brindlemoor harbour office said.\n\n"
                    "\"We are glad to have the boats running again,\" harbour master Tilda Varnholm told "
                    "reporters. Repairs to the pier cost the town council about 40,000 crowns.\n"),
    "ferry-b.html": ("<html><head><title>Brindlemoor ferry back</title></head><body><article>"
                     "<h1>Brindlemoor ferry back in service</h1><p>Boats between Brindlemoor and Oskarvik "
                     "sailed again on Monday, ending a closure caused by storm damage to the pier.</p>"
                     "<p>Harbour master Tilda Varnholm said the crossing would run on the winter timetable "
                     "until March.</p></article></body></html>"),
    "library.txt": ("Oskarvik library extends opening hours\n\nThe public library in Oskarvik will open on "
                    "Sundays from next month, councillor Emrik Saltdal announced on Thursday.\n\n"
                    "\"Reading rooms should be open when people are free,\" Saltdal said.\n"),
    "market.jsonl": ('{"id": "market-1", "title": "Market square works", "published": "2024-05-02", '
                     '"outlet": "Oskarvik Tidings", "text": "Works on the Oskarvik market square will start '
                     'in June, the council said. Traders will move to the harbour car park for six weeks."}\n'
                     '{"id": "market-2", "text": ""}\n'),
}


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def settings_for(db: Path, *, analyze: bool = True):
    return load_settings(overrides={"store": {"db": str(db)},
                                    "ingest": {"workers": 1, "analyze": analyze}})
