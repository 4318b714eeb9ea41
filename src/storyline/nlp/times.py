"""Time expressions in article text, resolved against the publication date.

``extract_times(doc, published)`` finds expressions with regular expressions over ``doc.text`` (fast,
deterministic, exact spans) and uses the spaCy parse only to decide the *direction* of relative
expressions: the tense of the verb that governs them.

Resolution rules (all approximate, documented in docs/time.md):

* A weekday equal to the publication weekday is the publication day itself, whatever the tense
  (news style names the day even for same-day events).  Otherwise past tense picks the most recent
  such day in the six days before, future tense the next one in the six days after.  "last Monday"
  / "next Monday" force the direction; with an unknown tense the past is assumed (most reported
  events have happened).
* "last/this/next week" -> ISO week (``2025-W33``); "last/this/next month" -> ``2025-08``;
  "last/this/next year" -> ``2025``; "yesterday/today/tonight/tomorrow" -> a day.
* Dates without a year take the year that puts them closest to publication, never after it in a
  past-tense sentence and never before it in a future-tense one.
* Fuzzy expressions ("in recent days", "the coming weeks", "earlier this month") become ranges
  ``YYYY-MM-DD/YYYY-MM-DD`` whose widths are conventions, not facts.
* Durations ("two hours") have kind ``duration`` and an ISO-8601 value (``PT2H``) when the amount
  is a number, else None.

Relative expressions are resolved against the publication date even inside quotations, where the
speaker's "tomorrow" may be relative to the day they spoke.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator

from storyline.nlp.doctext import doc_text
from storyline.records import TimeExpr

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}

PAST, FUTURE = "past", "future"

# Verbs of reporting in the present tense are headline style for *past* events ("Kremlin says").
REPORTING_LEMMAS = {"say", "tell", "announce", "report", "claim", "confirm", "warn", "add", "state", "deny"}

# Widths of fuzzy ranges, in days.  Conventions chosen to be plausible, not learnt from data.
RECENT_DAYS = 7
FEW_DAYS = 5
COUPLE_WEEKS = 14
FEW_WEEKS = 21
RECENT_WEEKS = 28
RECENT_MONTHS = 90


# ---------------------------------------------------------------------------- calendar helpers


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_str(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def span_str(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()}/{last.isoformat()}"


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve_weekday(published: dt.date, weekday: int, direction: str | None, strict: bool = False) -> dt.date:
    """The day named ``weekday`` (0 = Monday) relative to ``published``.

    Same weekday as publication -> the publication day (unless ``strict``, as in "last Monday" /
    "next Monday", which then means a week away).  Otherwise the nearest one in ``direction``.
    """
    diff = (weekday - published.weekday()) % 7
    if direction == FUTURE:
        return published + dt.timedelta(days=diff or (7 if strict else 0))
    back = (published.weekday() - weekday) % 7
    return published - dt.timedelta(days=back or (7 if strict else 0))


def pick_year(published: dt.date, month: int, day: int | None, direction: str | None) -> int | None:
    """Year for a day/month without one: closest to publication, constrained by tense."""
    options: list[tuple[int, int]] = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            when = dt.date(year, month, day or 1)
        except ValueError:
            continue
        if day is None:  # month precision: compare months, not days
            delta = (year * 12 + month) - (published.year * 12 + published.month)
        else:
            delta = (when - published).days
        if direction == PAST and delta > (0 if day is None else 1):
            continue
        if direction == FUTURE and delta < (0 if day is None else -1):
            continue
        options.append((abs(delta), year))
    return min(options)[1] if options else None


# ---------------------------------------------------------------------------- tense


def _aux_children(verb) -> list:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def verb_tense(verb, depth: int = 0) -> str | None:
    """PAST / FUTURE / None for a verb token, from its tag and auxiliaries.

    Present tense with a specific day ("is meeting on Monday", "is scheduled for Friday") is read
    as future; participles and bare verbs without auxiliaries take the tense of the verb they hang on.
    """
    if verb is None or depth > 4:
        return None
    auxes = _aux_children(verb)
    if any(a.tag_ == "MD" for a in auxes):
        return FUTURE  # will / would / could / may: not yet happened, from the writer's viewpoint
    if any(a.tag_ == "VBD" for a in auxes):
        return PAST  # was / were / had / did
    if any(a.lemma_ == "have" for a in auxes) and verb.tag_ == "VBN":
        return PAST  # present perfect
    if any(a.tag_ == "TO" for a in auxes):
        return FUTURE  # going to / set to / expected to / plans to
    if verb.tag_ == "VBD":
        return PAST
    if verb.tag_ in ("VBZ", "VBP"):
        return PAST if verb.lemma_ in REPORTING_LEMMAS else FUTURE
    if verb.tag_ in ("VBG", "VBN") and any(a.lemma_ == "be" for a in auxes):
        return FUTURE  # present progressive / present passive
    if verb.tag_ == "VBN" and not auxes and verb.dep_ != "advcl":
        # reduced relative ("the talks held on Monday") or a simple past the tagger took for a
        # participle; an adverbial participle clause instead inherits from its main verb below
        return PAST
    # participle clause or bare verb: inherit from the clause it modifies
    head = _governing_verb(verb.head) if verb.head.i != verb.i else None
    return verb_tense(head, depth + 1) if head is not None and head.i != verb.i else None


def _governing_verb(token):
    """Nearest verb/auxiliary on the path from ``token`` to the root (itself included)."""
    seen = 0
    while token is not None and seen < 12:
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head.i == token.i:
            return None
        token = token.head
        seen += 1
    return None


def sentence_tense(sent) -> str | None:
    """Tense of the sentence root, or of any finite verb when the root has none."""
    tense = verb_tense(_governing_verb(sent.root))
    if tense:
        return tense
    for tok in sent:
        if tok.tag_ == "MD" and tok.lower_ in ("will", "'ll", "shall", "wo"):
            return FUTURE
        if tok.tag_ == "VBD":
            return PAST
    return None


def tense_at(doc, start: int, end: int) -> str | None:
    """Tense governing the expression at ``[start, end)``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    verb = _governing_verb(span.root)
    if verb is not None and _through_nominal(span, verb) and not _aux_children(verb) \
            and verb.tag_ in ("VBZ", "VBP"):
        # "X follows talks on Monday": the present tense belongs to the clause, not to the
        # nominal the expression modifies, so it says nothing about when Monday was.
        return None
    tense = verb_tense(verb)
    return tense or sentence_tense(span.sent)


def _through_nominal(span, verb) -> bool:
    """Whether the path from the expression up to ``verb`` passes through a noun outside it."""
    token, steps = span.root.head, 0
    while token.i != verb.i and steps < 12:
        if token.pos_ in ("NOUN", "PROPN") and not (span.start <= token.i < span.end):
            return True
        if token.head.i == token.i:
            break
        token, steps = token.head, steps + 1
    return False


# ---------------------------------------------------------------------------- patterns


Resolver = Callable[[re.Match, dt.date | None, Callable[[], str | None]], tuple[str | None, str] | None]

# Alternations, used inside named groups below.
_WD = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MON = (r"jan(?:uary|\.)?|feb(?:ruary|\.)?|march|mar\.|april|apr\.|may|june|jun\.|july|jul\.|"
        r"aug(?:ust|\.)?|sept(?:ember|\.)?|sep\.|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?")
_NUM = (r"\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
        r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
        r"eighty|ninety|hundred|several|a few|few|a couple of|couple of")
_UNIT = "second|minute|hour|day|week|month|year|decade"
_ISO_UNIT = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y"}


def _month_no(name: str) -> int:
    return _MONTH_ABBR[name.lower().rstrip(".")[:4] if name.lower().startswith("sept") else name.lower()[:3]]


def _amount(word: str) -> float | None:
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    try:
        return float(word)
    except ValueError:
        return None


def iso_duration(amount: float | None, unit: str) -> str | None:
    unit = unit.lower()
    if amount is None:
        return None
    if unit == "decade":
        amount, unit = amount * 10, "year"
    value = int(amount) if float(amount).is_integer() else amount
    prefix = "PT" if unit in ("second", "minute", "hour") else "P"
    return f"{prefix}{value}{_ISO_UNIT[unit]}"


def _weekday(m: re.Match, pub: dt.date | None, tense: Callable[[], str | None]):
    if pub is None:
        return None, "date"
    modifier = (m["mod"] or "").lower().split()
    weekday = WEEKDAYS.index(m["wd"].lower())
    if "last" in modifier or "past" in modifier or "previous" in modifier:
        return resolve_weekday(pub, weekday, PAST, strict=True).isoformat(), "date"
    if "next" in modifier or "coming" in modifier:
        return resolve_weekday(pub, weekday, FUTURE, strict="next" in modifier).isoformat(), "date"
    return resolve_weekday(pub, weekday, tense() or PAST).isoformat(), "date"


def _day_word(m: re.Match, pub: dt.date | None, tense):
    if pub is None:
        return None, "date"
    word = m[0].lower()
    if word.startswith("yesterday") or word == "last night":
        return (pub - dt.timedelta(days=1)).isoformat(), "date"
    if word.startswith("tomorrow"):
        return (pub + dt.timedelta(days=1)).isoformat(), "date"
    return pub.isoformat(), "date"


def _weekend(m: re.Match, pub: dt.date | None, tense):
    """Saturday-Sunday.  "this weekend" is the one of the publication week; "over the weekend" is
    that one too when it has begun (or the tense is future), else the one before."""
    if pub is None:
        return None, "range"
    rel = (m["rel"] or "").lower()
    saturday = week_bounds(pub)[0] + dt.timedelta(days=5)
    if rel in ("last", "past") or (not rel and pub < saturday and tense() != FUTURE):
        saturday -= dt.timedelta(days=7)
    elif rel in ("next", "coming") and pub >= saturday:  # like "next Friday": the coming one
        saturday += dt.timedelta(days=7)
    return span_str(saturday, saturday + dt.timedelta(days=1)), "range"


def relative_period(pub: dt.date, rel: str, unit: str, lead: str = "") -> tuple[str, str]:
    """last/this/next week|month|year; "earlier/later this <unit>" split the period at publication."""
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[rel]
    if unit == "week":
        first, last = week_bounds(pub + dt.timedelta(weeks=step))
        label, kind = iso_week(first), "week"
    elif unit == "month":
        y, mo = add_months(pub.year, pub.month, step)
        first, last = dt.date(y, mo, 1), month_end(y, mo)
        label, kind = month_str(y, mo), "month"
    else:
        y = pub.year + step
        first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
        label, kind = f"{y:04d}", "year"
    if lead == "earlier" and step == 0:
        return span_str(first, max(first, pub - dt.timedelta(days=1))), "range"
    if lead == "later" and step == 0:
        return span_str(min(last, pub + dt.timedelta(days=1)), last), "range"
    return label, kind


def _period(m: re.Match, pub: dt.date | None, tense):
    if pub is None:
        return None, "range" if m["lead"] else m["unit"].lower()
    lead = (m["lead"] or "").lower()
    return relative_period(pub, (m["rel"] or "this").lower(), m["unit"].lower(), lead)


def _rolling(m: re.Match, pub: dt.date | None, tense):
    """"the past week", "the last month": the window ending at publication."""
    if pub is None:
        return None, "range"
    unit = m["unit"].lower()
    days = {"week": 7, "month": 30, "year": 365}[unit]
    return span_str(pub - dt.timedelta(days=days), pub), "range"


def _fuzzy(m: re.Match, pub: dt.date | None, tense):
    """Vague windows around publication ("in recent days", "the coming weeks")."""
    if pub is None:
        return None, "range"
    text = m[0].lower()
    amount = _amount(m["n"]) if m["n"] else None
    unit = m["funit"].lower()
    if amount is None:
        per_unit = {"day": FEW_DAYS, "week": FEW_WEEKS if "couple" not in text else COUPLE_WEEKS,
                    "month": RECENT_MONTHS, "year": 3 * 365}
        width = per_unit[unit]
        if "recent" in text:
            width = {"day": RECENT_DAYS, "week": RECENT_WEEKS, "month": RECENT_MONTHS, "year": 3 * 365}[unit]
    else:
        width = int(amount * {"day": 1, "week": 7, "month": 30, "year": 365}[unit])
    if any(w in text for w in ("coming", "next", "upcoming", "within")):
        return span_str(pub + dt.timedelta(days=1), pub + dt.timedelta(days=width)), "range"
    return span_str(pub - dt.timedelta(days=width), pub), "range"


def _ago(m: re.Match, pub: dt.date | None, tense):
    amount, unit = _amount(m["n"]), m["unit"].lower()
    if pub is None or amount is None:
        return None, "date"
    if unit in ("day", "week"):
        return (pub - dt.timedelta(days=int(amount * (7 if unit == "week" else 1)))).isoformat(), "date"
    if unit == "month":
        return month_str(*add_months(pub.year, pub.month, -int(amount))), "month"
    if unit == "year":
        return f"{pub.year - int(amount):04d}", "year"
    return None, "date"


def _duration(m: re.Match, pub: dt.date | None, tense):
    return iso_duration(_amount(m["n"]), m["unit"]), "duration"


def _full_date(m: re.Match, pub, tense):
    day, year = int(m["d"]), int(m["y"])
    try:
        return dt.date(year, _month_no(m["m"]), day).isoformat(), "date"
    except ValueError:
        return None


def _day_month(m: re.Match, pub: dt.date | None, tense):
    month, day = _month_no(m["m"]), int(m["d"])
    if not 1 <= day <= 31:
        return None
    if pub is None:
        return None, "date"
    year = pick_year(pub, month, day, tense())
    if year is None:
        return None, "date"
    try:
        return dt.date(year, month, day).isoformat(), "date"
    except ValueError:
        return None


def _month_year(m: re.Match, pub, tense):
    return month_str(int(m["y"]), _month_no(m["m"])), "month"


def _month_alone(m: re.Match, pub: dt.date | None, tense):
    if pub is None:
        return None, "month"
    month = _month_no(m["m"])
    year = pick_year(pub, month, None, tense())
    return (month_str(year, month) if year else None), "month"


def _iso_date(m: re.Match, pub, tense):
    try:
        return dt.date(int(m["y"]), int(m["mo"]), int(m["d"])).isoformat(), "date"
    except ValueError:
        return None


def _year(m: re.Match, pub, tense):
    return m["y"], "year"


# (name, compiled pattern, resolver, group holding the reported span or 0).  Order matters: earlier
# patterns win overlaps of equal length, longer matches always win.
_FLAGS = re.I
PATTERNS: list[tuple[str, re.Pattern, Resolver, str | int]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b"), _iso_date, 0),
    ("dmy", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MON + r")\s*,?\s+(?P<y>(?:19|20)\d\d)\b", _FLAGS), _full_date, 0),
    ("mdy", re.compile(r"\b(?P<m>" + _MON + r")\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s*,?\s+(?P<y>(?:19|20)\d\d)\b", _FLAGS), _full_date, 0),
    ("dm", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MON + r")(?![\w])", _FLAGS), _day_month, 0),
    ("md", re.compile(r"\b(?P<m>" + _MON + r")\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|per|,\d|\d|:))", _FLAGS), _day_month, 0),
    ("my", re.compile(r"\b(?P<m>" + _MON + r")\s*,?\s+(?P<y>(?:19|20)\d\d)\b", _FLAGS), _month_year, 0),
    ("weekday", re.compile(r"(?:\b(?P<mod>last|next|this(?:\s+coming)?|coming|past|previous)\s+|\bon\s+)?\b(?P<wd>" + _WD
                           + r")\b(?:\s+(?:morning|afternoon|evening|night))?", _FLAGS), _weekday, 0),
    ("dayword", re.compile(r"\b(?:yesterday|today|tonight|tomorrow|last night|this (?:morning|afternoon|evening))\b(?:\s+(?:morning|afternoon|evening|night))?", _FLAGS), _day_word, 0),
    ("weekend", re.compile(r"\b(?:(?P<rel>last|this|next|coming|past)\s+|(?:over|at|during)\s+the\s+)weekend\b", _FLAGS), _weekend, 0),
    ("rolling", re.compile(r"\b(?:over|in|during|for)\s+the\s+(?:past|last|previous)\s+(?P<unit>week|month|year)\b", _FLAGS), _rolling, 0),
    ("period", re.compile(r"\b(?:(?P<lead>earlier|later)\s+(?:this|in\s+the)\s+|(?P<rel>last|past|previous|this|next|coming)\s+)(?P<unit>week|month|year)\b", _FLAGS), _period, 0),
    ("fuzzy", re.compile(r"\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:(?:past|last|next|coming|upcoming)\s+|recent\s+|within\s+(?:the\s+next\s+)?)(?:(?P<n>couple\s+of|few|several|a\s+few|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+)?(?P<funit>day|week|month|year)s\b", _FLAGS), _fuzzy, 0),
    ("ago", re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)\s+(?P<unit>day|week|month|year)s?\s+ago\b", _FLAGS), _ago, 0),
    ("duration", re.compile(r"\b(?P<n>" + _NUM + r")\s+(?:more\s+|full\s+)?(?P<unit>" + _UNIT + r")s?\b", _FLAGS), _duration, 0),
    ("month", re.compile(r"\b(?:in|since|until|by|from|during|before|after|of|through|early|late|mid-?)\s+(?P<m>January|February|March|April|May|June|July|August|September|October|November|December)\b(?!\s+\d)"), _month_alone, "m"),
    ("year", re.compile(r"\b(?:in|since|until|by|from|during|before|after|through|early|late|mid-?)\s+(?P<y>(?:19|20)\d\d)\b(?![-/.]\d|\s*%)"), _year, "y"),
]


def _plausible(name: str, m: re.Match, text: str) -> bool:
    """Filter matches that are usually something else."""
    # English capitalises month and day names; lower case is the modal "may", the verb "march"...
    if name in ("dmy", "mdy", "md", "dm", "my") and not m["m"][0].isupper():
        return False
    if name == "weekday" and not m["wd"][0].isupper():
        return False
    if name == "duration" and m["n"].lower() in ("a", "an") and m["unit"].lower() == "second":
        return False  # "a second round", "a second time": an ordinal, not one second
    if name == "duration" and re.match(r"\s*-", text[m.end():m.end() + 2]):
        return False  # "two-day summit" is an adjective, and "30-day" never matched anyway
    return True


def _candidates(text: str) -> Iterator[tuple[int, str, re.Match, Resolver, str | int]]:
    for order, (name, pattern, resolver, group) in enumerate(PATTERNS):
        for m in pattern.finditer(text):
            if _plausible(name, m, text):
                yield order, name, m, resolver, group


def _select(text: str) -> list[tuple[str, re.Match, Resolver, int, int]]:
    """Non-overlapping matches: longest first, then pattern order, then position."""
    found = []
    for order, name, m, resolver, group in _candidates(text):
        start, end = (m.start(group), m.end(group)) if group else (m.start(), m.end())
        found.append((-(end - start), order, start, end, name, m, resolver))
    found.sort(key=lambda x: (x[0], x[1], x[2]))
    used = bytearray(len(text))  # characters already covered by a chosen match
    chosen = []
    for _, _, start, end, name, m, resolver in found:
        if used.find(1, start, end) != -1:
            continue
        used[start:end] = b"\x01" * (end - start)
        chosen.append((name, m, resolver, start, end))
    chosen.sort(key=lambda x: x[3])
    return chosen


def parse_published(published: str | None) -> dt.date | None:
    if not published or not isinstance(published, str):
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def extract_times(doc, published: str | None) -> list[TimeExpr]:
    """Time expressions of a parsed document, in text order, resolved against ``published``
    (``YYYY-MM-DD`` or an ISO datetime; relative expressions resolve to None without it)."""
    text = doc_text(doc)
    pub = parse_published(published)
    out: list[TimeExpr] = []
    for name, m, resolver, start, end in _select(text):
        def tense(s=start, e=end) -> str | None:
            return tense_at(doc, s, e)

        resolved = resolver(m, pub, tense)
        if resolved is None:
            continue
        value, kind = resolved
        out.append(TimeExpr(start=start, end=end, text=text[start:end], resolves_to=value, kind=kind))
    return out
