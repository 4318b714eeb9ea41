"""Quotations and reported speech, each attributed to a speaker.

``extract_quotes(doc, mentions)`` returns :class:`storyline.records.Quote` records whose spans are
character offsets into ``doc.text``:

* **direct** quotes: text in quotation marks (straight, curly, guillemets, „...“, ``''...''``, and
  single-quoted ‘...’ at top level).  The span *includes* the marks.  Quotes of one speaker that
  follow each other in a paragraph (``"A," she said, "B."``) become one covering span, and a quote
  whose paragraph ends open continues into the next paragraph when that one opens with a mark.
* **reported** speech: the clause a speech/attribution verb governs ("X said (that) ..."), the
  object phrase of verbs like *accuse*/*call*, and the main clause of "according to X, ...".

Approximate by design: speakers come from spaCy's dependency parse (cue verb + ``nsubj``), then from
the attribution of the previous paragraph, then from the last person named there; pronouns resolve
to the last person (he/she) named before them, without gender checks.  Unnamed speakers are kept as
a description ("a Kremlin spokesman"), never forced onto a name.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

from storyline.errors import InputError
from storyline.nlp.doctext import doc_text, text_or_none, token_strings
from storyline.records import Mention, Quote

# --- quotation marks -------------------------------------------------------------------------

_DOUBLE_OPEN_ONLY = "“«„"
_DOUBLE_CLOSE_ONLY = "”»"
_SENT_END = ".!?"
_MARK_CHAR = re.compile("[“«„”»\"‘'’`]")  # every character _mark_at can classify as a mark
_PARAGRAPH = re.compile(r"\S(?:[^\n]*\S)?")  # a line without its outer spaces
_SENT_END_TOKENS = {".", "!", "?", "...", "…"}
_MAX_ATTRIBUTION_TOKENS = 40  # tokens between two quotes joined as one: one attribution sentence
_MAX_HEADING_WORDS = 6
_MAX_NAME_TOKENS = 5  # "said Jane A. Roe": how far the head of an inverted subject may be
_DASHES = {"―", "—", "–", "-", "--"}
# Opening a straight quote: preceded by start, space or an opening bracket/dash.
_OPEN_CONTEXT = " \t\n([{—–-/:;"
_MIN_WORDS_UNCLOSED = 3  # an unclosed quote runs to paragraph end only if it has this many words

_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sen", "senator", "rep", "gov", "governor", "president",
    "vice", "prime", "minister", "secretary", "general", "gen", "sir", "dame", "lord", "lady", "pope",
    "king", "queen", "prince", "princess", "chancellor", "mayor", "judge", "justice", "rev", "st",
}
_PERSON_PRONOUNS = {"he", "she"}  # resolved to the last person named
_OTHER_PRONOUNS = {"i", "you", "we", "they", "it"}  # kept as they are: the author, a group, ...
_RELATIVE = {"who", "which", "that"}
_NAME_TYPES = {"PERSON", "ORG", "GPE", "NORP"}


@dataclass
class _Segment:
    """A quotation found by the mark scanner: [start, end) including its marks."""

    start: int
    end: int
    para: int  # index of the paragraph it starts in


@dataclass
class _Speaker:
    name: str | None
    span: tuple[int, int] | None
    cue: str | None = None
    cue_span: tuple[int, int] | None = None


# --- speech verbs ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _verb_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(clause verbs, complement verbs) from ``storyline/data/speech_verbs.txt``."""
    clause: set[str] = set()
    complement: set[str] = set()
    target = clause
    raw = resources.files("storyline.data").joinpath("speech_verbs.txt").read_text(encoding="utf-8")
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line == "[clause]":
            target = clause
        elif line == "[complement]":
            target = complement
        elif line:
            target.add(line)
    return frozenset(clause), frozenset(complement)


# --- paragraphs and quote marks --------------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Line-based paragraphs (every newline ends one), without surrounding whitespace."""
    return [m.span() for m in _PARAGRAPH.finditer(text)]


def _mark_at(text: str, i: int) -> tuple[str, int] | None:
    """Classify the quotation mark at ``i``: (kind, length) with kind in
    'open', 'close', 'both' (double marks) or 'sopen', 'sclose' (single marks); None if no mark."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if text.startswith("''", i) or text.startswith("``", i):
        # NYT / LaTeX style double quote written as two single marks
        return ("open" if text[i] == "`" else "both", 2)
    if ch in _DOUBLE_OPEN_ONLY:
        return ("open", 1)
    if ch in _DOUBLE_CLOSE_ONLY:
        return ("close", 1)
    if ch == '"':
        return ("both", 1)
    if ch in "‘'’":
        if prev.isalnum() and nxt.isalnum():
            return None  # apostrophe inside a word: don't, O’Brien
        if ch in "‘'" and not prev.isalnum() and (nxt.isalnum() or nxt in "“\"…."):
            return ("sopen", 1)
        if ch in "’'" and not prev.isspace() and not nxt.isalnum():
            return ("sclose", 1)
    return None


def _scan_paragraph(text: str, s: int, e: int, already_open: int | None) -> tuple[list[tuple[int, int]], int | None]:
    """Quote spans inside paragraph [s, e).  ``already_open`` is the start of a quote carried over
    from the previous paragraph.  Returns (closed spans, start of a quote still open at the end)."""
    spans: list[tuple[int, int]] = []
    open_at = already_open  # start of the current double quote
    open_char = ""
    single_at: int | None = None  # start of a top-level single quote
    i = s
    while i < e:
        mark = _mark_at(text, i)
        if mark is None:  # skip to the next character that can be a mark
            nxt = _MARK_CHAR.search(text, i + 1, e)
            i = nxt.start() if nxt is not None else e
            continue
        kind, n = mark
        prev = text[i - 1] if i > s else " "
        if kind in ("open", "close", "both"):
            single_at = None  # a double mark ends any single-quote guess (it was an apostrophe)
            if open_at is None:
                if kind == "open" or (kind == "both" and (i == s or prev in _OPEN_CONTEXT or prev in "‘'")):
                    open_at, open_char = i, text[i]
                # a stray closing mark is ignored: damage stays local
            else:
                closes = kind in ("close", "both") or (open_char == "„" and text[i] == "“")
                if closes and i > open_at:
                    spans.append((open_at, i + n))
                    open_at = None
                elif kind == "open":
                    open_at, open_char = i, text[i]  # re-opened: the earlier mark was unbalanced
            i += n
            continue
        if open_at is None:  # single quotes only count at top level; nested ones stay inside
            if kind == "sopen" and single_at is None:
                single_at = i
            elif kind == "sclose" and single_at is not None and i - single_at > 1:
                spans.append((single_at, i + 1))
                single_at = None
        i += n
    return spans, open_at


def _find_segments(text: str, paras: list[tuple[int, int]]) -> list[_Segment]:
    """All quotations, handling quotes that run over several paragraphs."""
    segs: list[_Segment] = []
    carry: int | None = None
    carry_para = 0
    for pi, (s, e) in enumerate(paras):
        continues = carry is not None and _mark_at(text, s) is not None and _mark_at(text, s)[0] in ("open", "both")
        start_open = carry if continues else None
        if carry is not None and not continues:
            _close_at_paragraph_end(text, carry, paras[pi - 1][1], carry_para, segs)
        spans, open_at = _scan_paragraph(text, s + 1 if continues else s, e, start_open)
        owner = carry_para if continues else pi
        for a, b in spans:
            segs.append(_Segment(a, b, owner if a == start_open else pi))
        carry, carry_para = open_at, (owner if open_at is not None and open_at == start_open else pi)
    if carry is not None and paras:
        _close_at_paragraph_end(text, carry, paras[-1][1], carry_para, segs)
    return segs


def _close_at_paragraph_end(text: str, start: int, end: int, para: int, segs: list[_Segment]) -> None:
    """An unclosed quote: keep it to the paragraph end when it is long enough to be a quotation."""
    if len(text[start:end].split()) >= _MIN_WORDS_UNCLOSED:
        segs.append(_Segment(start, end, para))


# --- names -----------------------------------------------------------------------------------


def _strip_title(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return words


def _clean_name(text: str) -> str:
    """'Mr. Jane Roe’s' -> 'Jane Roe': no title, possessive or surrounding punctuation."""
    text = re.sub(r"[’']s$", "", re.sub(r"^\W+|\W+$", "", text))
    return " ".join(_strip_title(text.split()))


def _mentions_from_ents(doc) -> list[Mention]:
    """Fallback when no resolver output is given: spaCy entities, short names mapped to the longest
    name in the document ending with the same word ("Trump" -> "Donald Trump")."""
    raw = [e for e in doc.ents if e.label_ in _NAME_TYPES]
    full: dict[str, str] = {}
    for e in raw:
        if e.label_ == "PERSON":
            name = _clean_name(e.text)
            last = name.split()[-1].lower() if name else ""
            if last and len(name) > len(full.get(last, "")):
                full[last] = name
    out = []
    for e in raw:
        name = _clean_name(e.text) or e.text
        if e.label_ == "PERSON" or (" " not in name and name.lower() in full):
            name = full.get(name.split()[-1].lower(), name)  # spaCy often tags a lone surname ORG
        out.append(Mention(e.start_char, e.end_char, e.text, name, e.label_))
    return out


class _MentionIndex:
    """Char-offset lookup of mentions (sorted by start)."""

    def __init__(self, mentions: Iterable[Mention]):
        self.items = sorted(mentions, key=lambda m: (m.start, m.end))

    def within(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.items if m.start < end and m.end > start]

    def last_person_before(self, pos: int, inside_quotes) -> Mention | None:
        for m in reversed(self.items):
            if m.end <= pos and m.type == "PERSON" and not inside_quotes(m.start):
                return m
        return None

    def last_of_types_in(self, start: int, end: int, types: set[str], inside_quotes) -> Mention | None:
        for m in reversed(self.items):
            if start <= m.start and m.end <= end and m.type in types and not inside_quotes(m.start):
                return m
        return None


# --- speakers --------------------------------------------------------------------------------


def _subject_of(verb):
    """nsubj of a cue verb, inherited from the governing verb for participles ("..., adding ...")
    and conjuncts ("X said ... and added ...")."""
    tok = verb
    for _ in range(3):
        for c in tok.children:
            if c.dep_ == "nsubj":
                if c.lower_ in _RELATIVE and tok.dep_ == "relcl":
                    return tok.head  # "Ms Roe, who said ...": the relative clause's antecedent
                return c
        if tok.dep_ == "acl" and tok.head.pos_ in ("PROPN", "NOUN"):
            return tok.head  # "footage of Jane Roe asking, ..."
        if tok.dep_ in ("conj", "advcl", "xcomp", "parataxis") and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


def _np_span(tok) -> tuple[int, int]:
    """Character span of a subject phrase, cut before a relative clause or apposition comma."""
    left = tok.left_edge
    right = tok
    for c in tok.rights:
        if c.dep_ in ("relcl", "punct", "appos", "acl", "advcl", "cc", "conj"):
            break
        right = c.right_edge
    return left.idx, right.idx + len(right.text)


def _describe(tok, index: _MentionIndex) -> str:
    """Description of an unnamed speaker: the head noun with its modifiers; "a spokesman for X"
    becomes "X's spokesman" so that the head noun stays the last word."""
    mods = [t.left_edge.i for t in tok.lefts if t.dep_ in ("det", "poss", "compound", "amod", "nmod")]
    head = tok.doc[min(mods, default=tok.i): tok.i + 1].text
    for prep in tok.rights:
        if prep.dep_ != "prep" or prep.lower_ not in ("for", "of", "to"):
            continue
        for obj in prep.children:
            ms = index.within(obj.idx, obj.idx + len(obj.text)) if obj.dep_ == "pobj" else []
            if ms:
                core = re.sub(r"^(?:a|an|the)\s+", "", head, flags=re.IGNORECASE)
                return f"{ms[-1].name}'s {core}"
    return head


def _speaker_for(subj, index: _MentionIndex, inside_quotes) -> _Speaker:
    span = _np_span(subj)
    low = subj.lower_
    if low in _PERSON_PRONOUNS:
        m = index.last_person_before(subj.idx, inside_quotes)
        return _Speaker(m.name if m else subj.text, (subj.idx, subj.idx + len(subj.text)))
    if low in _OTHER_PRONOUNS:
        return _Speaker(subj.text, (subj.idx, subj.idx + len(subj.text)))
    ms = index.within(subj.idx, subj.idx + len(subj.text))  # the head itself is a name
    if not ms or ms[-1].type != "PERSON":  # "the envoy, Jane Roe,": a person in apposition
        ms = [m for a in subj.subtree if a.dep_ in ("appos", "npadvmod")
              for m in index.within(a.idx, a.idx + len(a.text)) if m.type == "PERSON"] or ms
    if ms:
        return _Speaker(ms[-1].name, span)
    if subj.pos_ == "PROPN":  # a name the entity tagger missed (or mislabelled): head + compounds
        words = [t.text for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [subj.text]
        return _Speaker(_clean_name(" ".join(words)), span)
    return _Speaker(_describe(subj, index), span)


# --- the extractor ---------------------------------------------------------------------------


class _Extractor:
    def __init__(self, doc, mentions: list[Mention] | None):
        self.doc = doc
        self.text = doc_text(doc)
        self.index = _MentionIndex(mentions if mentions is not None else _mentions_from_ents(doc))
        self.paras = _paragraphs(self.text) or [(0, len(self.text))]
        self._para_starts = [s for s, _ in self.paras]
        self.segs = _find_segments(self.text, self.paras)
        self.clause_verbs, self.complement_verbs = _verb_lists()
        # character -> is inside a quotation (for excluding quoted words from attribution search)
        self._inside = bytearray(len(self.text) + 1)
        for sg in self.segs:
            self._inside[sg.start:sg.end] = b"\x01" * (sg.end - sg.start)

    def inside(self, pos: int) -> bool:
        return bool(self._inside[pos]) if 0 <= pos < len(self._inside) else False

    # - cue search -

    def _is_cue(self, tok) -> bool:
        lemma = tok.lemma_.lower()
        return tok.pos_ in ("VERB", "AUX") and (lemma in self.clause_verbs or lemma in self.complement_verbs)

    def _tokens_between(self, start: int, end: int):
        """Tokens in [start, end) outside quotations, whitespace tokens left out."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return [] if span is None else [t for t in span if not t.is_space and not self.inside(t.idx)]

    def _according_to(self, tok):
        """'according to X': the pobj of 'to', or None."""
        if tok.lower_ != "according":
            return None
        for to in tok.children:
            if to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        return obj
        return None

    def _attribution_in(self, toks) -> _Speaker | None:
        """First cue with a subject among ``toks`` (tokens outside quotes)."""
        for tok in toks:
            obj = self._according_to(tok)
            if obj is not None:
                sp = _speaker_for(obj, self.index, self.inside)
                return _Speaker(sp.name, sp.span, "according to", (tok.idx, obj.idx))
            if self._is_cue(tok):
                subj = _subject_of(tok) or self._inverted_subject(tok)
                if subj is not None and not self.inside(subj.idx):
                    sp = _speaker_for(subj, self.index, self.inside)
                    return _Speaker(sp.name, sp.span, tok.text, (tok.idx, tok.idx + len(tok.text)))
        return None

    def _inverted_subject(self, cue):
        """'"...," said Jane Roe, the mayor.': the name right after a cue that has no subject."""
        before = self.text[:cue.idx].rstrip(" ,\t")
        if not (cue.is_sent_start or before[-1:] in "\"”’»'\n" or before == ""):
            return None  # only right after a quotation or at a sentence start ("Said Roe: ...")
        nxt = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
        if nxt is None or nxt.pos_ not in ("PROPN", "NOUN", "DET", "ADJ") or self.inside(nxt.idx):
            return None
        head = nxt
        while head.head.i > head.i and head.head.i - nxt.i <= _MAX_NAME_TOKENS and head.head.pos_ in ("PROPN", "NOUN"):
            head = head.head
        return head if head.pos_ in ("PROPN", "NOUN") else None

    def _left_tokens(self, seg: _Segment, floor: int):
        """Tokens (outside quotes) from the last sentence end before the quote to its opening mark.
        Token-based so that abbreviations ("Mr.", "Rep.") do not end a sentence."""
        toks = self._tokens_between(floor, seg.start)
        for k in range(len(toks) - 1, -1, -1):
            if toks[k].text in _SENT_END_TOKENS:
                return toks[k + 1:]
        return toks

    def _right_tokens(self, seg: _Segment, ceiling: int):
        """Tokens (outside quotes) from the closing mark to the next sentence end."""
        toks = self._tokens_between(seg.end, ceiling)
        for k, t in enumerate(toks):
            if t.text in _SENT_END_TOKENS:
                return toks[:k]
        return toks

    def _dash_signature(self, toks) -> _Speaker | None:
        """'"..." ― Jane Roe': a name right after a dash that follows the quote."""
        if toks and toks[0].text in _DASHES:
            s, last = toks[0].idx, toks[:6][-1]
            ms = self.index.within(s, last.idx + len(last.text))
            if ms:
                return _Speaker(ms[0].name, (ms[0].start, ms[0].end), toks[0].text, (s, s + len(toks[0].text)))
        return None

    def _para_of(self, pos: int) -> int:
        """Index of the paragraph holding ``pos`` (or the last one starting before it)."""
        return max(0, bisect.bisect_right(self._para_starts, pos) - 1)

    def _context_speaker(self, para: int) -> _Speaker | None:
        """Speaker for a quote with no cue of its own: the attribution in the previous paragraph,
        else the last person named there (the 'Mr X said the war must end.' + quote pattern)."""
        if para == 0:
            return None
        s, e = self.paras[para - 1]
        sp = self._paragraph_attribution(s, e)
        if sp is not None:
            return sp
        m = self.index.last_of_types_in(s, e, {"PERSON"}, self.inside)
        if m is not None:
            return _Speaker(m.name, (m.start, m.end))
        return None

    def _paragraph_attribution(self, s: int, e: int) -> _Speaker | None:
        toks = self._tokens_between(s, e)
        found = None
        for k in range(len(toks)):  # the main verb's attribution wins, else the first one
            sp = self._attribution_in(toks[k:k + 1])
            if sp is not None and (found is None or toks[k].dep_ == "ROOT"):
                found = sp
                if toks[k].dep_ == "ROOT":
                    break
        if found is None:  # a quote paragraph already attributed earlier carries its speaker on
            found = self._quote_speakers.get(self._para_of(s))
        return found

    # - direct quotes -

    def direct(self) -> list[Quote]:
        self._quote_speakers: dict[int, _Speaker] = {}
        self.embedded: list[Quote] = []
        quotes: list[Quote] = []
        segs = self.segs
        for k, seg in enumerate(segs):
            ps, pe = self.paras[seg.para]
            prev_end = segs[k - 1].end if k and segs[k - 1].end > ps else ps
            end_para = self._para_of(seg.end - 1)
            pe2 = self.paras[end_para][1]
            next_start = segs[k + 1].start if k + 1 < len(segs) and segs[k + 1].start < pe2 else pe2
            own = self._own_attribution(seg, prev_end, next_start)
            if self._is_embedded(seg, prev_end):
                # a partial quote in running text ('X said the plan was "dead"'): part of the
                # reported clause around it, kept on its own only if no clause covers it
                if own is not None:
                    s, e = self._clause_around(seg, own)
                    self.embedded.append(Quote(s, e, self.text[s:e], False,
                                               own.name, own.span, own.cue, own.cue_span))
                continue
            if own is None and self._is_fragment(seg):
                continue  # scare quotes with no cue: handled with their sentence, if at all
            prev = quotes[-1] if quotes else None
            if prev is not None and self._para_of(prev.start) == self._para_of(seg.start) and (
                own is None or own.name == prev.speaker
            ) and self._joinable(prev.end, seg.start):
                # same paragraph, same (or unstated) speaker: one covering quotation
                quotes[-1] = Quote(prev.start, seg.end, self.text[prev.start:seg.end], True, prev.speaker,
                                   prev.speaker_span, prev.cue, prev.cue_span)
                continue
            if own is None and self._is_heading(seg):
                continue
            sp = own
            if sp is None and seg.start == ps:  # a quote standing alone: earlier context
                sp = self._context_speaker(seg.para)
            elif sp is None:  # 'Ms Roe said so on Monday. "Quote."': the paragraph's attribution
                sp = self._paragraph_attribution(ps, seg.start)
            if sp is None:
                sp = _Speaker(None, None)
            quotes.append(Quote(seg.start, seg.end, self.text[seg.start:seg.end], True, sp.name, sp.span,
                                sp.cue, sp.cue_span))
            self._quote_speakers[end_para] = sp
        return quotes

    def _own_attribution(self, seg: _Segment, prev_end: int, next_start: int) -> _Speaker | None:
        """The cue in the quote's own sentence.  A quote ending in '.', '!' or '?' closes its
        sentence, so the text before it is searched first ('X said: "A."  He added ...');
        otherwise ('"A," X said') the text after it comes first."""
        right = self._right_tokens(seg, next_start)
        after = self._attribution_in(right) or self._dash_signature(right)
        before = self._attribution_in(reversed(self._left_tokens(seg, prev_end)))  # nearest cue first
        inner = self.text[seg.start:seg.end].rstrip("\"“”„«»‘’' ")
        return (before or after) if inner[-1:] in _SENT_END else (after or before)

    def _clause_around(self, seg: _Segment, own: _Speaker) -> tuple[int, int]:
        """Reported content around a partial quote the parse gave no clause: from after the cue
        (when it precedes the quote) to the end of the quote's sentence."""
        span = self.doc.char_span(seg.start, seg.end, alignment_mode="expand")
        if span is None or not own.cue_span or self._para_of(own.cue_span[0]) != seg.para:
            return seg.start, seg.end
        if own.cue_span[1] <= seg.start:  # 'X said the plan was "dead" and buried.'
            start = own.cue_span[1]
            end = min(max(seg.end, span[-1].sent.end_char), self.paras[self._para_of(seg.end - 1)][1])
        else:  # 'The plan "is dead," X said.'
            start, end = max(span[0].sent.start_char, self.paras[seg.para][0]), seg.end
        return self._trimmed(start, end)

    def _is_embedded(self, seg: _Segment, floor: int) -> bool:
        """The quote continues a clause begun outside it: words precede it in its sentence and the
        last of them is not ':', ',' or a dash that would introduce a quotation."""
        before = self._left_tokens(seg, floor)
        if not before:
            return False
        last = before[-1]
        first = self.text[seg.start:seg.end].lstrip("\"“”„«»‘’' ")[:1]
        if self._is_cue(last) and first.isupper():  # 'Crowds chanted "Go home!"': a quotation
            return False
        return last.is_alpha or last.text in ("'s", "’s")

    def _joinable(self, prev_end: int, start: int) -> bool:
        """Two quotes of one speaker form one item when only an attribution lies between them."""
        between = self._tokens_between(prev_end, start)
        sentence_ends = sum(t.text in _SENT_END_TOKENS for t in between[:-1])
        return sentence_ends == 0 and len(between) <= _MAX_ATTRIBUTION_TOKENS

    def _is_heading(self, seg: _Segment) -> bool:
        """A paragraph that is only a short quoted Title Case phrase is a subheading."""
        ps, pe = self.paras[seg.para]
        words = self.text[seg.start:seg.end].strip("\"“”„«»‘’'.,!? ").split()
        return (seg.start == ps and seg.end >= pe - 1 and len(words) <= _MAX_HEADING_WORDS
                and all(w[:1].isupper() or not w[:1].isalpha() for w in words))

    def _is_fragment(self, seg: _Segment) -> bool:
        """A short quoted phrase inside a sentence (scare quotes, titles), not a quotation."""
        inner = self.text[seg.start:seg.end].strip("\"“”„«»‘’' ")
        ps, _ = self.paras[seg.para]
        starts_sentence = seg.start == ps or self.text[ps:seg.start].rstrip()[-1:] in _SENT_END + ":"
        return not starts_sentence and (len(inner.split()) < 4 or inner[-1:] not in _SENT_END + ",")

    # - reported speech -

    def _trimmed(self, start: int, end: int) -> tuple[int, int]:
        """Drop surrounding spaces and clause punctuation (a quote mark ending the content stays)."""
        while start < end and (self.text[start].isspace() or self.text[start] in ",;:—–-"):
            start += 1
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in ",;:.—–-"):
            end -= 1
        return start, end

    def _content_of(self, cue) -> tuple[int, int] | None:
        """The attributed content of a cue verb: its clausal complement; for a parenthetical
        ("The plan, she said, failed.") the whole sentence; for accuse/call/... the phrase to its
        right."""
        for c in cue.children:
            if c.dep_ == "ccomp":
                return c.left_edge.idx, self._clause_end(c)
        if self._is_parenthetical(cue):
            return cue.sent.start_char, cue.sent.end_char
        if cue.lemma_.lower() in self.complement_verbs:
            rights = [c for c in cue.rights if c.dep_ in ("dobj", "oprd", "prep", "xcomp", "pcomp", "dative", "attr")]
            if rights:
                last = rights[-1].right_edge
                return rights[0].left_edge.idx, last.idx + len(last.text)
        return None

    def _clause_end(self, head) -> int:
        """End of a reported clause: its subtree, cut before a ';' or before a coordinated cue verb
        ("... would review it and warned ..." reports a second statement)."""
        end_tok = head.right_edge
        for t in head.subtree:
            if t.i > head.i and (t.text == ";" or (t.dep_ == "conj" and t.head.i == head.i and self._is_cue(t))):
                end_tok = t.doc[t.i - 1]
                if end_tok.dep_ == "cc" and end_tok.i > head.i:
                    end_tok = t.doc[end_tok.i - 1]
                break
        return end_tok.idx + len(end_tok.text)

    def _is_parenthetical(self, cue) -> bool:
        """'X, she said, Y' or 'X, she said.': the cue and its subject set off by a comma before,
        inside a sentence that started before them."""
        subj = _subject_of(cue)
        if subj is None or subj.head.i != cue.i:
            return False
        first = min(subj.left_edge.i, cue.i)
        sent = cue.sent
        return first - sent.start >= 3 and cue.doc[first - 1].text == ","

    def _according_content(self, tok, obj) -> tuple[int, int]:
        """'According to X, C.' / 'C, according to X.': the rest of the sentence."""
        sent = tok.sent
        phrase_end = obj.right_edge.idx + len(obj.right_edge.text)
        if tok.idx - sent.start_char < 3:
            return phrase_end, sent.end_char
        return sent.start_char, tok.idx

    def _cue_candidates(self) -> list[int]:
        """Indices of the tokens ``reported`` can act on ("according", or what ``_is_cue`` accepts),
        found from token arrays so that no Token object is made for the others."""
        verbs = self.clause_verbs | self.complement_verbs
        lowers, poses = token_strings(self.doc, "lower_"), token_strings(self.doc, "pos_")
        lemmas = token_strings(self.doc, "lemma_")
        return [i for i, (low, pos, lemma) in enumerate(zip(lowers, poses, lemmas))
                if low == "according" or (pos in ("VERB", "AUX") and lemma.lower() in verbs)]

    def reported(self) -> list[Quote]:
        out: list[Quote] = []
        doc = self.doc
        for i in self._cue_candidates():
            tok = doc[i]
            if self.inside(tok.idx):
                continue
            obj = self._according_to(tok)
            if obj is not None:
                span = self._according_content(tok, obj)
                sp = _speaker_for(obj, self.index, self.inside)
                cue, cue_span = "according to", (tok.idx, obj.idx)
            elif self._is_cue(tok):
                subj = _subject_of(tok)
                span = self._content_of(tok)
                if subj is None or span is None or self.inside(subj.idx):
                    continue
                sp = _speaker_for(subj, self.index, self.inside)
                cue, cue_span = tok.text, (tok.idx, tok.idx + len(tok.text))
            else:
                continue
            ps, pe = self.paras[self._para_of(tok.idx)]  # the parse may run a sentence over a break
            s, e = self._trimmed(max(span[0], ps), min(span[1], pe))
            if len(self.text[s:e].split()) < 3:
                continue
            out.append(Quote(s, e, self.text[s:e], False, sp.name, sp.span, cue, cue_span))
        return out


def _overlap(a: Quote, b: Quote) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _uncovered(partial: list[Quote], reported: list[Quote]) -> list[Quote]:
    """Partial quotes that no reported clause contains."""
    return [p for p in partial if not any(r.start <= p.start and p.end <= r.end for r in reported)]


def _combine(direct: list[Quote], reported: list[Quote]) -> list[Quote]:
    """One item per statement: a reported clause mostly made of a direct quote is that quote (which
    takes the clause's speaker when it had none); a short quote inside a reported clause is part of
    the clause (scare quotes, partial quotes)."""
    keep_direct = [True] * len(direct)
    out_reported = []
    for r in reported:
        absorbed = False
        for k, d in enumerate(direct):
            ov = _overlap(r, d)
            if not ov:
                continue
            if ov >= 0.5 * (r.end - r.start):
                absorbed = True
                if d.speaker is None:
                    direct[k] = Quote(d.start, d.end, d.text, True, r.speaker, r.speaker_span, r.cue, r.cue_span)
            elif ov >= 0.9 * (d.end - d.start) and (d.end - d.start) < 0.5 * (r.end - r.start):
                keep_direct[k] = False
        if not absorbed:
            out_reported.append(r)
    quotes = [d for d, keep in zip(direct, keep_direct) if keep] + out_reported
    return sorted(quotes, key=lambda q: (q.start, q.end))


def extract_quotes(doc, mentions: list[Mention] | None = None) -> list[Quote]:
    """Direct quotations and reported speech in a parsed document, each with its speaker.

    ``doc`` is a spaCy Doc from :func:`storyline.nlp.model.parse`; ``mentions`` come from the entity
    resolver (canonical names); without them spaCy's own PERSON/ORG/GPE/NORP entities are used.
    Spans (quote, speaker, cue) are character offsets into ``doc.text``; ``text`` equals
    ``doc.text[start:end]``.
    """
    text = text_or_none(doc)
    if text is None or not hasattr(doc, "char_span"):
        raise InputError("quotes", f"expected a spaCy Doc from storyline.nlp.model.parse(), got {type(doc).__name__}")
    if not text.strip():
        return []
    ex = _Extractor(doc, mentions)
    direct = ex.direct()
    reported = ex.reported()
    return _combine(direct, reported + _uncovered(ex.embedded, reported))
