"""CAMEO-coded events from a dependency parse: who did what to whom, when.

Precision first (GDELT's best-known fault is coding every sentence that looks like an event).  A
sentence is coded only when all of these hold:

* a predicate from ``data/cameo_verbs.tsv`` (a verb, a light verb with an event noun such as
  "held talks", or an event noun with an attached actor such as "Ukrainian strikes on ...");
* an actor *and* a target that both resolve to a country (``data/actors.tsv`` + entity mentions +
  titles such as "French President" or "Russia's Vladimir Putin"), and the two countries differ
  (domestic dyads are left out: within-country coding needs far more actor knowledge);
* the predicate is realised: not negated, not modal ("would", "could", ...), not conditional
  ("if", "unless", "until"), not a question, not inside quotation marks, not the content of a
  reported-speech clause ("X said that Y attacked Z").  A clear future meeting ("X will meet Y")
  is coded as CAMEO 036 (intent to meet), every other future predicate is skipped.

Dates: a day-precision time expression in the predicate's clause (else, if the sentence holds exactly
one, that one) gives ``date_source="text"``; a week or range gives its first day with
``date_source="text-approx"``.  Otherwise the publication date is used: ``"published"`` for present-
tense reports, ``"published-1"`` (the day before publication) for past-tense ones, because news
mostly reports the previous day's events.  Both fallbacks are approximate and flagged as such.
Clauses whose only time expressions are coarser than a week ("in 2019", "in February") are skipped:
they are background we cannot date.

Pronoun actors are not resolved, except a possessive pronoun on the event-noun object of a light
verb ("X wrapped up *his* call with Y"), which refers to the subject.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import InputError
from storyline.nlp.doctext import doc_text, span_text, token_strings
from storyline.records import EventMention, Mention, TimeExpr

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CAMEO_FILE = DATA_DIR / "cameo.tsv"
VERBS_FILE = DATA_DIR / "cameo_verbs.tsv"
ACTORS_FILE = DATA_DIR / "actors.tsv"

MODALS = {"would", "could", "might", "may", "should", "must", "can", "ought", "'d", "cannot"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
CONDITIONAL_MARKS = {"if", "unless", "whether", "until", "lest", "once", "till"}
# A speech / cognition verb makes its clausal complement reported content, not an observed event.
REPORTING = {
    "say", "tell", "announce", "report", "claim", "state", "add", "write", "believe", "think",
    "hope", "expect", "fear", "suggest", "insist", "argue", "remark", "confirm", "deny", "warn",
    "indicate", "note", "stress", "assert", "allege", "predict", "worry", "doubt", "signal", "want",
    "agree", "acknowledge", "admit", "concede", "know", "understand", "hint", "suspect", "reckon",
}
# Heads that realise an infinitive under them ("used drones to strike", "continues to reject").
REALISING_HEADS = {"use", "continue", "begin", "start", "go on", "keep", "employ"}
# Adjectives that make an event noun hypothetical ("a possible summit").
HEDGE_ADJ = {
    "potential", "possible", "future", "proposed", "planned", "next", "expected", "hypothetical",
    "early", "upcoming", "imminent", "eventual", "prospective", "likely", "new",
}
# Heads that make an event noun under them unrealised ("sought a meeting", "the idea of talks").
INTENT_HEADS = {
    # verbs
    "seek", "want", "propose", "request", "push", "call", "demand", "plan", "prepare", "hope", "offer",
    "dismiss", "reject", "rule", "expect", "consider", "urge", "await", "suggest", "need",
    # nouns
    "idea", "prospect", "possibility", "chance", "proposal", "preparation", "talk", "expectation",
}
TARGET_PREPS = {"with", "against", "on", "to", "at", "into", "toward", "towards", "upon"}
NOUN_TARGET_PREPS = {"with", "against", "on", "to", "at", "into", "toward", "towards", "of"}
TEMPORAL_PREPS = {"after", "following", "before", "during"}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")


# ------------------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Rule:
    kind: str  # V | N | L
    head: str  # lemma of the verb / event noun
    words: tuple[str, ...] = ()  # V, L: particles or prepositions; N: required modifiers
    obj: str | None = None  # V: required object lemma ("=sanction")
    oprd: bool = False
    cameo: str = ""
    targets: frozenset[str] = frozenset({"obj"})

    @property
    def specificity(self) -> int:
        return len(self.words) + (self.obj is not None) + self.oprd


@dataclass(frozen=True)
class ActorInfo:
    country: str | None
    role: str | None
    kind: str


@dataclass
class Lexicon:
    """Verb patterns, actor dictionary and the CAMEO code table, loaded from TSV files."""

    rules: dict[tuple[str, str], list[Rule]] = field(default_factory=dict)  # (kind, head) -> rules
    actors: dict[str, ActorInfo] = field(default_factory=dict)  # normalised alias -> info
    cameo: dict[str, tuple[str, float, int]] = field(default_factory=dict)  # code -> label, goldstein, quad

    def rules_for(self, kind: str, head: str) -> list[Rule]:
        return self.rules.get((kind, head), [])

    def actor(self, text: str) -> ActorInfo | None:
        return self.actors.get(norm_alias(text))


def norm_alias(text: str) -> str:
    """Case-, dot-, hyphen- and article-insensitive key: "the U.S." / "U-S" -> "us"."""
    s = text.lower().replace("’", "'").strip()
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"(?<=\b\w)[.\-](?=\w\b)", "", s)  # U.S / U-S -> US
    s = s.replace(".", "")
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s).strip()


def _data_lines(path: Path) -> Iterable[list[str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read event-coding data file ({exc}); reinstall storyline "
                                    "or fix the path of your extension file") from exc
    header_seen = False
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if not header_seen:
            header_seen = True
            continue
        yield cols


def _parse_rule(cols: list[str], path: Path) -> Rule:
    if len(cols) < 3 or cols[0] not in ("V", "N", "L"):
        raise InputError(str(path), f"bad pattern row {cols!r}: want kind (V/N/L), pattern, cameo[, target]")
    kind, pattern, cameo = cols[0], cols[1].lower().split(), cols[2]
    targets = frozenset(t.strip() for t in (cols[3] if len(cols) > 3 and cols[3] else "obj").split(","))
    if kind == "N":
        return Rule(kind, pattern[-1], tuple(pattern[:-1]), cameo=cameo, targets=targets)
    head, rest = pattern[0], pattern[1:]
    words = tuple(w for w in rest if w[0] not in "=+")
    obj = next((w[1:] for w in rest if w.startswith("=")), None)
    return Rule(kind, head, words, obj, "+oprd" in rest, cameo, targets)


def load_lexicon(verb_files: Sequence[str | Path] = (), actor_files: Sequence[str | Path] = ()) -> Lexicon:
    """The packaged tables, then the given extension files (later rows override earlier ones)."""
    return _load_lexicon(tuple(str(p) for p in verb_files), tuple(str(p) for p in actor_files))


@functools.lru_cache(maxsize=8)
def _load_lexicon(verb_files: tuple[str, ...], actor_files: tuple[str, ...]) -> Lexicon:
    lex = Lexicon()
    for cols in _data_lines(CAMEO_FILE):
        lex.cameo[cols[0]] = (cols[1], float(cols[2]), int(cols[3]))
    for path in (VERBS_FILE, *map(Path, verb_files)):
        for cols in _data_lines(path):
            rule = _parse_rule(cols, path)
            if rule.kind != "L" and rule.cameo not in lex.cameo:
                raise InputError(str(path), f"unknown CAMEO code {rule.cameo!r} in row {cols!r}")
            lex.rules.setdefault((rule.kind, rule.head), []).append(rule)
    for rules in lex.rules.values():
        rules.sort(key=lambda r: -r.specificity)
    for path in (ACTORS_FILE, *map(Path, actor_files)):
        for cols in _data_lines(path):
            if len(cols) < 3:
                raise InputError(str(path), f"bad actor row {cols!r}: want alias, country, role[, kind]")
            country = None if cols[1] in ("", "-") else cols[1].upper()
            role = None if cols[2] in ("", "-") else cols[2].upper()
            lex.actors[norm_alias(cols[0])] = ActorInfo(country, role, cols[3] if len(cols) > 3 else "")
    return lex


def default_lexicon() -> Lexicon:
    return load_lexicon()


def cameo_info(code: str, lexicon: Lexicon | None = None) -> tuple[str, float, int] | None:
    """(label, Goldstein score, QuadClass) of a CAMEO code, falling back to its parent codes."""
    table = (lexicon or default_lexicon()).cameo
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def actor_role(name: str | None, lexicon: Lexicon | None = None) -> str | None:
    """CAMEO role (GOV, MIL, ...) of a named actor, from the actor table (for exports)."""
    if not name:
        return None
    lex = lexicon or default_lexicon()
    info = lex.actor(name) or lex.actor(name.split()[-1])
    if info and info.role:
        return info.role
    words = norm_alias(name).split()
    for n in (2, 1):  # "Russian forces" -> MIL, "US Vice President" -> GOV
        if len(words) >= n:
            hit = lex.actor(" ".join(words[-n:]))
            if hit and hit.kind == "role":
                return hit.role
    return None


# ------------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class Actor:
    name: str
    country: str
    role: str | None
    token: int  # head token index


class _Context:
    """Per-document lookups shared by the coding functions."""

    def __init__(self, doc, mentions: Sequence[Mention], times: Sequence[TimeExpr],
                 published: str | None, lex: Lexicon):
        self.doc, self.lex = doc, lex
        self.published = _parse_day(published)
        self.mention_at: dict[int, Mention] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand") if 0 <= m.start < m.end else None
            for tok in span or ():
                self.mention_at.setdefault(tok.i, m)
        self.times = [t for t in times if t.kind != "duration"]
        self.text = doc_text(doc)
        self.quoted = _quoted_regions(self.text)

    def in_quotes(self, tok) -> bool:
        return any(a <= tok.idx < b for a, b in self.quoted)


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_QUOTE_OR_BREAK = re.compile('[\n“«"”»]')


def _quoted_regions(text: str) -> list[tuple[int, int]]:
    """Spans between quotation marks, paragraph by paragraph (unclosed quotes end at the paragraph)."""
    regions: list[tuple[int, int]] = []
    start = None
    for m in _QUOTE_OR_BREAK.finditer(text):  # the only characters the loop acts on
        i, ch = m.start(), m.group()
        if ch == "\n" and start is not None:
            regions.append((start, i))
            start = None
        elif ch in "“«" or (ch == '"' and start is None):
            start = i if start is None else start
        elif ch in "”»" or ch == '"':
            if start is not None:
                regions.append((start, i + 1))
                start = None
    if start is not None:
        regions.append((start, len(text)))
    # a single-word "scare quote" ("a 'dummy' delegation") is not speech: keep regions of 3+ words
    return [(a, b) for a, b in regions if len(text[a:b].split()) >= 3]


def _compound_text(tok) -> str:
    """The head with its compound modifiers ("White House", "Downing Street")."""
    parts = [c for c in tok.lefts if c.dep_ == "compound"] + [tok]
    return " ".join(t.text for t in parts)


def _modifier_country(tok, ctx: _Context) -> str | None:
    """Country named by a title/possessive/adjective modifier: "French President X", "Russia's X"."""
    for child in tok.children:
        if child.dep_ not in ("amod", "compound", "poss", "nmod", "npadvmod"):
            continue
        # the modifier and its own name parts only: "Europeans willing to fight in Ukraine" is not UKR
        words = [t for t in child.subtree if t.i == child.i or t.dep_ in ("compound", "poss", "flat", "case")]
        for t in words:
            for key in (t.text, _compound_text(t)):
                info = ctx.lex.actor(key)
                if info and info.country and info.kind in ("country", "demonym", "place", ""):
                    return info.country
        joined = "".join(t.text for t in words)  # "U-S" split into three tokens
        info = ctx.lex.actor(joined)
        if info and info.country:
            return info.country
    return None


def _role_of(tok, ctx: _Context) -> str | None:
    candidates = [tok.lemma_, tok.text, _compound_text(tok)]
    candidates += [c.text for c in tok.children if c.dep_ == "compound"]
    for key in candidates:
        info = ctx.lex.actor(key)
        if info and info.kind == "role":
            return info.role
    return None


def _np_text(tok) -> str:
    left = [t for t in tok.lefts if t.dep_ in ("amod", "compound", "poss", "det", "case", "nmod")]
    start = min([tok.i] + [t.left_edge.i for t in left])
    words = [t for t in tok.doc[start: tok.i + 1] if t.dep_ != "det" or t.i != start]
    return " ".join(t.text for t in words).replace(" 's", "'s")


def resolve_actor(tok, ctx: _Context) -> Actor | None:
    """Country (and role) of the noun phrase headed by ``tok``, or None when not confident."""
    if tok.pos_ == "PRON":
        return None
    mention = ctx.mention_at.get(tok.i)
    if mention is not None:
        for key in (mention.name, mention.text, mention.name.split()[-1] if mention.name else ""):
            info = ctx.lex.actor(key) if key else None
            if info and info.country:
                return Actor(mention.name, info.country, info.role, tok.i)
    for key in (_compound_text(tok), tok.text):
        info = ctx.lex.actor(key)
        if info and info.country:
            name = mention.name if mention is not None else _np_text(tok)
            return Actor(name, info.country, info.role or _role_of(tok, ctx), tok.i)
    role = _role_of(tok, ctx)
    is_person = mention is not None and mention.type == "PERSON"
    if not (role or is_person or _is_event_noun(tok, ctx)):
        return None  # "Ukraine's allies" is not Ukraine
    name = mention.name if (mention is not None and is_person) else _np_text(tok)
    country = _modifier_country(tok, ctx)
    if country is None and role:
        country, name = _prep_country(tok, ctx, ("from", "of"))
    if country is None:
        return None
    return Actor(name, country, role, tok.i)


def _prep_country(tok, ctx: _Context, preps: tuple[str, ...]) -> tuple[str | None, str]:
    """ "leaders of Britain", "delegations from Russia" -> (first resolvable country, that phrase)."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    for cand in _conjuncts(pobj):
                        info = ctx.lex.actor(_compound_text(cand)) or ctx.lex.actor(cand.text)
                        if info and info.country:
                            return info.country, f"{_np_text(tok)} {child.text} {_compound_text(cand)}"
    return None, _np_text(tok)


def _is_event_noun(tok, ctx: _Context) -> bool:
    return bool(ctx.lex.rules_for("N", tok.lemma_.lower()))


def _conjuncts(tok) -> list:
    return [tok, *tok.conjuncts]


def _first_actor(tokens: Iterable, ctx: _Context, avoid: str | None = None) -> Actor | None:
    """First resolvable actor among candidate heads, preferring a country other than ``avoid``."""
    found = [a for a in (resolve_actor(t, ctx) for t in tokens) if a is not None]
    for a in found:
        if a.country != avoid:
            return a
    return found[0] if found else None


# ------------------------------------------------------------------------------ modality


def _aux(tok) -> list:
    return [c for c in tok.children if c.dep_ in ("aux", "auxpass")]


def _modality(verb, ctx: _Context) -> str | None:
    """'real', 'future', or None when the predicate is not asserted as having happened."""
    if any(c.dep_ == "neg" or c.lower_ in ("never",) for c in verb.children):
        return None
    if ctx.in_quotes(verb):
        return None
    auxes = _aux(verb)
    # a bare verb coordinated with a modal one shares its modal ("will meet X and sign Y")
    head = verb
    while head.dep_ == "conj" and head.tag_ == "VB" and not _aux(head):
        head = head.head
        auxes = auxes or _aux(head)
    words = {a.lower_ for a in auxes}
    if words & MODALS:
        return None
    future = bool(words & FUTURE_AUX)
    if "to" in words:  # infinitive
        if verb.head.lemma_ in REALISING_HEADS and verb.dep_ in ("xcomp", "advcl"):
            return _modality(verb.head, ctx)
        if verb.head.lemma_ == "go" and verb.head.tag_ == "VBG":  # "is going to meet"
            future = True
        elif any(c.dep_ in SUBJECT_DEPS for c in verb.children):  # headline "X to meet Y"
            future = True
        else:
            return None
    elif verb.tag_ == "VB" and not future:
        return None  # imperative or an unparsed modal construction
    if not _asserted_clause(verb):
        return None
    return "future" if future else "real"


def _asserted_clause(verb) -> bool:
    """False inside conditionals, questions, and complements of reporting / hedging heads."""
    if span_text(verb.doc, verb.sent).rstrip().endswith("?"):
        return False
    tok = verb
    for _ in range(6):
        marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
        if marks & CONDITIONAL_MARKS:
            return False
        if "before" in marks and tok.tag_ in ("VBZ", "VBP"):
            return False
        if tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ == "ccomp" and (tok.head.lemma_ in REPORTING or tok.head.pos_ == "ADJ"):
            return False
        break
    return True


def _is_past(verb) -> bool:
    if verb.tag_ == "VBD":
        return True
    words = {a.lower_ for a in _aux(verb)}
    if verb.tag_ == "VBN" and words & {"has", "have", "had", "was", "were", "'s", "'ve"}:
        return True
    if verb.tag_ in ("VBG", "VBN") and verb.head.i != verb.i:  # participles take their head's tense
        head = verb.head
        while head.pos_ == "ADP" and head.head.i != head.i:  # "..., with X accusing Y"
            head = head.head
        return head.pos_ in ("VERB", "AUX") and _is_past(head)
    return False


# --------------------------------------------------------------------------------- dates


def _time_value(t: TimeExpr) -> tuple[str, str] | None:
    """(first day, date_source) of a time expression, or None when coarser than a week."""
    value = (t.resolves_to or "").split("/")[0]
    ranged = "/" in (t.resolves_to or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]) and (len(value) == 10 or value[10] in "T "):
        return value[:10], ("text-approx" if ranged else "text")
    m = re.fullmatch(r"(\d{4})-W(\d{2})", value)
    if m:
        try:
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1).isoformat(), "text-approx"
        except ValueError:
            return None
    return None


def _clause_span(head) -> tuple[int, int]:
    return head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)


def _nested_clauses(head) -> list[tuple[int, int]]:
    return [_clause_span(t) for t in head.subtree
            if t.i != head.i and t.dep_ in ("ccomp", "relcl", "parataxis")]


def _event_date(scope, tense_verb, ctx: _Context) -> tuple[str | None, str] | None:
    """Date of an event whose words are the subtree of ``scope``; None = skip (undatable background)."""
    lo, hi = _clause_span(scope)
    nested = _nested_clauses(scope)
    inside = [t for t in ctx.times if lo <= t.start < hi and not any(a <= t.start < b for a, b in nested)]
    dated = [(abs(t.start - scope.idx), _time_value(t)) for t in inside]
    dated = sorted((d, v) for d, v in dated if v is not None)
    if dated:
        return dated[0][1]
    if inside:  # only coarse expressions ("in 2019"): background we cannot date to a day
        return None
    sent = scope.sent
    in_sent = {v for t in ctx.times if sent.start_char <= t.start < sent.end_char
               for v in [_time_value(t)] if v is not None}
    if len(in_sent) == 1:
        return next(iter(in_sent))
    if ctx.published is None:
        return None, "published"
    if tense_verb is not None and _is_past(tense_verb):
        return (ctx.published - dt.timedelta(days=1)).isoformat(), "published-1"
    return ctx.published.isoformat(), "published"


# ------------------------------------------------------------------------------ coding


@dataclass
class _Coded:
    cameo: str
    actor: Actor
    target: Actor
    trigger: object  # token
    scope: object  # token whose subtree holds the event's words
    tense: object  # verb token deciding past/present
    mode: str  # real | future


def _subject(verb, ctx: _Context) -> tuple[Actor | None, list]:
    """Actor of a verb (walking up through conjunctions / complements), and its spare conjuncts."""
    tok = verb
    for _ in range(4):
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
        # the nearest subject first: a heading glued to the sentence can add a spurious one
        for subj in sorted(subjects, key=lambda c: abs(tok.i - c.i)):
            heads = _conjuncts(subj)
            actor = _first_actor(heads, ctx)
            if actor is None and subj.pos_ != "PRON":
                actor = _from_phrase_actor(subj, ctx)
            if actor is not None:
                spare = [h for h in heads if h.i != actor.token]
                spare += _from_phrase_spares(subj, actor)
                return actor, spare
        # the verb's own subject decides; a borrowed one (up a conjunction) may be skipped when it
        # is not an actor at all ("asked X when the war would end and hinted at ...")
        if subjects and (tok.i == verb.i or any(s.pos_ == "PRON" for s in subjects)):
            return None, []
        if tok.dep_ not in ("conj", "xcomp", "advcl") or tok.head.i == tok.i:
            return None, []
        tok = tok.head
    return None, []


def _from_phrase_actor(tok, ctx: _Context) -> Actor | None:
    """ "Delegations from Russia and Ukraine" -> Russia (the rest become spare targets)."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    a = _first_actor(_conjuncts(pobj), ctx)
                    if a is not None and (_role_of(tok, ctx) or tok.lower_ in ("delegations", "sides")):
                        return a
    return None


def _from_phrase_spares(tok, actor: Actor) -> list:
    """Other countries in "officials from X and Y": candidate targets of a joint act."""
    return [c for prep in tok.children if prep.dep_ == "prep" and prep.lower_ in ("from", "of")
            for pobj in prep.children if pobj.dep_ == "pobj" for c in _conjuncts(pobj)
            if c.i != actor.token]


def _prep_objects(tok, preps: set[str]) -> list:
    out = []
    for child in tok.children:
        if child.dep_ in ("prep", "dative") and child.lower_ in preps:
            out += [g for p in child.children if p.dep_ == "pobj" for g in _conjuncts(p)]
    return out


def _objects(verb) -> list:
    out = []
    for c in verb.children:
        if c.dep_ in ("dobj", "dative", "obj") and c.pos_ != "ADP":
            out += _conjuncts(c)
    return out


def _match_verb_rule(verb, ctx: _Context) -> Rule | None:
    rules = ctx.lex.rules_for("V", verb.lemma_.lower())
    words = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep", "dative")}
    for rule in rules:
        if any(w not in words for w in rule.words):
            continue
        if rule.oprd and not any(c.dep_ in ("oprd", "attr") for c in verb.children):
            continue
        if rule.obj is not None and not _has_object_lemma(verb, rule):
            continue
        return rule
    return None


def _has_object_lemma(verb, rule: Rule) -> bool:
    cands = _objects(verb) + _prep_objects(verb, set(rule.words) | {"for", "of", "at", "about"})
    return any(c.lemma_.lower() == rule.obj for c in cands)


def _match_noun_rule(noun, ctx: _Context) -> Rule | None:
    mods = {c.lemma_.lower() for c in noun.children if c.dep_ in ("compound", "amod", "nmod")}
    mods |= {c.lower_ for c in noun.children if c.dep_ in ("compound", "amod", "nmod")}
    for key in {noun.lemma_.lower(), noun.lower_}:
        for rule in ctx.lex.rules_for("N", key):
            if all(w in mods for w in rule.words):
                return rule
    return None


def _find_target(heads: list, ctx: _Context, actor: Actor, deep: bool = False) -> Actor | None:
    target = _first_actor(heads, ctx, avoid=actor.country)
    if target is None:  # a country's asset or place is a target too: "Pakistani border posts"
        for h in heads:
            country = _modifier_country(h, ctx) if h.pos_ in ("NOUN", "PROPN") else None
            if country is not None and country != actor.country:
                return Actor(_np_text(h), country, None, h.i)
    if target is not None or not deep:
        return target
    tokens = [t for h in heads for t in h.subtree]
    # heads before modifiers: in "Ukrainian President X" the name says more than the adjective,
    # but "Estonian positions" has only the adjective
    is_mod = lambda t: t.dep_ in ("amod", "compound")  # noqa: E731
    for t in [t for t in tokens if not is_mod(t)] + [t for t in tokens if is_mod(t)]:
        a = resolve_actor(t, ctx)
        if a is not None and a.country != actor.country:
            return a
    return None


def _clause_target(verb, ctx: _Context, actor: Actor) -> Actor | None:
    """The single foreign actor in the verb's clause (outside the subject), for 'propose'-like verbs."""
    subj_tokens = {t.i for c in verb.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}
    found = {}
    for t in verb.subtree:
        if t.i in subj_tokens or ctx.in_quotes(t):
            continue
        a = resolve_actor(t, ctx)
        if a is not None and a.country != actor.country:
            found.setdefault(a.country, a)
    return next(iter(found.values())) if len(found) == 1 else None


def _code_verb(verb, ctx: _Context, consumed: set[int]) -> _Coded | None:
    lemma = verb.lemma_.lower()
    rule = _match_verb_rule(verb, ctx)
    noun = None
    if rule is None:
        light = [r for r in ctx.lex.rules_for("L", lemma)
                 if all(w in {c.lower_ for c in verb.children if c.dep_ == "prt"} for w in r.words)]
        if not light:
            return None
        noun, rule = _light_object(verb, ctx)
        if rule is None:
            return None
    mode = _modality(verb, ctx)
    if mode is None or (mode == "future" and not rule.cameo.startswith("04")):
        return None
    actor, spare = _subject(verb, ctx)
    passive_subj = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if actor is None and passive_subj:  # "Y was attacked by X"
        agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        actor = _first_actor(agents, ctx)
        spare = _conjuncts(passive_subj[0])
    if actor is None:
        return None
    target = _verb_target(verb, rule, noun, actor, spare, ctx)
    if target is None or target.country == actor.country:
        return None
    for c in verb.children:
        if c.dep_ in ("dobj", "prep", "dative"):
            consumed.update(t.i for t in c.subtree)
    cameo = "036" if mode == "future" else rule.cameo
    return _Coded(cameo, actor, target, verb, verb, verb, mode)


def _light_object(verb, ctx: _Context) -> tuple[object, Rule | None]:
    for obj in _objects(verb):
        rule = _match_noun_rule(obj, ctx)
        if rule is not None and not _hedged_noun(obj):
            return obj, rule
    return None, None


def _verb_target(verb, rule: Rule, noun, actor: Actor, spare: list, ctx: _Context) -> Actor | None:
    heads = _objects(verb) + _prep_objects(verb, TARGET_PREPS)
    # "discussed sanctions with Y", "hinted at sanctions on Y", "condemned Y's missile launch"
    heads += [t for o in list(heads) for t in _prep_objects(o, {"with", "on", "against"})]
    heads += [c for o in list(heads) for c in o.children if c.dep_ == "poss" and c.pos_ != "PRON"]
    if noun is not None:
        heads = _prep_objects(noun, NOUN_TARGET_PREPS | {"between"}) + heads
    target = _find_target(heads, ctx, actor, deep="deep" in rule.targets or noun is not None)
    if target is None and "ccomp" in rule.targets:
        subj = [s for c in verb.children if c.dep_ in ("ccomp", "xcomp")
                for s in c.children if s.dep_ in SUBJECT_DEPS]
        target = _find_target([g for s in subj for g in _conjuncts(s)], ctx, actor)
    if target is None and spare:  # "Russia and Ukraine agreed ..."
        target = _first_actor(spare, ctx, avoid=actor.country)
    if target is None and "clause" in rule.targets:
        target = _clause_target(verb, ctx, actor)
    return target


def _hedged_noun(noun) -> bool:
    for c in noun.children:
        if c.dep_ == "amod" and c.lemma_.lower() in HEDGE_ADJ:
            return True
        if c.dep_ == "det" and c.lower_ in ("no", "any", "every"):
            return True
    return False


def _governing_verb(tok):
    head = tok.head
    for _ in range(8):
        if head.pos_ in ("VERB", "AUX") and head.dep_ != "prep":
            return head
        if head.head.i == head.i:
            return head if head.pos_ in ("VERB", "AUX") else None
        head = head.head
    return None


def _code_noun(noun, ctx: _Context) -> _Coded | None:
    rule = _match_noun_rule(noun, ctx)
    if rule is None or _hedged_noun(noun) or ctx.in_quotes(noun):
        return None
    if noun.dep_ == "pobj" and noun.head.lower_ in ("for", "of", "about", "to", "toward", "towards"):
        return None  # "push for talks", "the idea of a summit"
    gov = _governing_verb(noun)
    if gov is None or _modality(gov, ctx) != "real":
        return None
    chain = [t.lemma_.lower() for t in noun.ancestors][:3]
    if any(w in INTENT_HEADS for w in chain):
        return None
    actor, target = _noun_dyad(noun, gov, ctx)
    if actor is None or target is None or actor.country == target.country:
        return None
    return _Coded(rule.cameo, actor, target, noun, noun, gov, "real")


def _noun_dyad(noun, gov, ctx: _Context) -> tuple[Actor | None, Actor | None]:
    actor = None
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            actor = resolve_actor(c, ctx)
        elif c.dep_ in ("amod", "compound") and actor is None:
            info = ctx.lex.actor(c.text)
            if info and info.country and info.kind in ("demonym", "country"):
                actor = Actor(c.text, info.country, info.role, c.i)
    if actor is None:
        agents = _prep_objects(noun, {"by"})
        actor = _first_actor(agents, ctx)
    if actor is None and noun.dep_ == "pobj" and noun.head.lower_ in TEMPORAL_PREPS \
            and not any(c.dep_ == "poss" for c in noun.children):
        actor, _ = _subject(gov, ctx)  # "Following talks with X, Y announced ..." -> Y
    between = _prep_objects(noun, {"between"})
    if actor is None and between and _is_past(gov):
        actor = _first_actor(between, ctx)
    if actor is None:
        return None, None
    heads = _prep_objects(noun, NOUN_TARGET_PREPS | {"between"})
    heads += [t for h in noun.children if h.dep_ == "acl" for t in _prep_objects(h, {"with"})]
    heads += [t for h in noun.subtree if h.dep_ == "prep" and h.lower_ == "with"
              for t in h.children if t.dep_ == "pobj"]
    target = _find_target([h for h in heads if h.i != actor.token], ctx, actor, deep=True)
    return actor, target


def extract_events(doc, mentions: list[Mention] | None, times: list[TimeExpr] | None,
                   published: str | None, *, lexicon: Lexicon | None = None) -> list[EventMention]:
    """Coded events of one parsed article; spans are sentence offsets into ``doc.text``."""
    ctx = _Context(doc, mentions if mentions is not None else _ents_as_mentions(doc),
                   times or [], published, lexicon or default_lexicon())
    out: list[EventMention] = []
    seen: set[tuple] = set()
    # which tokens can be predicates, from token arrays: no Token object for the others
    poses, tags = token_strings(doc, "pos_"), token_strings(doc, "tag_")
    verbs = [i for i, (pos, tag) in enumerate(zip(poses, tags)) if pos in ("VERB", "AUX") or tag.startswith("VB")]
    nouns = [i for i, pos in enumerate(poses) if pos in ("NOUN", "PROPN")]
    for sent in doc.sents:
        consumed: set[int] = set()
        coded: list[_Coded] = []
        for i in verbs[bisect.bisect_left(verbs, sent.start):bisect.bisect_left(verbs, sent.end)]:
            ev = _code_verb(doc[i], ctx, consumed)
            if ev is not None:
                coded.append(ev)
        for i in nouns[bisect.bisect_left(nouns, sent.start):bisect.bisect_left(nouns, sent.end)]:
            if i not in consumed:
                ev = _code_noun(doc[i], ctx)
                if ev is not None:
                    coded.append(ev)
        for ev in coded:
            mention = _to_mention(ev, sent, ctx)
            if mention is None:
                continue
            key = (mention.start, mention.cameo[:2], mention.actor_country, mention.target_country)
            if key not in seen:
                seen.add(key)
                out.append(mention)
    return out


def _to_mention(ev: _Coded, sent, ctx: _Context) -> EventMention | None:
    dated = _event_date(ev.scope, ev.tense, ctx)
    if dated is None:
        return None
    date, source = dated
    if ev.mode == "future" and ctx.published is not None:
        date, source = ctx.published.isoformat(), "published"  # the intent is dated when stated
    trigger = ev.trigger
    return EventMention(
        start=sent.start_char, end=sent.end_char,
        actor=ev.actor.name, actor_country=ev.actor.country,
        target=ev.target.name, target_country=ev.target.country,
        cameo=ev.cameo, date=date, date_source=source,
        trigger=ctx.text[trigger.idx: trigger.idx + len(trigger.text)],
    )


def _ents_as_mentions(doc) -> list[Mention]:
    """Fallback when no entity mentions are given: spaCy's own entities, names as written."""
    return [Mention(e.start_char, e.end_char, e.text, e.text, e.label_) for e in doc.ents]
