"""keywords(): a concept stated as phrases, synonym- and negation-aware.

::

    keywords(all_of=["forward KL", "mass-covering"])           # both must be stated
    keywords(any_of=[("zero-avoiding", "mode-covering")])        # a synonym group
    keywords(all_of=["std = d_model^-0.5"], none_of=["learning rate"])

A *term* is a phrase (``"mass-covering"``), a synonym group (a tuple or list:
any of these spellings), a compiled regex, or a :class:`Term` made by
:func:`phrase` / :func:`regex`. Phrases are matched on normalized text
(:func:`~pytest_hwcheck.matchers.text.normalize`: case, Unicode, Markdown and LaTeX
differences vanish) at word boundaries, with flexible spacing and hyphenation,
-ize/-ise spellings, the built-in :data:`SYNONYMS` (``mode-seeking`` also matches
``zero-forcing``) and every notation of a number (``10^-6`` also matches ``10^{-6}``,
``1e-6``, ``10⁻⁶`` and the PDF-flattened ``10−6``).

A phrase counts as *stated* only where it is not negated or contrasted ("Q is
*not* mode-seeking", "instead of std=1", "☐ latent regularizer"); an ``all_of``
term found only in negated clauses fails with that explanation, and a ``none_of``
term fails the verdict only when stated affirmatively. The evidence is the sentence
that stated each term, and messages name the spelling of a synonym group the answer
used ("states 'emb_word'" for ``("line 9", "emb_word")``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, Sequence

from ..verdict import Verdict, shorten
from .base import Deadline, Matcher
from .text import Document, TextUnit, negation_cue, normalize

__all__ = ["keywords", "phrase", "regex", "Term", "Hit", "SYNONYMS", "compile_term", "find_hits", "number_pattern",
           "check_regex_safety"]

#: Built-in synonym sets: a phrase in one of these sets also matches every other
#: spelling in the set (also inside a longer phrase: "std = 1" matches "σ = 1").
#: Keys are canonical names; values are all spellings, the key included.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "mode-seeking": ("mode-seeking", "zero-forcing"),
    "mass-covering": ("mass-covering", "mode-covering", "mean-seeking", "zero-avoiding"),
    "standard deviation": ("standard deviation", "std", "std dev", "std. dev.", "stdev", "σ", "sigma"),
    "forward KL": ("forward KL", "forward KL divergence", "forward-KL", "D_KL(P‖Q)", "KL(P‖Q)", "DKL(P‖Q)",
                   "D_KL[P‖Q]", "KL[P‖Q]", "inclusive KL"),
    "reverse KL": ("reverse KL", "reverse KL divergence", "reverse-KL", "D_KL(Q‖P)", "KL(Q‖P)", "DKL(Q‖P)",
                   "D_KL[Q‖P]", "KL[Q‖P]", "exclusive KL", "backward KL"),
    "reparameterization": ("reparameterization", "reparametrization", "reparameterisation", "reparametrisation"),
    "reparameterize": ("reparameterize", "reparametrize", "reparameterise", "reparametrise"),
    "reparameterized": ("reparameterized", "reparametrized", "reparameterised", "reparametrised"),
    "initialize": ("initialize", "initialise", "init"),
    "initialized": ("initialized", "initialised"),
    "initialization": ("initialization", "initialisation"),
    "initializing": ("initializing", "initialising"),
    "latent regularizer": ("latent regularizer", "KL regularizer", "KL regularization term", "KL term",
                           "KL divergence term", "KL penalty"),
    "task loss": ("task loss", "task term", "prediction loss"),
    "learning rate": ("learning rate", "step size", "lr"),
}


# ---------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A compiled term: how it is shown (``label``), its spellings and its regex over normalized text.

    ``user_regex`` marks a term whose regex was written by a case author: it is run one
    unit at a time (units are capped in length), so a slow pattern stays bounded.
    """

    label: str
    pattern: "re.Pattern[str]"
    spellings: tuple[str, ...] = ()
    user_regex: bool = False

    def __repr__(self) -> str:
        if len(self.spellings) > 1:
            return "(" + ", ".join(repr(s) for s in self.spellings) + ")"
        return repr(self.label)

    def search(self, normalized: str) -> "re.Match[str] | None":
        """The first match in already-normalized text."""
        return self.pattern.search(normalized)

    def finditer(self, normalized: str, pos: int = 0, endpos: int | None = None):
        """All matches in already-normalized text."""
        if endpos is None:
            return self.pattern.finditer(normalized, pos)
        return self.pattern.finditer(normalized, pos, endpos)


_TOKEN = re.compile(
    r"(?P<num>(?:\d+(?:\.\d+)?[ \t]*\*[ \t]*)?10\^[-+]?\d+|(?:\d+(?:\.\d+)?|\.\d+)e[-+]?\d+|\d+(?:\.\d+)?|\.\d+)(?!\w)"
    r"|(?P<word>\w+)"
    r"|(?P<sym>\S)"
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # num | word | sym
    text: str
    space_before: bool


def _tokens(normalized: str) -> list[_Tok]:
    out: list[_Tok] = []
    last_end = 0
    for m in _TOKEN.finditer(normalized):
        out.append(_Tok(m.lastgroup or "sym", m.group(0), m.start() > last_end))
        last_end = m.end()
    return out


_IZE = re.compile(r"(?<=i)[sz](?=(?:e|es|ed|er|ers|ing|ation|ations|able)$)")


def _word_regex(word: str) -> str:
    escaped = re.escape(word)
    if len(word) >= 6 and word.isalpha():
        escaped = _IZE.sub("[sz]", escaped)
    return escaped


_NUMBER_PARTS = re.compile(
    r"(?:(?P<m>\d+(?:\.\d+)?)[ \t]*\*[ \t]*)?10\^(?P<x>[-+]?\d+)"
    r"|(?P<em>\d+(?:\.\d+)?|\.\d+)e(?P<ex>[-+]?\d+)"
    r"|(?P<p>\d+(?:\.\d+)?|\.\d+)"
)


def _number_value(text: str) -> Decimal | None:
    m = _NUMBER_PARTS.fullmatch(text.replace(" ", "").replace("\t", ""))
    if m is None:
        return None
    try:
        if m.group("x") is not None:
            mant = Decimal(m.group("m") or "1")
            return mant.scaleb(int(m.group("x")))
        if m.group("ex") is not None:
            return Decimal(m.group("em")).scaleb(int(m.group("ex")))
        return Decimal(m.group("p"))
    except (InvalidOperation, ValueError):
        return None


def _grouped_int(digits: str) -> str:
    """``"120000"`` → a regex also accepting ``120,000``."""
    if len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ",?".join(groups)


def number_pattern(text: str) -> str:
    """A regex (without boundary guards) matching every common notation of the number ``text``.

    ``"10^-6"`` matches ``10^-6`` (which ``10^{-6}``, ``10⁻⁶`` and ``10**-6`` normalize to),
    ``1e-6``, ``1E-06``, ``1 × 10^-6``, ``0.000001`` and the PDF-flattened ``10-6``
    (negative exponents only); ``"1000"`` matches ``1,000``, ``1e3`` and ``10^3``.
    Works on normalized text. Returns the escaped text when it is not a number.
    """
    value = _number_value(text)
    if value is None:
        return re.escape(text)
    ws = r"[ \t]*"
    alts: set[str] = set()
    if value == 0:
        return r"(?:0(?:\.0+)?|\.0+)"
    exp = value.adjusted()
    mant = value.scaleb(-exp).normalize()
    mant_s = format(mant, "f")
    mant_re = re.escape(mant_s) + (r"(?:\.0+)?" if "." not in mant_s else "0*")
    one = mant == 1
    times = f"(?:{mant_re}{ws}\\*{ws})?" if one else f"{mant_re}{ws}\\*{ws}"
    sign = f"-{ws}" if exp < 0 else r"\+?"
    k = abs(exp)
    alts.add(f"{times}10{ws}\\^{ws}{sign}0*{k}")
    alts.add(f"{mant_re}{ws}e{ws}{sign}0*{k}")
    if exp < 0:
        alts.add(f"{times}10{ws}-{ws}{k}")  # "10−6": a superscript flattened by PDF extraction
    if -8 <= exp <= 15:
        plain = format(value, "f")
        if "." in plain:
            plain = plain.rstrip("0").rstrip(".")
        if "." in plain:
            int_part, frac = plain.split(".")
            int_re = "0?" if int_part == "0" else _grouped_int(int_part)
            alts.add(f"{int_re}\\.{frac}0*")
        else:
            alts.add(f"{_grouped_int(plain)}(?:\\.0+)?")
    return "(?:" + "|".join(sorted(alts, key=len, reverse=True)) + ")"


_NUM_LEAD = r"(?<![\w.^/])"
_NUM_TRAIL = r"(?!\w)(?!\.\d)(?![ \t]*(?:\^|/|\*[ \t]*10[ \t]*\^))"


def _token_regex(tok: _Tok) -> str:
    if tok.kind == "num":
        return number_pattern(tok.text)
    if tok.kind == "word":
        return _word_regex(tok.text)
    return re.escape(tok.text)


def _sequence_regex(tokens: Sequence[_Tok], lead: bool, trail: bool) -> str:
    """Regex for a token sequence with flexible spacing; guards at the ends when asked."""
    parts: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if i > 0:
            prev = tokens[i - 1]
            if tok.kind != "sym" and prev.kind != "sym":
                parts.append(r"\s+" if tok.space_before else "")
            else:
                parts.append(r"\s*")
        # A hyphen between two words also matches a space or nothing ("mass covering").
        if (tok.kind == "sym" and tok.text == "-" and 0 < i < n - 1 and not tok.space_before
                and tokens[i - 1].kind == "word" and tokens[i + 1].kind == "word" and not tokens[i + 1].space_before):
            if parts and parts[-1] == r"\s*":
                parts.pop()
            parts.append(r"[\s-]?")
            i += 1
            continue
        parts.append(_token_regex(tok))
        i += 1
    body = "".join(parts)
    if lead and tokens:
        first = tokens[0]
        if first.kind == "num":
            body = _NUM_LEAD + body
        elif re.match(r"\w", first.text):
            body = r"(?<!\w)" + body
    if trail and tokens:
        last = tokens[-1]
        if last.kind == "num":
            body += _NUM_TRAIL
        elif re.search(r"\w$", last.text):
            body += r"(?!\w)"
    return body


def _synonym_sets(synonyms: Any) -> list[list[str]]:
    """Synonym sets from a mapping ``{name: spellings}`` or a list of sets / ``(name, spellings)`` pairs."""
    if not synonyms:
        return []
    if isinstance(synonyms, Mapping):
        pairs: Iterable[Any] = synonyms.items()
    else:
        pairs = synonyms
    sets: list[list[str]] = []
    for entry in pairs:
        if (isinstance(entry, tuple) and len(entry) == 2 and (entry[0] is None or isinstance(entry[0], str))
                and not isinstance(entry[1], str) and isinstance(entry[1], Iterable)):
            name, spellings = entry
            members = ([name] if name else []) + list(spellings)
        elif isinstance(entry, str):
            raise TypeError("synonyms must be a mapping or a list of sets of spellings, not a list of strings")
        else:
            members = list(entry)
        sets.append([m for m in members if isinstance(m, str)])
    return sets


class _SynonymIndex:
    """Synonym sets indexed by the first token of each spelling (normalized)."""

    def __init__(self, synonyms: Any) -> None:
        # Union sets that share a spelling, so user entries extend the built-in ones.
        merged: list[set[str]] = []
        for members in _synonym_sets(synonyms):
            norm = {n for n in (normalize(m).strip() for m in members) if n}
            for other in [s for s in merged if s & norm]:
                norm |= other
                merged.remove(other)
            merged.append(norm)
        self.by_first: dict[str, list[tuple[tuple[_Tok, ...], int]]] = {}
        self.sets: list[list[tuple[_Tok, ...]]] = []
        for index, members in enumerate(merged):
            token_lists = [t for t in (tuple(_tokens(m)) for m in sorted(members)) if t]
            self.sets.append(token_lists)
            for toks in token_lists:
                self.by_first.setdefault(toks[0].text, []).append((toks, index))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)

    def match_at(self, tokens: Sequence[_Tok], i: int) -> tuple[int, int] | None:
        """``(length, set index)`` of the longest synonym spelling starting at token ``i``."""
        for toks, index in self.by_first.get(tokens[i].text, ()):
            k = len(toks)
            if i + k <= len(tokens) and all(
                    tokens[i + j].text == toks[j].text and (j == 0 or tokens[i + j].space_before == toks[j].space_before)
                    for j in range(k)):
                return k, index
        return None


_INDEX_CACHE: dict[int, tuple[Any, _SynonymIndex]] = {}


def _index_for(synonyms: Any) -> _SynonymIndex:
    key = id(synonyms)
    cached = _INDEX_CACHE.get(key)
    if cached is not None and cached[0] is synonyms:
        return cached[1]
    index = _SynonymIndex(synonyms)
    if len(_INDEX_CACHE) > 64:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[key] = (synonyms, index)
    return index


def _phrase_regex(spelling: str, index: _SynonymIndex | None) -> str:
    tokens = _tokens(normalize(spelling).strip())
    if not tokens:
        raise ValueError(f"the phrase {spelling!r} is empty once normalized")
    # Segments: one plain token, or one synonym group (its alternative token sequences).
    segments: list[list[list[_Tok]]] = []
    spaced: list[bool] = []
    i = 0
    while i < len(tokens):
        found = index.match_at(tokens, i) if index is not None else None
        if found is not None:
            k, set_index = found
            segments.append([list(t) for t in index.sets[set_index]])
            i += k
        else:
            segments.append([[tokens[i]]])
            i += 1
        spaced.append(tokens[i - (k if found is not None else 1)].space_before)
    parts: list[str] = []
    last = len(segments) - 1
    for s_index, alternatives in enumerate(segments):
        if s_index > 0:
            wordy_left = all(a[-1].kind != "sym" for a in segments[s_index - 1])
            wordy_right = all(a[0].kind != "sym" for a in alternatives)
            if wordy_left and wordy_right:
                parts.append(r"\s+" if spaced[s_index] else "")
            else:
                parts.append(r"\s*")
        alts = sorted(alternatives, key=lambda a: sum(len(t.text) for t in a), reverse=True)
        bodies = [_sequence_regex(a, s_index == 0, s_index == last) for a in alts]
        parts.append(bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")")
    return "".join(parts)


def compile_term(spec: Any, synonyms: Any = None, *, regex: bool = False) -> Term:
    """Compile a term spec: a phrase, a synonym group (tuple/list/set), a regex, or a :class:`Term`.

    ``synonyms`` is a mapping or list of synonym sets (default :data:`SYNONYMS`; pass
    ``False`` for none). With ``regex=True`` plain strings are regexes over normalized text.
    """
    if isinstance(spec, Term):
        return spec
    if synonyms is None:
        synonyms = SYNONYMS
    index = _index_for(synonyms) if synonyms else None
    if isinstance(spec, re.Pattern):
        check_regex_safety(spec.pattern)
        return Term(spec.pattern, re.compile(spec.pattern, spec.flags | re.IGNORECASE), (spec.pattern,), True)
    if isinstance(spec, str):
        if not spec.strip():
            raise ValueError("a term must not be empty")
        if regex:
            check_regex_safety(spec)
            return Term(spec, re.compile(spec, re.IGNORECASE), (spec,), True)
        return Term(spec, re.compile(_phrase_regex(spec, index)), (spec,))
    if isinstance(spec, (tuple, list, set, frozenset)):
        members = list(spec) if not isinstance(spec, (set, frozenset)) else sorted(spec, key=str)
        if not members:
            raise ValueError("a synonym group must not be empty")
        compiled = [compile_term(m, synonyms, regex=regex) for m in members]
        pattern = "|".join(f"(?:{c.pattern.pattern})" for c in compiled)
        flags = re.IGNORECASE if any(c.pattern.flags & re.IGNORECASE for c in compiled) else 0
        spellings = tuple(s for c in compiled for s in c.spellings)
        return Term(compiled[0].label, re.compile(pattern, flags), spellings, any(c.user_regex for c in compiled))
    raise TypeError(f"a term is a phrase, a tuple of spellings or a regex, not {type(spec).__name__}")


def check_regex_safety(pattern: str) -> None:
    """Refuse a regex that repeats a group made only of repeats (``(a+)+``, ``(\\w+\\s*)*``, ``(x*)*``).

    Such a group can split a long run in exponentially many ways, and Python's ``re``
    cannot be interrupted. A repeated group with a fixed part in every branch
    (``(?:of\\s+|is\\s+)+``, ``(\\d{1,3},)*``) or a small bound (``(?:\\w+\\s+){0,2}``) is
    allowed. Raises ValueError.
    """
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        tree = parser.parse(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    unbounded = getattr(parser, "MAXREPEAT", 2 ** 32 - 1)

    def is_repeat(op: Any, av: Any) -> bool:
        return str(op).endswith("_REPEAT") and av[1] > 1

    def only_repeats(items: Any) -> bool:
        """Whether every element of the sequence repeats (no fixed character anchors an iteration)."""
        items = list(items)
        if not items:
            return True
        for op, av in items:
            name = str(op)
            if is_repeat(op, av) or (name.endswith("_REPEAT") and av[0] == 0):
                continue  # a repeat, or an optional part: neither anchors an iteration
            if name == "SUBPATTERN" and only_repeats(av[-1]):
                continue
            if name == "BRANCH" and any(only_repeats(branch) for branch in av[1]):
                continue
            if name in ("AT", "ASSERT", "ASSERT_NOT"):
                continue  # zero-width
            return False
        return True

    def walk(items: Any) -> None:
        for op, av in items:
            name = str(op)
            if name.endswith("_REPEAT"):
                _, high, sub = av
                if (high >= unbounded or high > 16) and any(is_repeat(o, a) or str(o) in ("SUBPATTERN", "BRANCH")
                                                             for o, a in sub) and only_repeats(sub):
                    raise ValueError(
                        f"regex {pattern!r} nests quantifiers (like (a+)+), which can backtrack catastrophically; "
                        "give the repeated group a fixed part, e.g. (?:\\w+\\s)* instead of (?:\\w+\\s*)*")
                walk(sub)
            elif name == "SUBPATTERN":
                walk(av[-1])
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(av[1])

    walk(tree)


def phrase(*spellings: str, synonyms: Any = None) -> Term:
    """A term matching any of ``spellings`` (the first one names it in messages)."""
    if not spellings:
        raise ValueError("phrase() needs at least one spelling")
    return compile_term(tuple(spellings) if len(spellings) > 1 else spellings[0], synonyms)


def regex(pattern: str, *, label: str | None = None, flags: int = 0) -> Term:
    """A term given as a regex over normalized text (case-insensitive). Avoid nested quantifiers."""
    check_regex_safety(pattern)
    compiled = re.compile(pattern, flags | re.IGNORECASE)
    return Term(label or pattern, compiled, (pattern,), True)


# ---------------------------------------------------------------------------------------------
# Finding terms in a document
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One occurrence of a term: the unit it is in, its span in ``unit.norm``, and its negation cue."""

    term: Term
    unit: TextUnit
    start: int
    end: int
    cue: str | None

    @property
    def negated(self) -> bool:
        """Whether the occurrence sits in a negated or contrasted context."""
        return self.cue is not None

    @property
    def text(self) -> str:
        """The occurrence as written in the answer."""
        return self.unit.source_text(self.start, self.end)

    def sentence(self) -> str:
        """The original sentence holding the occurrence (the evidence)."""
        doc = self.unit.doc
        if doc is None:
            return self.unit.text
        sentence = doc.unit_at("sentence", self.unit.nstart + self.start)
        return sentence.text if sentence is not None else self.unit.text


def find_hits(doc: Document, term: Term, *, level: str = "clause", negation_aware: bool = True,
              limit: int = 200, deadline: Deadline | None = None, post: bool = True) -> list[Hit]:
    """Occurrences of ``term`` in ``doc`` (at most ``limit``), each placed in its unit of ``level``."""
    hits: list[Hit] = []
    count = 0
    for unit, start, end in _occurrences(doc, term, level, deadline):
        count += 1
        if deadline is not None and count % 256 == 0:
            deadline.check()
        cue = negation_cue(unit.norm, (start, end), post=post) if negation_aware else None
        hits.append(Hit(term, unit, start, end, cue))
        if len(hits) >= limit:
            break
    return hits


def _occurrences(doc: Document, term: Term, level: str, deadline: Deadline | None):
    """``(unit, start, end)`` of each match, offsets in ``unit.norm``."""
    text = doc.norm.text
    if term.user_regex:
        # A case author's regex runs one item (line, bullet, table row) at a time: items are
        # capped in length, so a slow pattern's cost is too; a match may still span the
        # clauses or cells of its item.
        matches = (m for item in doc.items() if deadline is None or not deadline.check()
                   for m in term.pattern.finditer(text, item.nstart, item.nend))
    else:
        matches = term.pattern.finditer(text)
    for m in matches:
        if m.end() <= m.start():
            continue
        unit = doc.unit_at(level, m.start())
        if unit is None:
            continue
        yield unit, m.start() - unit.nstart, min(m.end(), unit.nend) - unit.nstart


# ---------------------------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------------------------


@dataclass
class _Status:
    term: Term
    stated: Hit | None
    negated: Hit | None
    stated_as: str | None = None  # the spelling of a synonym group that the stated hit matched
    negated_as: str | None = None  # the same for the negated hit

    @property
    def label(self) -> str:
        """The term as configured (a group shows all its spellings): for what is missing."""
        return repr(self.term)

    @property
    def said(self) -> str:
        """The spelling the answer used (stated, else negated), for what was found."""
        spelling = self.stated_as if self.stated else self.negated_as if self.negated else None
        if spelling is not None:
            return repr(spelling)
        return repr(self.term.label) if isinstance(self.term.label, str) else str(self.term.label)


class _SpellingFinder:
    """Which spelling of a synonym group a hit matched, so messages name what the answer wrote.

    Prefers the spelling written exactly (once normalized), then one matching without the
    built-in synonyms, then one matching with them.
    """

    def __init__(self, synonyms: Any, regex: bool) -> None:
        self.synonyms = synonyms
        self.regex = regex
        self._compiled: dict[tuple[str, bool], Term | None] = {}

    def _term(self, spelling: str, with_synonyms: bool) -> Term | None:
        key = (spelling, with_synonyms)
        if key not in self._compiled:
            try:
                self._compiled[key] = compile_term(spelling, self.synonyms if with_synonyms else False, regex=self.regex)
            except (ValueError, TypeError, re.error):
                self._compiled[key] = None
        return self._compiled[key]

    def spelling(self, hit: Hit | None) -> str | None:
        """The spelling of ``hit.term`` that produced ``hit`` (None for a single-spelling term)."""
        if hit is None:
            return None
        spellings = [sp for sp in hit.term.spellings if isinstance(sp, str)]
        if len(spellings) < 2:
            return None
        norm = hit.unit.norm
        written = norm[hit.start:hit.end]
        for spelling in spellings:
            if not self.regex and normalize(spelling).strip() == written:
                return spelling
        for with_synonyms in (False, True):
            for spelling in spellings:
                term = self._term(spelling, with_synonyms)
                if term is None:
                    continue
                m = term.pattern.match(norm, hit.start)
                if m is not None and m.end() == hit.end:
                    return spelling
        return None


def _as_list(value: Any) -> list[Any]:
    """The terms of an ``all_of``/``any_of``/``none_of`` setting.

    A single term may be given bare. A tuple used as the whole setting is a list of
    terms (not one synonym group): ``all_of=("a", "b")`` requires both, which fails
    loudly if a group was meant instead of silently requiring only one.
    """
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern, Term)):
        return [value]
    return list(value)


def _quote_evidence(hit: Hit, width: int = 160) -> str:
    return shorten(hit.sentence(), width)


class _Keywords(Matcher):
    name = "keywords"

    def __init__(self, any_of: Any, all_of: Any, none_of: Any, synonyms: Any, regex: bool, negation_aware: bool) -> None:
        super().__init__(
            any_of=any_of, all_of=all_of, none_of=none_of, synonyms=synonyms,
            regex=True if regex else None, negation_aware=False if not negation_aware else None,
        )
        self.any_of = [compile_term(t, synonyms, regex=regex) for t in _as_list(any_of)]
        self.all_of = [compile_term(t, synonyms, regex=regex) for t in _as_list(all_of)]
        self.none_of = [compile_term(t, synonyms, regex=regex) for t in _as_list(none_of)]
        if not (self.any_of or self.all_of or self.none_of):
            raise ValueError("keywords() needs any_of, all_of or none_of")
        self.negation_aware = negation_aware
        self._spellings = _SpellingFinder(synonyms, regex)

    def _status(self, doc: Document, term: Term, deadline: Deadline) -> _Status:
        stated = negated = None
        for hit in find_hits(doc, term, negation_aware=self.negation_aware, deadline=deadline):
            if hit.negated:
                negated = negated or hit
            else:
                stated = hit
                break
        return _Status(term, stated, negated, self._spellings.spelling(stated), self._spellings.spelling(negated))

    def _expected(self) -> str:
        parts = []
        if self.all_of:
            parts.append("all of " + ", ".join(repr(t) for t in self.all_of))
        if self.any_of:
            parts.append("any of " + ", ".join(repr(t) for t in self.any_of))
        if self.none_of:
            parts.append("none of " + ", ".join(repr(t) for t in self.none_of))
        return "; ".join(parts)

    def check(self, answer: str) -> Verdict:
        deadline = Deadline(what="keywords: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        all_status = [self._status(doc, t, deadline) for t in self.all_of]
        any_status = [self._status(doc, t, deadline) for t in self.any_of]
        none_status = [self._status(doc, t, deadline) for t in self.none_of]

        problems: list[str] = []
        found: list[str] = []
        evidence_hits: list[Hit] = []
        for s in all_status:
            if s.stated:
                found.append(f"{s.said} stated")
                evidence_hits.append(s.stated)
            elif s.negated:
                problems.append(f"{s.said} appears only negated ({s.negated.cue!r} in \"{_quote_evidence(s.negated)}\")")
                found.append(f"{s.said} only negated")
            else:
                problems.append(f"{s.label} is missing")
                found.append(f"{s.label} missing")
        any_ok = True
        if any_status:
            stated_any = [s for s in any_status if s.stated]
            if stated_any:
                found.append(f"{stated_any[0].said} stated")
                evidence_hits.append(stated_any[0].stated)
            else:
                any_ok = False
                negated_any = [s for s in any_status if s.negated]
                if negated_any:
                    s = negated_any[0]
                    problems.append(
                        f"none of {', '.join(x.label for x in any_status)} is stated; {s.said} appears only negated "
                        f"({s.negated.cue!r} in \"{_quote_evidence(s.negated)}\")")
                else:
                    problems.append(f"none of {', '.join(x.label for x in any_status)} is stated")
                found.append("none of the alternatives")
        forbidden = [s for s in none_status if s.stated]
        for s in forbidden:
            problems.insert(0, f"states {s.said}, which it must not (\"{_quote_evidence(s.stated)}\")")
            found.append(f"forbidden {s.said} stated")
        negated_forbidden = [s for s in none_status if not s.stated and s.negated]

        total = len(all_status) + (1 if any_status else 0)
        satisfied = sum(1 for s in all_status if s.stated) + (1 if any_status and any_ok else 0)
        score = (satisfied / total) if total else 1.0
        if forbidden:
            score = 0.0
        details = {
            "stated": {s.term.label: s.stated.sentence() for s in all_status + any_status if s.stated},
            "negated": {s.term.label: s.negated.sentence() for s in all_status + any_status + none_status
                        if s.negated and not s.stated},
            "missing": [s.term.label for s in all_status + any_status if not s.stated and not s.negated],
            "forbidden": {s.term.label: s.stated.sentence() for s in forbidden},
        }
        evidence = _join_evidence(evidence_hits)
        if problems:
            evidence_fail = (forbidden[0].stated if forbidden else None) or next(
                (s.negated for s in all_status + any_status if not s.stated and s.negated), None)
            return Verdict.fail(
                "; ".join(problems),
                evidence=evidence_fail.sentence() if evidence_fail else evidence,
                score=score, expected=self._expected(), found="; ".join(found) or "nothing", details=details,
            )
        explanation = "states " + _and(s.said for s in all_status if s.stated)
        if any_status:
            chosen = next(s for s in any_status if s.stated)
            explanation = (explanation + " and " if all_status else "states ") + chosen.said
        if not all_status and not any_status:
            explanation = "states none of " + ", ".join(s.label for s in none_status)
        elif none_status:
            explanation += "; states none of " + ", ".join(s.label for s in none_status)
        if negated_forbidden:
            explanation += " (" + ", ".join(s.said for s in negated_forbidden) + " only negated)"
        return Verdict.ok(explanation, evidence=evidence, score=1.0, expected=self._expected(),
                          found="; ".join(found) or "nothing forbidden", details=details)


def _and(labels: Iterable[str]) -> str:
    items = list(labels)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _join_evidence(hits: list[Hit]) -> str | None:
    seen: list[str] = []
    for hit in hits:
        sentence = hit.sentence()
        if sentence not in seen:
            seen.append(sentence)
    if not seen:
        return None
    return " … ".join(seen[:3])


def keywords(any_of: Any = None, all_of: Any = None, none_of: Any = None, synonyms: Any = None,
             regex: bool = False, negation_aware: bool = True) -> Matcher:
    """Pass when the answer states the phrases: every ``all_of`` term, at least one ``any_of`` term, no ``none_of`` term.

    A term is a phrase, a synonym group (tuple/list of spellings), a compiled regex, or a
    :class:`Term` from :func:`phrase`/:func:`regex`; with ``regex=True`` plain strings are
    regexes over normalized text. ``synonyms`` adds synonym sets to the built-in
    :data:`SYNONYMS` (a mapping ``{"name": ("spelling", ...)}`` or a list of sets); pass
    ``synonyms=False`` to turn them off. With ``negation_aware`` (the default) a phrase
    counts only where it is not negated ("not mode-seeking", "instead of std=1", "☐ …").
    Score: the fraction of required terms stated (0 when a forbidden term is stated).

    Example: ``keywords(all_of=["forward KL", "mass-covering"], none_of=["mode-seeking"])``.
    """
    if synonyms is None or synonyms is SYNONYMS:
        effective: Any = None
    elif synonyms is False:
        effective = False
    else:
        effective = _synonym_sets(SYNONYMS) + _synonym_sets(synonyms)
    matcher = _Keywords(any_of, all_of, none_of, effective, regex, negation_aware)
    matcher.settings = {k: v for k, v in {
        "any_of": any_of, "all_of": all_of, "none_of": none_of,
        "synonyms": synonyms, "regex": True if regex else None,
        "negation_aware": False if not negation_aware else None,
    }.items() if v is not None}
    return matcher
