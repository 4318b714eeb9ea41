"""A small fictional corpus for the API and web tests (people, outlets and events are invented),
and a builder that ingests it into a fresh database with analysis on."""
from __future__ import annotations

import json
from pathlib import Path

HOSTILE_TITLE = '<script>window.pwned=1</script>Hostile "title" <img src=x onerror="window.pwned=2">'
HOSTILE_TEXT = (
    "Harbour notes <script>window.pwned = 3; alert('xss')</script> from the quay.\n\n"
    'Click <a href="javascript:window.pwned=4">here</a> or javascript:alert(document.cookie) now.\n\n'
    '<img src="x" onerror="window.pwned=5"> The council of Norway met on Tuesday, "We are safe," said '
    "Ada Quill, a fictional harbour warden.\n\n<svg onload=\"window.pwned=6\"></svg> End of notice.\n"
)

ARTICLES = [
    {"id": "strike-herald", "outlet": "Coastal Herald", "published": "2025-03-10",
     "url": "https://herald.example/strike", "title": "Dock workers in Port Alder walk out over pay",
     "text": "Dock workers in Port Alder walked out on Monday after talks on pay collapsed.\n\n"
             "\"We will not accept these terms,\" said Maria Olsen, the leader of the Alder Dockworkers Union.\n\n"
             "The government of Norway criticised the union on Monday and urged both sides to return to talks. "
             "Ships waiting in the bay were diverted to other ports.\n\n"
             "\"The port will stay closed until we have a fair offer,\" Olsen told reporters outside the gates.\n"},
    {"id": "strike-bay", "outlet": "Bay Times", "published": "2025-03-11",
     "url": "https://baytimes.example/dock-strike", "title": "Port Alder strike enters second day",
     "text": "The strike at Port Alder entered its second day on Tuesday as the Alder Dockworkers Union "
             "held a rally near the harbour.\n\n"
             "\"Nobody wants a long dispute,\" said Jonas Berg, a spokesman for the port authority.\n\n"
             "Maria Olsen said the union would meet the port authority on Thursday. Norway and Sweden "
             "agreed on Tuesday to share ferry capacity during the dispute.\n"},
    {"id": "bridge-post", "outlet": "Valley Post", "published": "2025-04-02",
     "url": "https://valleypost.example/bridge", "title": "New rail bridge over the Linden river opens",
     "text": "A new rail bridge over the Linden river opened on Wednesday, cutting the journey between "
             "Eastmoor and Westmoor by twenty minutes.\n\n"
             "\"This bridge joins two valleys that have waited a century,\" said Clara Vance, the regional "
             "transport minister.\n\nThe first train crossed the bridge at nine in the morning.\n"},
    {"id": "bridge-gazette", "outlet": "Linden Gazette", "published": "2025-04-03",
     "url": "https://lindengazette.example/rail", "title": "Linden rail bridge draws crowds on first day",
     "text": "Crowds gathered on Thursday to watch trains cross the new Linden rail bridge between Eastmoor "
             "and Westmoor.\n\n\"It is faster and it is beautiful,\" said Tomas Reed, a commuter from Eastmoor.\n\n"
             "Clara Vance said a second line would be planned next year.\n"},
    {"id": "hostile-note", "outlet": "Quay <b>Notes</b>", "published": "2025-04-05",
     "title": HOSTILE_TITLE, "text": HOSTILE_TEXT},
]


# A verbatim copy of the first article by another outlet (the duplicates layer should link it).
ARTICLES.insert(2, {**ARTICLES[0], "id": "strike-relay", "outlet": "Daily Relay", "published": "2025-03-11",
                    "url": "https://relay.example/port-alder"})


def write_jsonl(path: Path, articles: list[dict] = ARTICLES) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def build_db(folder: Path, articles: list[dict] = ARTICLES) -> Path:
    from storyline.app import ingest_and_update
    from storyline.settings import load_settings

    db = folder / "test.db"
    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"workers": 1, "analyze": True}},
                             environ={})
    report = ingest_and_update([write_jsonl(folder / "articles.jsonl", articles)], settings)
    assert report.failed == 0, report.to_dict()
    return db
