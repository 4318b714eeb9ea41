"""A drop-in AttributeRuler whose matching step is a table lookup instead of a full Matcher pass.

The small English model's ``attribute_ruler`` maps tags to POS/morphology with ~180 Matcher
patterns, almost all of them one token long.  Running spaCy's Matcher over every token with every
pattern costs about a tenth of the whole parse.  The result of a one-token pattern depends only on
the token's values of the attributes the patterns test (TAG, LOWER, DEP, IS_SPACE), so we:

* memoise, per *signature* of those values, which one-token patterns match — the answer for a new
  signature comes from spaCy's own Matcher run on that single token, so the predicates are never
  re-implemented here;
* match the few multi-token patterns ("gon na", "let 's") from the same memo, token spec by
  token spec (they have no operators, so spec j must match token i + j);
* leave setting the attributes to :meth:`AttributeRuler.set_annotations`, unchanged.

The signature of a LOWER value is the value itself when some pattern names it (equality, IN,
NOT_IN) or some regex pattern matches it, else one shared "other" class: every such value fails
every equality/IN test and every regex and passes every NOT_IN test, so all of them match the same
patterns.  Patterns using anything else (operators, other attributes or predicates) make the
component fall back to the plain Matcher, so the output is always the AttributeRuler's.
"""
# No `from __future__ import annotations` here: spaCy 3.8.6 validates a factory's arguments from its
# annotations and cannot resolve them as strings ("field nlp not yet prepared").
import re
from typing import NamedTuple

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler

FACTORY = "storyline_fast_attribute_ruler"
_ATTR_IDS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_ORDER = ("TAG", "LOWER", "DEP", "IS_SPACE")  # column order of the token arrays
_SET_PREDICATES = ("IN", "NOT_IN")
_MAX_CACHED = 200_000  # exact-value cache entries before a reset (memory bound for long runs)
_OTHER = -1  # class of a value no pattern names (hashes are unsigned, so never -1)


class _Tables:
    """Per-pattern-set lookup state; rebuilt when patterns are added.

    Every token spec of every pattern is a *slot*; spaCy's Matcher tells, once per signature,
    which slots a token fills.  A pattern of n specs (no operators) matches at token i exactly when
    token i + j fills its j-th slot for every j.
    """

    def __init__(self, ruler: AttributeRuler):
        self.size = len(ruler.attrs)
        self.literals: dict[str, set[int]] = {name: set() for name in _ORDER}
        self.regexes: dict[str, list[re.Pattern]] = {name: [] for name in _ORDER}
        self.slots = Matcher(ruler.vocab)
        self.supported = True
        self.classes: dict[tuple[str, int], int] = {}
        self.by_signature: dict[tuple[int, ...], _Hits] = {}
        # exact attribute values -> hits: the fast path; bounded, as new words keep arriving
        self.by_values: dict[tuple[int, ...], _Hits] = {}
        self.slot_no: dict[int, int] = {}  # slot match key -> slot number
        self.singles: dict[int, tuple[int, int]] = {}  # slot of a one-token pattern -> (pattern no., key)
        self.firsts: dict[int, list[tuple[tuple[int, ...], int, int]]] = {}  # first slot -> (slots, no., key)
        strings = ruler.vocab.strings
        for number in range(self.size):
            key = strings[str(number)]
            for pattern in ruler.matcher.get(key)[1]:
                if not all(self._learn(spec, strings) for spec in pattern):
                    self.supported = False
                    return
                slots = tuple(self._add_slot(spec, strings) for spec in pattern)
                if len(slots) == 1:
                    self.singles[slots[0]] = (number, key)
                else:
                    self.firsts.setdefault(slots[0], []).append((slots, number, key))

    def _add_slot(self, spec: dict, strings) -> int:
        number = len(self.slot_no)
        key = strings.add(f"storyline-attribute-slot-{number}")
        self.slots.add(key, [[spec]])
        self.slot_no[key] = number
        return number

    def _learn(self, spec: dict, strings) -> bool:
        """Record the values/regexes a token spec tests; False if it uses anything unsupported."""
        for name, value in spec.items():
            name = name.upper()
            if name not in _ATTR_IDS:
                return False  # includes "OP": quantifiers change match lengths
            if isinstance(value, bool):
                if name != "IS_SPACE":
                    return False
            elif isinstance(value, str):
                self.literals[name].add(strings.add(value))
            elif isinstance(value, dict) and len(value) == 1:
                (pred, arg), = value.items()
                if pred in _SET_PREDICATES and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
                    self.literals[name].update(strings.add(v) for v in arg)
                elif pred == "REGEX" and isinstance(arg, str):
                    self.regexes[name].append(re.compile(arg))
                else:
                    return False
            else:
                return False
        return True

    def hits(self, values: tuple[int, ...], doc, i: int, strings) -> "_Hits":
        """What token ``i`` (attribute values ``values``) matches: see :class:`_Hits`."""
        signature = tuple(self.value_class(name, v, strings) for name, v in zip(_ORDER, values))
        hits = self.by_signature.get(signature)
        if hits is None:  # first token of this kind: ask the real Matcher
            filled = frozenset(self.slot_no[key] for key, _, _ in self.slots(doc[i:i + 1], allow_missing=True))
            single = sorted({self.singles[n] for n in filled if n in self.singles})  # one match per key
            starts = [f for n in sorted(filled) for f in self.firsts.get(n, ())]
            hits = self.by_signature[signature] = _Hits(single, starts, filled)
        if len(self.by_values) >= _MAX_CACHED:
            self.by_values.clear()
            self.classes.clear()
        self.by_values[values] = hits
        return hits

    def value_class(self, name: str, value: int, strings) -> int:
        """The value itself if some pattern can tell it apart from others, else ``_OTHER``."""
        if name == "IS_SPACE":
            return value
        key = (name, value)
        cls = self.classes.get(key)
        if cls is None:
            regexes = self.regexes[name]
            named = value in self.literals[name] or (regexes and any(r.search(strings[value]) for r in regexes))
            cls = self.classes[key] = value if named else _OTHER
        return cls


class _Hits(NamedTuple):
    """Matches of one token signature: one-token patterns (pattern number, key), longer patterns
    whose first spec it fills, and every slot it fills."""

    single: list[tuple[int, int]]
    starts: list[tuple[tuple[int, ...], int, int]]
    filled: frozenset[int]


@Language.factory(FACTORY, default_config={"validate": False})
def make_fast_attribute_ruler(nlp: Language, name: str, validate: bool) -> "FastAttributeRuler":
    return FastAttributeRuler(nlp.vocab, name, validate=validate)


class FastAttributeRuler(AttributeRuler):
    """AttributeRuler with memoised one-token matching; same matches, same annotations."""

    _tables: _Tables | None = None

    def match(self, doc):
        tables = self._tables
        if tables is None or tables.size != len(self.attrs):
            tables = self._tables = _Tables(self)
        if not tables.supported:
            return super().match(doc)
        strings = self.vocab.strings
        columns = doc.to_array([_ATTR_IDS[name] for name in _ORDER]).T.tolist()
        found: list[tuple[int, int, int, int]] = []
        by_values = tables.by_values
        per_token: list[_Hits] = []
        for i, values in enumerate(zip(*columns)):
            hits = by_values.get(values)
            if hits is None:
                hits = tables.hits(values, doc, i, strings)
            per_token.append(hits)
            for number, key in hits.single:
                found.append((number, key, i, i + 1))
        longer: set[tuple[int, int, int, int]] = set()  # the Matcher reports a (key, span) once
        for i, hits in enumerate(per_token):
            for slots, number, key in hits.starts:
                end = i + len(slots)
                if end <= len(per_token) and all(slots[j] in per_token[i + j].filled for j in range(1, len(slots))):
                    longer.add((number, key, i, end))
        found.extend(longer)
        found.sort()
        return found


def use_fast_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> None:
    """Swap the pipeline's AttributeRuler for :class:`FastAttributeRuler` with the same patterns."""
    if name not in nlp.pipe_names:
        return
    old = nlp.get_pipe(name)
    if type(old) is not AttributeRuler:
        return  # already swapped, or a custom component we know nothing about
    patterns = old.patterns
    fast = nlp.replace_pipe(name, FACTORY, config={"validate": old.validate})
    fast.add_patterns(patterns)
