"""Synthetic benchmark corpus generator: many articles with planted stories, copies and rewrites.

``generate_corpus(out_dir, n=10000)`` writes ``n`` articles built from templates and a small
vocabulary, together with ``truth.jsonl`` saying which story/topic each article belongs to and which
article it copies.  It exists to measure storyline at scale (speed, memory, duplicate and story
recall), not to produce readable news: the prose is formulaic by design.

What is planted:

* **topics** are kinds of event (talks, a vessel seizure, a flood ...); a **story** is one event of a
  kind, with its own invented officials, place, day and figures, reported by several outlets
  (independently written originals that share names, places and dates but not sentences);
* **exact copies** (same body, another outlet/format), **near copies** (a few words changed, a
  sentence added or dropped) and **rewrites** (sentence-level synonym substitution, clause
  reordering and filler, published a day later), each with ``copy_of`` pointing to its source;
* direct quotes in straight, curly and guillemet styles, reported speech and unnamed spokespeople;
  relative day expressions ("on Tuesday") resolvable against the publication date.

Output layout (streamed; memory stays bounded, n=100,000 works): ``articles/NNNN/<id>.txt|.html``
(1,000 files per folder), ``shards/part-NNNNN.jsonl`` (JSONL records with ``text`` or ``html``),
``meta.jsonl`` (sidecar for the .txt files: published, outlet, url), ``truth.jsonl`` and
``summary.json``.  Everything is deterministic given ``seed``.

All names (people, outlets, towns, firms) are generated from syllables and invented word lists;
countries are real ISO-3166 codes so that events can be coded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html as htmlmod
import json
import random
import re
import sys
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from storyline.errors import ConfigError

# ----------------------------------------------------------------------------------- vocabulary

COUNTRIES = [  # (ISO3, name, demonym, capital)
    ("NOR", "Norway", "Norwegian", "Oslo"), ("GBR", "Britain", "British", "London"),
    ("FRA", "France", "French", "Paris"), ("DEU", "Germany", "German", "Berlin"),
    ("ESP", "Spain", "Spanish", "Madrid"), ("ITA", "Italy", "Italian", "Rome"),
    ("POL", "Poland", "Polish", "Warsaw"), ("SWE", "Sweden", "Swedish", "Stockholm"),
    ("FIN", "Finland", "Finnish", "Helsinki"), ("DNK", "Denmark", "Danish", "Copenhagen"),
    ("PRT", "Portugal", "Portuguese", "Lisbon"), ("IRL", "Ireland", "Irish", "Dublin"),
    ("NLD", "the Netherlands", "Dutch", "The Hague"), ("GRC", "Greece", "Greek", "Athens"),
    ("TUR", "Turkey", "Turkish", "Ankara"), ("EGY", "Egypt", "Egyptian", "Cairo"),
    ("KEN", "Kenya", "Kenyan", "Nairobi"), ("NGA", "Nigeria", "Nigerian", "Abuja"),
    ("GHA", "Ghana", "Ghanaian", "Accra"), ("ZAF", "South Africa", "South African", "Pretoria"),
    ("IND", "India", "Indian", "New Delhi"), ("JPN", "Japan", "Japanese", "Tokyo"),
    ("KOR", "South Korea", "South Korean", "Seoul"), ("IDN", "Indonesia", "Indonesian", "Jakarta"),
    ("VNM", "Vietnam", "Vietnamese", "Hanoi"), ("AUS", "Australia", "Australian", "Canberra"),
    ("NZL", "New Zealand", "New Zealand", "Wellington"), ("CAN", "Canada", "Canadian", "Ottawa"),
    ("MEX", "Mexico", "Mexican", "Mexico City"), ("BRA", "Brazil", "Brazilian", "Brasilia"),
    ("ARG", "Argentina", "Argentine", "Buenos Aires"), ("CHL", "Chile", "Chilean", "Santiago"),
    ("PER", "Peru", "Peruvian", "Lima"), ("COL", "Colombia", "Colombian", "Bogota"),
    ("BOL", "Bolivia", "Bolivian", "La Paz"), ("MAR", "Morocco", "Moroccan", "Rabat"),
]
FIRST = ["Anna", "Tomas", "Ingrid", "Rafael", "Mei", "Kofi", "Lena", "Pavel", "Sofia", "Arjun", "Elena",
         "Jonas", "Amara", "Diego", "Hana", "Oskar", "Leila", "Marek", "Nadia", "Felix", "Ayla", "Bruno",
         "Clara", "Emeka", "Greta", "Hugo", "Ines", "Jakob", "Kira", "Luca", "Maya", "Nils", "Olga",
         "Pedro", "Rosa", "Samir", "Tara", "Viktor", "Wanjiru", "Yusuf", "Zofia", "Aiko", "Bram", "Cyra"]
SYL_A = ["Hal", "Mar", "Ost", "Bren", "Kal", "Vel", "Dun", "Sor", "Tam", "Gil", "Ryd", "Fen", "Lor", "Quen",
         "Bar", "Cor", "Dal", "Eck", "Har", "Ilv", "Jor", "Kes", "Lund", "Mor", "Nor", "Pell", "Ros", "Stav"]
SYL_B = ["vik", "berg", "ova", "ström", "ane", "ez", "ski", "den", "wick", "holt", "ard", "ino", "sen",
         "ley", "ura", "mont", "eda", "rath", "ovic", "ing", "isson", "ach", "ell", "oni"]
TOWN_B = ["haven", "ford", "mouth", "by", "stad", "bridge", "port", "vale", "field", "wick", "ness", "burg"]
OUTLET_A = ["Harbour", "Northgate", "Coastline", "Valley", "Meridian", "Tidewater", "Seaboard", "Highland",
            "Riverside", "Lakeshore", "Summit", "Eastgate", "Westmark", "Stonebridge", "Fairhaven", "Ironwood"]
OUTLET_B = ["Courier", "Daily", "Wire", "Ledger", "Review", "Gazette", "Times", "Observer", "Post", "Herald",
            "Chronicle", "Dispatch", "Star", "Record", "Bulletin", "Monitor"]
ORG_A = ["National", "Federation of", "Union of", "Association of", "Council of", "Alliance of"]
ORG_B = ["Fishermen", "Farmers", "Port Workers", "Exporters", "Hauliers", "Small Businesses", "Engineers",
         "Teachers", "Nurses", "Growers"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# Synonyms for rewrites and near copies (both directions are applied).
SYNONYMS = {
    "said": ["stated", "told reporters"], "talks": ["negotiations", "discussions"], "agreed": ["consented"],
    "officials": ["authorities"], "announced": ["declared", "unveiled"], "meeting": ["session", "gathering"],
    "government": ["administration"], "criticised": ["condemned", "attacked"], "warned": ["cautioned"],
    "large": ["big", "substantial"], "small": ["modest", "limited"], "quickly": ["swiftly", "rapidly"],
    "began": ["started", "opened"], "ended": ["concluded", "finished"], "help": ["assist", "support"],
    "people": ["residents", "citizens"], "country": ["nation"], "said on": ["stated on"],
    "expected": ["anticipated"], "important": ["significant", "key"], "decision": ["ruling", "move"],
    "week": ["seven days"], "tried": ["attempted"], "showed": ["indicated", "suggested"],
    "increase": ["rise"], "cut": ["reduction"], "plan": ["proposal", "scheme"], "crisis": ["emergency"],
    "area": ["region", "district"], "town": ["community"], "workers": ["staff", "employees"],
}
_SYN_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in SYNONYMS), key=len, reverse=True)) + r")\b")

# Generic filler grammar: subject x verb x noun phrase x predicate gives ~100k sentences, a third of the
# noun phrases carry the story's own slots, so filler is shared within a story more than across stories.
G_SUBJ = ["Analysts", "Local residents", "Opposition politicians", "Business leaders", "Observers",
          "Diplomats", "Economists", "Community groups", "Trade unions", "Several commentators",
          "Regional officials", "Independent experts", "Industry figures", "Campaigners", "Historians",
          "Some lawmakers", "Farmers' representatives", "Academics", "Former officials", "Shop owners"]
G_VERB = ["have long warned that", "say privately that", "pointed out that", "argued on social media that",
          "noted in recent weeks that", "have questioned whether", "believe that", "fear that",
          "suggested that", "have repeatedly said that", "told local radio that", "wrote in an open letter that",
          "acknowledged that", "insist that", "doubt that"]
G_NP = ["the issue", "the cost of living", "public confidence", "the timetable", "the budget", "the process",
        "local knowledge", "the economic impact", "long-term investment", "the official response",
        "public patience", "the legal framework", "the regional economy", "infrastructure spending",
        "the {subject} question", "the row over {subject}", "relations with {B}", "the government of {A}",
        "the economy of {town}", "the mood in {city}", "{Adem} public opinion", "the {Bdem} position",
        "the approach taken by {p1s}", "the handling of {subject}", "the situation around {city}"]
G_PRED = ["had been neglected for years", "would fall on ordinary families", "was too ambitious",
          "had been badly underestimated", "was running out", "did not tell the whole story",
          "needed urgent attention", "remained fragile", "would set a precedent", "needed more transparency",
          "would be decisive in the coming weeks", "had moved slower than promised", "had been ignored",
          "was still unclear", "had been made worse by the weather", "reflected deeper tensions",
          "would dominate the coming months", "had changed little since the last election",
          "could improve quickly with goodwill", "deserved a wider public debate"]
G_TAIL = ["", "", "", " in the long run", " despite official reassurances", " according to recent surveys",
          " even before the latest developments", " at least for now", " in private", " this year"]
INTRO_INTL = ("{Adem} minister {p1} led the delegation from {A}, while {B} was represented by {p2}.",
              "The {Adem} side was led by {p1}; {p2}, the {p2role}, spoke for {B}.",
              "{p1}, the {p1role}, and {p2}, the {p2role}, were both in {city}.")
INTRO_LOCAL = ("Local councillor {p1} said the whole of {town} had been affected.",
               "{p2}, who has lived in {town} for most of her life, described the scene.",
               "Council leader {p1} was among the first to comment.")
FILLER = ["Readers can follow all of our coverage on our website.", "The story is developing.",
          "This article has been updated with additional reporting.",
          "The subject has been a matter of public debate for some time.",
          "Further details were not immediately available."]


@dataclass(frozen=True)
class Topic:
    """A kind of event: templates share placeholders filled from a Story."""

    name: str
    cameo: str | None
    international: bool
    titles: tuple[str, ...]
    leads: tuple[str, ...]
    details: tuple[str, ...]
    quotes: tuple[str, ...]
    background: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic("bilateral-talks", "046", True,
          ("{A} and {B} hold talks in {city} on {subject}", "{Adem} and {Bdem} ministers meet over {subject}",
           "Talks in {city} aim to ease {subject} row"),
          ("{A} and {B} held talks in {city} {day} on {subject}, officials said.",
           "Ministers from {A} and {B} met in {city} {day} to discuss {subject}.",
           "{Adem} and {Bdem} negotiators sat down in {city} {day} for a new round of talks on {subject}."),
          ("The meeting between {p1} and {p2} lasted about {hours} hours.",
           "Delegations from both countries agreed to meet again within {weeks} weeks.",
           "The talks were the first face-to-face contact between the two ministers since {month}.",
           "Officials said the two sides had narrowed their differences on {subject}."),
          ("We came here to find solutions, not to repeat old positions", "Both sides listened carefully today",
           "There is still a long way to go, but today was useful"),
          ("Relations between {A} and {B} have been strained over {subject} for several years.",
           "Previous talks on {subject} ended without agreement in {month}.")),
    Topic("agreement-signed", "057", True,
          ("{A} and {B} sign agreement on {subject}", "{Adem}-{Bdem} pact on {subject} signed in {city}"),
          ("{A} and {B} signed an agreement on {subject} in {city} {day}.",
           "The governments of {A} and {B} {day} put their names to a long-awaited deal on {subject}."),
          ("The agreement was signed by {p1} and {p2} at a ceremony attended by about {n100} guests.",
           "Under the deal, a joint commission will meet every {weeks} weeks.",
           "The pact must still be ratified by both parliaments."),
          ("This agreement shows what patient diplomacy can achieve", "Today we start a new chapter",
           "The real work begins tomorrow"),
          ("Negotiations on the agreement began more than {years} years ago.",
           "Critics say the deal leaves the hardest questions unanswered.")),
    Topic("sanctions", "163", True,
          ("{A} imposes sanctions on {Bdem} firms over {subject}", "{A} announces new sanctions against {B}"),
          ("{A} imposed sanctions on {n10} {Bdem} companies {day}, citing {subject}.",
           "The government of {A} {day} announced sanctions targeting {Bdem} firms linked to {subject}."),
          ("{p1} told parliament the measures were targeted and reversible.",
           "The sanctions freeze assets worth an estimated {money} million.",
           "{B} called the measures unjustified and said it would respond."),
          ("These measures are targeted, proportionate and reversible", "We will not stand by and do nothing",
           "The door to dialogue remains open"),
          ("The dispute over {subject} has escalated since {month}.",
           "{B} has denied any wrongdoing.")),
    Topic("vessel-seizure", "171", True,
          ("{Adem} coast guard seizes {Bdem} vessel", "{B} protests after {A} seizes ship off {city}"),
          ("The {Adem} coast guard seized a {Bdem}-registered vessel near {city} {day}, officials said.",
           "{A} {day} detained a {Bdem} ship and its crew of {n10} off the coast near {city}."),
          ("The vessel, the {ship}, was escorted to the port of {city}.",
           "A spokesperson for the coast guard said the crew had cooperated fully.",
           "{B} summoned {A}'s ambassador to protest against the seizure."),
          ("The crew cooperated fully and nobody was hurt", "We are seeking urgent information",
           "This is a legal process, not a punishment"),
          ("Disputes over fishing and shipping lanes in the area are common.",
           "The owners of the {ship} said they would contest the seizure.")),
    Topic("protest", "141", True,
          ("Thousands protest in {city} over {subject}", "Protesters rally outside {Bdem} embassy in {city}"),
          ("Thousands of people protested in {city} {day} against {subject}.",
           "Several hundred demonstrators gathered outside the {Bdem} embassy in {city} {day}."),
          ("Police said the protest was largely peaceful and ended in the evening.",
           "Organisers from the {org} said about {n1000} people took part.",
           "Protesters carried banners criticising the government's handling of {subject}."),
          ("We will come back every week until someone listens", "Our patience has run out",
           "This is about our children's future"),
          ("Anger over {subject} has grown in recent months.", "More demonstrations are planned.")),
    Topic("humanitarian-aid", "073", True,
          ("{A} sends aid to {B} after {disaster}", "{Adem} aid convoy reaches {Bdem} town of {city}"),
          ("{A} sent emergency aid to {B} {day} after {disaster} hit the area around {city}.",
           "A convoy of {n10} {Adem} trucks carrying aid reached {city} in {B} {day}."),
          ("The aid includes water purification units, tents and medical supplies.",
           "{p1} said {A} had acted after a request from the {Bdem} government.",
           "About {n1000} people in the area are in need of assistance, officials said."),
          ("Neighbours do not wait to be asked twice", "We are grateful for this solidarity",
           "Every hour counts for the families affected"),
          ("The {disaster} is the worst to hit the region in decades.",
           "Aid agencies have warned that more help will be needed.")),
    Topic("accusation", "112", True,
          ("{A} accuses {B} of breaking deal on {subject}", "{Adem} minister accuses {B} over {subject}"),
          ("{A} accused {B} {day} of breaking its commitments on {subject}.",
           "{Adem} officials {day} accused {B} of acting in bad faith over {subject}."),
          ("{p1} said {B} had ignored repeated warnings.", "{B} rejected the accusation as baseless.",
           "{p2} criticised {A} for raising the issue in public."),
          ("The facts speak for themselves", "These accusations are completely unfounded",
           "We expect our partners to keep their word"),
          ("The row over {subject} has soured relations between the two countries.",
           "Both sides say they want to avoid further escalation.")),
    Topic("phone-call", "041", True,
          ("{Adem} and {Bdem} leaders hold phone call on {subject}", "{p1s} and {p2s} speak by phone"),
          ("{p1} and {p2} held a telephone call {day} to discuss {subject}, both governments said.",
           "The leaders of {A} and {B} spoke by phone {day} about {subject}."),
          ("The call lasted nearly an hour, according to a joint statement.",
           "Both sides agreed to keep their officials in close contact.",
           "It was the first call between the two since {month}."),
          ("It was a frank conversation, and a useful one", "We agreed to keep talking",
           "Dialogue is always better than silence"),
          ("Tensions over {subject} have risen in recent weeks.", "Officials said a visit could follow.")),
    Topic("local-festival", None, False,
          ("Thousands enjoy {town} {festival}", "{town} {festival} draws record crowds"),
          ("Thousands of visitors attended the {town} {festival} {day}, organisers said.",
           "The annual {festival} in {town} drew record crowds {day}."),
          ("Organisers said about {n1000} tickets had been sold.", "Roads in the town centre were closed until late evening.",
           "The event raised an estimated {money} thousand pounds for local charities."),
          ("This is the day our whole town comes together", "We could not have asked for better weather",
           "The volunteers made it all possible"),
          ("The {festival} was first held more than {years} years ago.", "Next year's date will be announced soon.")),
    Topic("local-flood", None, False,
          ("Floods hit {town} after heavy rain", "Residents of {town} clear up after flooding"),
          ("Heavy rain caused flooding in {town} {day}, forcing dozens of families from their homes.",
           "Parts of {town} were under water {day} after the river burst its banks."),
          ("Emergency services rescued {n10} people from cars and houses.", "Schools in the area will remain closed.",
           "The council opened a rest centre in the town hall."),
          ("The water came up so fast we had no time to move anything", "We will help every family get back home",
           "We have never seen anything like it"),
          ("The area was last flooded {years} years ago.", "Forecasters expect more rain later in the week.")),
    Topic("factory-closure", None, False,
          ("{company} to close {town} plant with loss of {n100} jobs", "Shock in {town} as {company} plant closes"),
          ("{company} said {day} it would close its plant in {town}, putting {n100} jobs at risk.",
           "Workers at the {company} factory in {town} were told {day} that the site would close."),
          ("Union officials said they would fight the decision.", "The company blamed rising energy costs.",
           "The plant has operated in the town for {years} years."),
          ("This is a devastating day for the town", "We did everything we could to keep the site open",
           "Our members deserve better than this"),
          ("Manufacturing employment in the area has fallen sharply.", "Local politicians called for government help.")),
    Topic("court-ruling", None, False,
          ("Court rules against {company} in {town} case", "Judge orders {company} to pay damages"),
          ("A court in {town} ruled {day} that {company} had broken environmental rules.",
           "{company} was ordered {day} to pay damages to residents of {town}."),
          ("The judge said the company had ignored repeated warnings.", "The company said it would appeal.",
           "Residents' lawyers said the damages totalled {money} thousand pounds."),
          ("Justice has been done at last", "We respect the court but disagree with its reasoning",
           "This ruling should be a warning to others"),
          ("The case took more than {years} years to reach court.", "Campaigners welcomed the decision.")),
)
SUBJECTS = ["fishing quotas", "border crossings", "water sharing", "energy prices", "trade tariffs",
            "migration", "air traffic rights", "a disputed pipeline", "grain exports", "rail links"]
DISASTERS = ["a severe drought", "floods", "an earthquake", "a landslide", "wildfires", "a cyclone"]
FESTIVALS = ["harbour festival", "marathon", "food fair", "music festival", "regatta", "book festival"]
COMPANIES_B = ["Industries", "Components", "Foods", "Textiles", "Steel", "Plastics", "Motors"]
QUOTE_MARKS = (('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"))


# ----------------------------------------------------------------------------------- stories


@dataclass
class Story:
    index: int
    id: str
    topic: Topic
    day: dt.date
    slots: dict[str, str]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(SYL_A)}{rng.choice(SYL_B)}"


def _town(rng: random.Random) -> str:
    return f"{rng.choice(SYL_A)}{rng.choice(TOWN_B)}"


def make_story(seed: int, index: int, start: dt.date, days: int, n_stories: int) -> Story:
    """Story ``index``: derived from (seed, index) alone, so it can be rebuilt instead of stored."""
    rng = random.Random(f"story:{seed}:{index}")
    topic = TOPICS[rng.randrange(len(TOPICS))]
    day = start + dt.timedelta(days=int(index * days / max(1, n_stories)) + rng.randrange(2))
    a, b = rng.sample(COUNTRIES, 2)
    p1, p2 = _name(rng), _name(rng)
    slots = {
        "A": a[1], "B": b[1], "Adem": a[2], "Bdem": b[2], "Aiso": a[0], "Biso": b[0],
        "city": rng.choice([a[3], b[3], _town(rng)]), "town": _town(rng),
        "p1": p1, "p2": p2, "p1s": p1.split()[-1], "p2s": p2.split()[-1],
        "p1role": f"{a[2]} minister", "p2role": f"{b[2]} minister",
        "subject": rng.choice(SUBJECTS), "disaster": rng.choice(DISASTERS), "festival": rng.choice(FESTIVALS),
        "company": f"{rng.choice(SYL_A)}{rng.choice(SYL_B)} {rng.choice(COMPANIES_B)}",
        "org": f"{rng.choice(ORG_A)} {rng.choice(ORG_B)}", "ship": f"{rng.choice(SYL_A)}{rng.choice(SYL_B)} Star",
        "hours": str(rng.randint(2, 9)), "weeks": str(rng.randint(2, 6)), "years": str(rng.randint(3, 40)),
        "n10": str(rng.randint(3, 60)), "n100": str(rng.randint(100, 900)),
        "n1000": f"{rng.randint(1, 60) * 1000:,}", "money": str(rng.randint(2, 950)),
        "month": rng.choice(MONTHS), "spokes": f"{rng.choice(FIRST)} {rng.choice(SYL_A)}{rng.choice(SYL_B)}",
    }
    return Story(index, f"s{index:06d}", topic, day, slots)


def day_phrase(event: dt.date, published: dt.date, rng: random.Random) -> str:
    """A day expression that resolves to ``event`` against ``published`` (relative when close)."""
    gap = (published - event).days
    if gap == 0 and rng.random() < 0.5:
        return "today"
    if 0 <= gap <= 5 and rng.random() < 0.75:
        return f"on {WEEKDAYS[event.weekday()]}"
    return f"on {event.day} {MONTHS[event.month - 1]}"


# ----------------------------------------------------------------------------------- text


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def _filler_sentence(rng: random.Random, slots: dict[str, str] | None = None) -> str:
    np_ = rng.choice(G_NP)
    if "{" in np_:
        np_ = np_.format_map(slots) if slots else "the issue"
    return f"{rng.choice(G_SUBJ)} {rng.choice(G_VERB)} {np_} {rng.choice(G_PRED)}{rng.choice(G_TAIL)}."


def _quote_paragraph(story: Story, rng: random.Random, slots: dict[str, str]) -> str:
    """One quote: direct (three mark styles), reported speech, or an unnamed spokesperson."""
    text = rng.choice(story.topic.quotes)
    who_full, who_short = (slots["p1"], slots["p1s"]) if rng.random() < 0.6 else (slots["p2"], slots["p2s"])
    style = rng.random()
    if style < 0.15:
        return f"{who_full} said that {text[0].lower()}{text[1:]}."
    if style < 0.25:
        o, c = rng.choice(QUOTE_MARKS)
        return f"{o}{text},{c} a spokesperson said, asking not to be named."
    o, c = QUOTE_MARKS[0] if style < 0.6 else rng.choice(QUOTE_MARKS)
    if rng.random() < 0.5:
        return f"{o}{text},{c} {who_short} said."
    return f"{who_full} said: {o}{text}.{c}"


def compose_article(story: Story, published: dt.date, rng: random.Random) -> tuple[str, list[str]]:
    """Title and paragraphs of an original report of ``story`` (300-800 words)."""
    slots = dict(story.slots, day=day_phrase(story.day, published, rng))
    t = story.topic
    title = _fill(rng.choice(t.titles), slots)
    title = title[0].upper() + title[1:]
    target = rng.randint(300, 800)
    paras = [_fill(rng.choice(t.leads), slots), _fill(rng.choice(INTRO_INTL if t.international else INTRO_LOCAL), slots)]
    pool = list(t.details) + list(t.background)
    rng.shuffle(pool)
    for sent in pool:
        if rng.random() < 0.3:
            paras.append(_quote_paragraph(story, rng, slots))
        paras.append(_fill(sent, slots) + (" " + _filler_sentence(rng, slots) if rng.random() < 0.5 else ""))
    paras.append(_quote_paragraph(story, rng, slots))
    words = sum(len(p.split()) for p in paras)
    while words < target:  # top up with generic filler paragraphs
        para = " ".join(_filler_sentence(rng, slots) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        words += len(para.split())
    return title, paras


def near_copy(paras: list[str], rng: random.Random) -> list[str]:
    """A few words changed and a sentence added or dropped: what a lightly edited syndication looks like."""
    out = list(paras)
    changed, tries = 0, 0
    while changed < rng.randint(2, 5) and tries < 50:  # bounded: some texts have few swappable words
        tries += 1
        i = rng.randrange(len(out))
        new = _SYN_RE.sub(lambda m: rng.choice(SYNONYMS[m.group(1)]), out[i], count=1)
        changed += new != out[i]
        out[i] = new
    if changed == 0 or rng.random() < 0.6:
        out.insert(rng.randint(1, len(out)), _filler_sentence(rng))
    elif len(out) > 4:
        del out[rng.randrange(1, len(out))]
    return out


_SENT_RE = re.compile(r"(?<=[.!?\u201d\"\u00bb])\s+(?=[A-Z\u201c\"\u00ab])")
_SAID_RE = re.compile(r"^(.+?) said (that )?(.+)\.$")


def rewrite(paras: list[str], rng: random.Random) -> list[str]:
    """Sentence-level paraphrase: synonyms, 'X said Y' -> 'Y, X said', local reordering, filler."""
    out: list[str] = []
    for para in paras:
        sents = _SENT_RE.split(para)
        new = []
        for s in sents:
            s = _SYN_RE.sub(lambda m: rng.choice(SYNONYMS[m.group(1)]), s)
            m = _SAID_RE.match(s)
            if m and '"' not in s and "\u201c" not in s and len(m.group(1).split()) <= 4:
                s = f"{m.group(3)[0].upper()}{m.group(3)[1:]}, {m.group(1)} said."
            new.append(s)
        if len(new) > 1 and rng.random() < 0.4:
            new[0], new[1] = new[1], new[0]
        out.append(" ".join(new))
    if len(out) > 3:  # swap two body paragraphs, keep the lead in place
        i = rng.randrange(1, len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    for _ in range(rng.randint(1, 3)):
        out.insert(rng.randint(1, len(out)), rng.choice(FILLER))
    return out


# ----------------------------------------------------------------------------------- rendering


def outlet_name(i: int) -> str:
    return f"The {OUTLET_A[i % len(OUTLET_A)]} {OUTLET_B[(i // len(OUTLET_A)) % len(OUTLET_B)]}"


def outlet_domain(name: str) -> str:
    return name.lower().removeprefix("the ").replace(" ", "") + ".example"


def render_html(title: str, paras: list[str], outlet: str, published: dt.date, url: str) -> str:
    t = htmlmod.escape(title)
    ts = f"{published.isoformat()}T08:00:00+00:00"
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": ts, "publisher": {"@type": "Organization", "name": outlet}})
    body = "\n".join(f"<p>{htmlmod.escape(p, quote=False)}</p>" for p in paras)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{t} | {htmlmod.escape(outlet)}</title>\n'
            f'<meta property="og:title" content="{t}">\n<meta property="article:published_time" content="{ts}">\n'
            f'<link rel="canonical" href="{url}">\n<script type="application/ld+json">{ld}</script></head>\n'
            f'<body><div class="cookie">We use cookies. <button>Accept all</button></div>\n'
            f'<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>\n'
            f'<main><article><h1>{t}</h1><p class="byline">By staff reporter</p>\n<div class="article-body">\n{body}\n</div>'
            f'</article>\n<aside><h2>Most read</h2><ul><li><a href="/x">Weather warning for the weekend</a></li></ul></aside>'
            f'</main>\n<footer>&copy; {published.year} {htmlmod.escape(outlet)}. All rights reserved.</footer></body></html>\n')


# ----------------------------------------------------------------------------------- writer


@dataclass
class _Source:
    """What copies need of an earlier article (kept in a bounded buffer)."""

    id: str
    story: str
    topic: str
    title: str
    paras: list[str]
    published: dt.date
    event_date: dt.date


@dataclass
class _Writer:
    out: Path
    shard_size: int
    meta: TextIO
    shard: TextIO | None = None
    shard_no: int = -1
    shard_count: int = 0
    bytes: int = 0
    formats: Counter = field(default_factory=Counter)

    def write(self, doc_id: str, fmt: str, title: str, paras: list[str], outlet: str, published: dt.date,
              url: str, n: int) -> str:
        if fmt == "jsonl":
            return self._jsonl(doc_id, title, paras, outlet, published, url, n)
        folder = self.out / "articles" / f"{n // 1000:04d}"
        if n % 1000 == 0 or not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            data = render_html(title, paras, outlet, published, url)
            path = folder / f"{doc_id}.html"
        else:
            data = title + "\n\n" + "\n\n".join(paras) + "\n"
            path = folder / f"{doc_id}.txt"
            self.meta.write(json.dumps({"id": doc_id, "published": published.isoformat(), "outlet": outlet,
                                        "url": url}) + "\n")
        raw = data.encode("utf-8")
        path.write_bytes(raw)
        self.bytes += len(raw)
        self.formats[fmt] += 1
        return str(path.relative_to(self.out))

    def _jsonl(self, doc_id: str, title: str, paras: list[str], outlet: str, published: dt.date, url: str,
               n: int) -> str:
        if self.shard is None or self.shard_count >= self.shard_size:
            if self.shard:
                self.shard.close()
            self.shard_no += 1
            self.shard_count = 0
            (self.out / "shards").mkdir(exist_ok=True)
            self.shard = (self.out / "shards" / f"part-{self.shard_no:05d}.jsonl").open("w", encoding="utf-8")
        rec: dict[str, Any] = {"id": doc_id, "title": title, "url": url, "outlet": outlet,
                               "published": published.isoformat()}
        if n % 2:
            rec["html"] = render_html(title, paras, outlet, published, url)
        else:
            rec["text"] = "\n\n".join(paras)
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        self.shard.write(line)
        self.shard_count += 1
        self.bytes += len(line.encode("utf-8"))
        self.formats["jsonl"] += 1
        return f"shards/part-{self.shard_no:05d}.jsonl#{self.shard_count}"

    def close(self) -> None:
        if self.shard:
            self.shard.close()


def _check_args(n: int, rates: dict[str, float], stories: int | None) -> None:
    if not isinstance(n, int) or n < 1:
        raise ConfigError(f"n must be a positive integer, got {n!r}")
    for name, value in rates.items():
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{name} must be between 0 and 1, got {value!r}")
    if rates["near_copy_rate"] + rates["rewrite_rate"] + rates["exact_copy_rate"] > 0.9:
        raise ConfigError("near_copy_rate + rewrite_rate + exact_copy_rate must leave room for originals (<= 0.9)")
    if rates["html_rate"] + rates["jsonl_rate"] > 1.0:
        raise ConfigError("html_rate + jsonl_rate must not exceed 1")
    if stories is not None and (not isinstance(stories, int) or stories < 1):
        raise ConfigError(f"stories must be a positive integer or None, got {stories!r}")


def generate_corpus(out_dir: str | Path, n: int = 10000, seed: int = 0, near_copy_rate: float = 0.10,
                    rewrite_rate: float = 0.03, html_rate: float = 0.4, stories: int | None = None,
                    exact_copy_rate: float = 0.02, jsonl_rate: float = 0.1, outlets: int = 40,
                    start: str = "2025-01-01", days: int = 365, shard_size: int = 1000) -> dict[str, Any]:
    """Write a synthetic corpus of ``n`` articles to ``out_dir``; return a summary dict.

    ``stories`` is the number of distinct events (default ``n // 8``: about 7 originals each, plus
    copies).  Articles come out roughly in story order (by date), so copies and rewrites can point to
    a recent source held in a bounded buffer: memory does not grow with ``n``.
    """
    rates = dict(near_copy_rate=near_copy_rate, rewrite_rate=rewrite_rate, html_rate=html_rate,
                 exact_copy_rate=exact_copy_rate, jsonl_rate=jsonl_rate)
    _check_args(n, rates, stories)
    n_stories = stories or max(1, n // 8)
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} is not empty; give a new or empty folder for the generated corpus")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    try:
        start_day = dt.date.fromisoformat(start)
    except ValueError as exc:
        raise ConfigError(f"start must be a YYYY-MM-DD date, got {start!r}") from exc

    rng = random.Random(seed)
    cameo_of = {t.name: t.cameo for t in TOPICS}
    recent: deque[_Source] = deque(maxlen=400)
    cache: OrderedDict[int, Story] = OrderedDict()  # bounded: stories are visited in order
    kinds: Counter = Counter()
    used_stories: set[int] = set()
    used_topics: set[str] = set()
    with (out / "meta.jsonl").open("w", encoding="utf-8") as meta, \
            (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        writer = _Writer(out, shard_size, meta)
        for i in range(n):
            doc_id = f"g{i:07d}"
            outlet = outlet_name(rng.randrange(outlets))
            r = rng.random()
            if recent and r < exact_copy_rate + near_copy_rate + rewrite_rate:
                src = rng.choice(recent)
                if r < exact_copy_rate:
                    kind, paras, title, pub = "exact_copy", src.paras, src.title, src.published
                elif r < exact_copy_rate + near_copy_rate:
                    kind, paras = "near_copy", near_copy(src.paras, rng)
                    title, pub = src.title, src.published + dt.timedelta(days=rng.randrange(2))
                else:
                    kind, paras = "rewrite", rewrite(src.paras, rng)
                    title, pub = "Report: " + src.title, src.published + dt.timedelta(days=1)
                story_id, topic, copy_of, event_date = src.story, src.topic, src.id, src.event_date
            else:
                k = min(n_stories - 1, int(i * n_stories / n) + rng.randint(-2, 2))
                k = max(0, k)
                if k not in cache:
                    cache[k] = make_story(seed, k, start_day, days, n_stories)
                    while len(cache) > 64:
                        cache.popitem(last=False)
                story = cache[k]
                used_stories.add(k)
                used_topics.add(story.topic.name)
                pub = story.day + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
                title, paras = compose_article(story, pub, rng)
                kind, story_id, topic, copy_of, event_date = "original", story.id, story.topic.name, None, story.day
                recent.append(_Source(doc_id, story_id, topic, title, paras, pub, event_date))
            fr = rng.random()
            fmt = "jsonl" if fr < jsonl_rate else "html" if fr < jsonl_rate + html_rate else "txt"
            url = f"https://www.{outlet_domain(outlet)}/news/{pub:%Y/%m/%d}/{doc_id}"
            where = writer.write(doc_id, fmt, title, paras, outlet, pub, url, i)
            truth.write(json.dumps({"id": doc_id, "story": story_id, "topic": topic, "copy_of": copy_of,
                                    "kind": kind, "file": where, "format": fmt, "outlet": outlet,
                                    "published": pub.isoformat(), "event_date": event_date.isoformat(),
                                    "cameo": cameo_of.get(topic)}) + "\n")
            kinds[kind] += 1
        writer.close()
    summary = {"out_dir": str(out), "n": n, "seed": seed, "stories": len(used_stories), "topics": len(used_topics),
               "kinds": dict(kinds), "formats": dict(writer.formats), "bytes": writer.bytes,
               "truth": str(out / "truth.jsonl"), "meta": str(out / "meta.jsonl")}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m storyline.demo.generate",
                                description="Write a synthetic benchmark corpus with planted stories and copies.")
    p.add_argument("out", help="output folder (new or empty)")
    p.add_argument("--n", type=int, default=10000, help="number of articles (default 10000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stories", type=int, default=None, help="number of distinct events (default n // 8)")
    p.add_argument("--near-copy-rate", type=float, default=0.10)
    p.add_argument("--rewrite-rate", type=float, default=0.03)
    p.add_argument("--exact-copy-rate", type=float, default=0.02)
    p.add_argument("--html-rate", type=float, default=0.4)
    p.add_argument("--jsonl-rate", type=float, default=0.1)
    a = p.parse_args(argv)
    try:
        summary = generate_corpus(a.out, n=a.n, seed=a.seed, stories=a.stories, near_copy_rate=a.near_copy_rate,
                                  rewrite_rate=a.rewrite_rate, exact_copy_rate=a.exact_copy_rate,
                                  html_rate=a.html_rate, jsonl_rate=a.jsonl_rate)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
