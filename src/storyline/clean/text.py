"""Clean plain text that still carries page chrome: keep the article, drop buttons, promos and tickers.

Everything here works on *lines* and uses general features only: length, punctuation, share of letters,
sentence-likeness, a small multilingual vocabulary of user-interface phrases, ticker/timestamp shapes and
position (chrome clusters at the top and bottom of a page; isolated short lines among long paragraphs).
It is a heuristic: it errs towards keeping a doubtful line inside the body and dropping doubtful lines
before the first and after the last real paragraph.

The output ``text`` is built from exact slices of the input with :class:`storyline.offsets.TextBuilder`, so
``input[offsets.to_input(i)] == text[i]`` for every character that is not an inserted separator.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.clean.base import CleanResult
from storyline.offsets import OffsetMap, TextBuilder

# --------------------------------------------------------------------------- vocabulary
# User-interface phrases in several languages.  STRONG phrases hardly occur in article prose; WEAK words
# do ("posted on Twitter"), so a long sentence-like line is chrome only with two strong phrases or a
# strong phrase plus a weak word; a short non-sentence line needs just one of either.
_UI_STRONG = [
    # sharing and social
    r"share (?:this|on|via|the|article|story|post)(?: \w+)?", r"tweet this", r"pin it", r"e-?mail this",
    r"copy(?: the)? link", r"print this(?: article| page)?", r"follow us", r"follow (?:\S+ ){1,3}on (?:facebook|twitter|x|instagram|linkedin|tiktok|youtube|telegram|whatsapp|bluesky)",
    r"partager", r"teilen", r"compartir", r"condividi", r"suivez-nous", r"folgen sie uns", r"síguenos",
    # subscriptions, apps, audio/video promos
    r"sign up", r"sign-up", r"subscrib\w*", r"newsletters?", r"unsubscribe", r"download (?:our|the) app\w*",
    r"app store", r"google play", r"get the app", r"our apps?", r"our podcasts?", r"listen (?:to|now|live)",
    r"watch (?:on|now|live|the latest|more)", r"on demand", r"abonn\w+", r"s'inscrire", r"inscrivez-vous",
    r"anmelden", r"suscr[ií]b\w*", r"iscriviti", r"breaking news", r"live updates?",
    # comments and accounts
    r"leave a (?:reply|comment)", r"post a comment", r"enter your (?:e-?mail|name|password)\w*",
    r"your e-?mail address", r"add a comment", r"\d+ comments?", r"comments? \(\d+\)",
    r"(?:view|show|hide|load|read) (?:all )?comments", r"join the (?:conversation|discussion)",
    r"email address will not be published", r"required fields are marked", r"log ?in", r"sign in",
    r"create (?:an|your) account", r"commentaires?", r"kommentare?", r"comentarios?", r"commenti",
    # related content
    r"read more", r"read also", r"read next", r"see also", r"also read", r"more from", r"recommended for you",
    r"most (?:read|popular|viewed|shared)", r"you (?:may|might) also (?:like|be interested)", r"related (?:articles|stories|posts|content|news|topics)",
    r"more stories", r"top stories", r"don't miss", r"lire aussi", r"à lire", r"voir aussi", r"lesen sie auch",
    r"mehr zum thema", r"auch interessant", r"leer más", r"lee también", r"te puede interesar", r"leggi anche",
    r"leia também",
    # advertising, consent, legal
    r"advertisement", r"sponsored", r"anzeige", r"werbung", r"publicité", r"publicidad", r"pubblicità",
    r"accept (?:all )?cookies", r"privacy (?:policy|settings|notice)", r"terms (?:of (?:use|service)|and conditions)",
    r"datenschutz", r"impressum", r"all rights reserved",
    # reading aids and navigation
    r"\d+[ -]min(?:ute)?s? read", r"reading time", r"text size", r"font size", r"skip to (?:main )?content",
    r"back to top", r"scroll to top", r"toggle navigation", r"main menu", r"click here", r"tap here",
]
_UI_WEAK = [
    r"share", r"tweet", r"print", r"facebook", r"twitter", r"instagram", r"linkedin", r"whatsapp", r"telegram",
    r"pinterest", r"reddit", r"youtube", r"tiktok", r"flipboard", r"bluesky", r"mastodon", r"inbox", r"podcasts?",
    r"trending", r"register", r"related", r"recommended", r"advertising", r"promoted", r"cookies?", r"consent",
    r"copyright", r"©", r"menu", r"search", r"home", r"transcript", r"gallery", r"slideshow", r"updated",
    r"published", r"posted", r"daily", r"latest",
]


def _alternation(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)", re.IGNORECASE)


_UI = _alternation(_UI_STRONG)
_UI_W = _alternation(_UI_WEAK)

# Phrases that open a list of links to other articles: short lines after them are link titles.
_LIST_HEAD = re.compile(
    r"^(?:read more|read also|read next|see also|also read|more from|recommended|most (?:read|popular|viewed)|"
    r"you (?:may|might) also|related|more stories|top stories|trending|lire aussi|à lire|voir aussi|"
    r"lesen sie auch|mehr zum thema|leer más|lee también|leggi anche|leia também|don't miss|watch)\b", re.IGNORECASE)

# Photo and image credits ("Photo: X", "/ AFP/File", "Source : Getty Images", "(Image credit: X)").
_CREDIT = re.compile(
    r"(?:\b(?:photo|image|picture|foto|bild|credit|source|quelle|crédit|illustration)s?\s*:\s*\S"
    r"|\bgetty images\b|\b(?:afp|ap|reuters|epa|dpa)/(?:file|getty|pool)\b|/\s*(?:photo|foto)\b"
    r"|\((?:photo|image|credit)\b)",
    re.IGNORECASE)

# Market tickers ("ABC 1.2% 34.5 $", "XYZ -0.3% €12"), exchange headers ("NYSE - LSE").
_TICKER = re.compile(
    r"^[A-Z][A-Z0-9.\-]{0,9}\s+[-+−]?\d+(?:[.,]\d+)?\s*%\s+[$€£¥]?\s*[-+]?[\d.,]+\s*[$€£¥]?$"
    r"|^[A-Z]{2,6}(?:\s*[-|/·]\s*[A-Z]{2,6})+$")
_TIME = re.compile(r"^\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+[A-Z]", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SENT_INNER = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(]?[A-Z0-9]")
_BREADCRUMB = re.compile(r"\S\s+(?:>|»|›|/|\|)\s+\S")
_WORD = re.compile(r"\w+")
_OUTLET_PATTERNS = [
    re.compile(r"^get (?:the )?(?P<o>[A-Z][\w&'.\- ]{1,40}?) (?:daily|updates|newsletters?|alerts|app)\b", re.IGNORECASE),
    re.compile(r"(?:©|copyright)\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?\s*)?(?P<o>[A-Z][\w&'.\- ]{1,40}?)(?:[.,|]|\s+all rights|$)",
               re.IGNORECASE),
    re.compile(r"^follow (?P<o>(?!us\b)[A-Z][\w&'.\- ]{1,40}?) on\b", re.IGNORECASE),
]
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")

# Length thresholds (characters).  Chosen by reading typical pages, not fitted to a benchmark.
STRONG_MIN_CHARS = 120  # a "real" paragraph: at least this long and sentence-like
SHORT_LINE_CHARS = 60  # head lines shorter than this without sentence punctuation are chrome
MAX_TITLE_CHARS = 250


@dataclass
class Line:
    """One non-blank input line: the stripped slice ``[start, end)`` and its features."""

    start: int
    end: int
    text: str
    blank_before: bool  # a blank line separates it from the previous non-blank line
    chrome: bool = False
    strong: bool = False


# --------------------------------------------------------------------------- line features

def split_lines(text: str) -> list[Line]:
    """Non-blank lines with exact stripped spans into ``text``."""
    lines: list[Line] = []
    pos = 0
    blank = False
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            lines.append(Line(start, start + len(stripped), stripped, blank or not lines))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return lines


def word_count(line: str) -> int:
    return len(_WORD.findall(line))


def is_sentence_like(line: str) -> bool:
    """Ends like a sentence, or holds a sentence boundary, and has a few words."""
    return word_count(line) >= 4 and bool(_SENT_END.search(line) or _SENT_INNER.search(line))


def letter_share(line: str) -> float:
    letters = sum(1 for c in line if c.isalpha())
    return letters / max(1, len(line.replace(" ", "")))


def ui_hits(line: str) -> tuple[int, int]:
    """``(strong, weak)`` interface-phrase counts; a weak word inside a strong phrase is not recounted."""
    strong = _UI.findall(line)
    rest = _UI.sub(" ", line)
    return len(strong), len(_UI_W.findall(rest))


def is_chrome_line(line: str) -> bool:
    """Line-level chrome test, independent of position.

    Approximate by design: a one-word line, a ticker, a timestamp, a label ("Text size:"), a photo
    credit, a breadcrumb or a short line of interface vocabulary is chrome; a long sentence-like line
    is chrome only when it carries two interface phrases ("sign up ... inbox").
    """
    s = line.strip()
    words = word_count(s)
    if not s or " " not in s:  # one token: a button, a letter, a signature ("A.Name--XY"), a URL
        return True
    if _TICKER.match(s) or _TIME.match(s):
        return True
    if letter_share(s) < 0.5 and words <= 8:  # mostly digits/symbols: scores, dates, counters
        return True
    if s.endswith(":") and words <= 4:  # a form or widget label
        return True
    if _CREDIT.search(s) and len(s) <= MAX_TITLE_CHARS and not is_caption(s):
        return True
    sentence = is_sentence_like(s)
    if _BYLINE.match(s) and words <= 8 and not sentence:
        return True
    if _BREADCRUMB.search(s) and not sentence and words <= 12:
        return True
    if is_related_label(s):
        return True
    strong, weak = ui_hits(s)
    return ui_says_chrome(strong, weak, words, sentence)


def caption_text(line: str) -> str:
    """The caption part of a line that ends in a photo credit (the whole line when there is none)."""
    match = _CREDIT.search(line)
    return line[: match.start()].rstrip(" -–—|/(") if match else line


def is_caption(line: str) -> bool:
    """A photo caption with its credit ("X received a warm welcome in Y on Friday - Photo: Agency").

    Captions describe the news photo and often carry facts (who, where, when), so they stay; a bare
    credit ("Photo: Agency/File") is chrome.
    """
    before = caption_text(line)
    return word_count(before) >= 6 and letter_share(before) >= 0.7


def is_related_label(line: str) -> bool:
    """ "Read more: <other headline>", "Related: ...": a link to another article."""
    return bool(_LIST_HEAD.match(line)) and ":" in line[:30]


def ui_says_chrome(strong: int, weak: int, words: int, sentence: bool) -> bool:
    """Interface-vocabulary verdict for a line of ``words`` words (see ``_UI_STRONG``)."""
    if strong >= 2 and words <= 45 or strong and weak and words <= 25:
        return True
    # a weak word ("home", "share", "video") alone marks only short labels: headlines use them too
    return (strong >= 1 and words <= 10 or weak >= 1 and words <= 5) and not (sentence and words >= 5)


def is_strong(line: Line) -> bool:
    """A real article paragraph: long, sentence-like and not chrome."""
    return not line.chrome and len(line.text) >= STRONG_MIN_CHARS and is_sentence_like(line.text)


def is_all_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# --------------------------------------------------------------------------- title and outlet

def split_title(line: str, others: set[str]) -> tuple[str, str | None]:
    """``(title, outlet)`` from a title line that may carry the site name ("Site - Title").

    A part that recurs as its own line elsewhere is the title; with an unconfirmed " | " the longest
    part is the title.  Otherwise the line is the title as is.
    """
    for sep in _TITLE_SEPARATORS:
        if sep not in line:
            continue
        parts = [p.strip() for p in line.split(sep) if p.strip()]
        if len(parts) < 2:
            continue
        for i, part in enumerate(parts):
            if part in others:
                rest = [p for j, p in enumerate(parts) if j != i]
                outlet = rest[0] if len(rest) == 1 and word_count(rest[0]) <= 5 else None
                return part, outlet
        if sep == " | ":
            best = max(parts, key=len)
            rest = [p for p in parts if p is not best]
            return best, (rest[0] if len(rest) == 1 and word_count(rest[0]) <= 5 else None)
    return line, None


def is_title_like(line: str) -> bool:
    words = word_count(line)
    return 2 <= words <= 30 and len(line) <= MAX_TITLE_CHARS and not line.endswith(":")


def choose_title(lines: list[Line], head_end: int) -> int | None:
    """Index of the title line among the non-chrome head lines (before ``head_end``).

    A head line that is repeated later (pages often print the headline twice) wins; else the first
    non-chrome title-like line.  ``None`` when the text opens directly with a paragraph.
    """
    head = [i for i in range(head_end) if not lines[i].chrome and is_title_like(lines[i].text)]
    seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        seen[line.text] = seen.get(line.text, 0) + 1
    for i in head:
        if seen[lines[i].text] > 1:
            return i
    if head:
        return head[0]
    first = next((i for i, ln in enumerate(lines) if not ln.chrome), None)
    if first is not None and is_title_like(lines[first].text) and not is_sentence_like(lines[first].text):
        return first
    return None


def outlet_beside_title(head: list[Line], title: str, others: set[str]) -> str | None:
    """Outlet from an earlier head line that prints "<Outlet> - <title>" (or "<title> | <Outlet>")."""
    for line in head:
        if title in line.text and line.text != title:
            found, outlet = split_title(line.text, others | {title})
            if found == title and outlet:
                return outlet
    return None


def find_outlet(lines: list[Line]) -> str | None:
    """Outlet name from chrome lines ("Get <Outlet> daily ...", "© 2024 <Outlet>"), if any."""
    for pattern in _OUTLET_PATTERNS:
        for line in lines:
            if not line.chrome:
                continue
            m = pattern.search(line.text)
            if m:
                name = m.group("o").strip(" .-")
                if 1 <= word_count(name) <= 5:
                    return name
    return None


# --------------------------------------------------------------------------- position rules

def mark_chrome(lines: list[Line]) -> None:
    for line in lines:
        line.chrome = is_chrome_line(line.text)
        line.strong = is_strong(line)


def drop_link_lists(lines: list[Line], lo: int, hi: int) -> None:
    """After a "Related"/"Read more" heading, short title-like lines are links: drop until a paragraph."""
    i = lo
    while i < hi:
        if lines[i].chrome and _LIST_HEAD.match(lines[i].text):
            j = i + 1
            while j < hi and not lines[j].strong and not is_sentence_like(lines[j].text):
                lines[j].chrome = True
                j += 1
            i = j
        else:
            i += 1


def drop_head_chrome(lines: list[Line], title: int | None, first_strong: int) -> None:
    """Before the first real paragraph: everything above the title and short non-sentences go."""
    for i in range(first_strong):
        line = lines[i]
        if title is not None and i < title:
            line.chrome = True
        elif i != title and len(line.text) < SHORT_LINE_CHARS and not is_sentence_like(line.text):
            line.chrome = True
        elif is_all_caps(line.text) and word_count(line.text) <= 4:
            line.chrome = True


def drop_tail_chrome(lines: list[Line], last_strong: int) -> None:
    """After the last real paragraph, the first chrome line starts the page footer: cut from there."""
    cut = next((i for i in range(last_strong + 1, len(lines)) if lines[i].chrome), None)
    if cut is None:
        return
    for i in range(cut, len(lines)):
        lines[i].chrome = True


def classify(lines: list[Line]) -> tuple[int | None, str | None, str | None]:
    """Mark chrome lines in place; return ``(title index, title text, outlet)``."""
    mark_chrome(lines)
    strong = [i for i, ln in enumerate(lines) if ln.strong]
    first_strong = strong[0] if strong else len(lines)
    title = choose_title(lines, first_strong)
    title_text = outlet = None
    if title is not None:
        others = {ln.text for i, ln in enumerate(lines) if i != title}
        title_text, outlet = split_title(lines[title].text, others)
        outlet = outlet or outlet_beside_title(lines[:title], title_text, others)
    drop_head_chrome(lines, title, first_strong)
    drop_link_lists(lines, 0, len(lines))
    if strong:
        drop_tail_chrome(lines, strong[-1])
    if title_text is not None:
        for ln in lines:  # the headline printed again above the body, or as a photo caption
            if ln.text in (title_text, lines[title].text) or caption_text(ln.text) == title_text:
                ln.chrome = True
    return title, title_text, outlet or find_outlet(lines)


# --------------------------------------------------------------------------- public API

def build_text(source: str, lines: list[Line]) -> tuple[str, OffsetMap]:
    """Join kept lines: "\\n" inside an input paragraph, "\\n\\n" across blank or dropped lines."""
    builder = TextBuilder()
    prev: int | None = None
    for i, line in enumerate(lines):
        if line.chrome:
            continue
        if prev is not None:
            same_paragraph = i == prev + 1 and not line.blank_before
            builder.insert("\n" if same_paragraph else "\n\n")
        builder.keep(source, line.start, line.end)
        prev = i
    return builder.build()


def clean_text(text: str) -> CleanResult:
    """Article text and title of plain text that may carry page chrome.

    ``text`` must have ``\\n`` newlines.  The first non-chrome line (preferring a headline that the page
    repeats) becomes ``title`` and is not part of the result's ``text``.  Never raises on odd input:
    empty or all-chrome input gives an empty ``text`` and a note.
    """
    lines = split_lines(text)
    title_idx, title, outlet = classify(lines)
    if title_idx is not None:
        lines[title_idx].chrome = True
    body, offsets = build_text(text, lines)
    dropped = sum(1 for i, ln in enumerate(lines) if ln.chrome and i != title_idx)
    notes = [f"dropped {dropped} chrome line(s) of {len(lines)}"]
    if not body:
        notes.append("no article text left after removing page chrome")
    return CleanResult(title=title, text=body, offsets=offsets, outlet=outlet, notes=notes)
