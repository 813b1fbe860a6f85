"""Numbers: find every quantity an answer states and check one against a target.

``number(1e30, unit="FLOPs", bound_to=("compute", "C ="))`` passes when the answer
states a number within 2 % of 10^30 whose unit (if it has one) is compatible with
FLOPs, in a clause or sentence about compute, and the statement is not negated
("not 10^30", "instead of 10^30"). :func:`extract_quantities` is the reader behind
it and is useful on its own.

The reader understands the notations model answers use: ``1e30``, ``1E+30``,
``10^30``, ``10^{30}``, ``10**30``, ``10³⁰``, ``1.7 × 10^15``, ``1.7 \\times 10^{15}``,
``1.7 \\cdot 10^{15}``, ``1,700,000``, ``1 700 000``, ``$10,000``, ``$10, 000`` (a PDF-flattened
thousands separator, merged only inside a dollar amount), ``$10k``, ``$1.2M``,
``$210 B``, ``5.95 billion``, ``41.7 s``, ``73 ms``, ``20%``, negative exponents
(``10^-6``, ``10^{-6}``, ``10⁻⁶`` and the PDF-flattened ``10−6`` written with U+2212),
inside LaTeX (``$...$``, ``\\(...\\)``, ``\\text{ TB}``, ``\\,``, ``{,}``), Markdown and HTML
``<sup>``. Markdown bold is never an exponent (``is **20 GPUs**``, ``**Total** 20``), while
``x ** 2`` and ``x**2`` in code still are powers. Numbers are whole tokens: ``25`` is never
read as ``5``, the ``30`` of ``10^30`` is not a number of its own, and ``1030`` is 1030,
not 10^30.

Units are converted with pint (imported on first use; one registry per process):
``2 TB`` equals ``2000 GB``, ``73 ms`` equals ``0.073 s``, ``$10k`` is 10000 dollar.
FLOPs are a dimensionless count; bytes, time, dollars, tokens/words/books/…, PF-days
and rates of them (``tokens/min``, ``TB/s``, ``$/MB``) are checked dimension by dimension.
A rate "X per <unit>" also states X itself: ``41.7 s per token`` states 41.7 s,
``$18.18 per PF-day`` states $18.18, ``8.64 × 10^19 FLOPs per PF-day`` states 8.64e19 FLOPs.
Device-hours (``12.1 H200-hours``, ``0.28 GPU hours``) are hours.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..verdict import Verdict, shorten
from .base import Deadline, Matcher, MatcherTimeout

__all__ = ["Quantity", "extract_quantities", "number", "NumberMatcher"]

#: Relative tolerance used when neither ``rel`` nor ``abs`` is given.
DEFAULT_REL = 0.02

#: At most this many quantities are read from one answer (more is a flood, not an answer).
MAX_QUANTITIES = 50_000

# A mantissa longer than this is a digit flood or a hash, not a stated quantity.
_MAX_DIGITS = 60
# How far (characters) sentence and clause searches look around a number.
_CONTEXT_LIMIT = 600


class _Lazy:
    """A regex compiled on first use, so that importing this module stays cheap."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not found: compile, then keep the bound method
        # on the instance so later calls cost a plain attribute lookup.
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(re.compile(self._source, self._flags), name)
        setattr(self, name, value)
        return value


# ---------------------------------------------------------------------------
# The result type
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number stated in a text.

    ``value`` is the number as written, multipliers applied (``$1.2M`` -> 1.2e6,
    ``73 ms`` -> 73.0); ``unit`` is its pint unit expression (``"millisecond"``,
    ``"token / minute"``, ``"dollar"``) or ``None`` for a bare number; ``span`` is the
    ``(start, end)`` of the number and its unit in the original text and ``text`` is
    that slice; ``unit_text`` is the unit as written (``"ms"``, ``"$"``).
    """

    value: float
    unit: str | None
    span: tuple[int, int]
    text: str
    unit_text: str | None = None
    # Internals used by the matcher: the unit of the numerator of a rate ("s" of
    # "s per token"), the kind of unit ("byte", "time", "count", ...) and the span
    # in the normalized text that the context checks work on.
    numerator_unit: str | None = field(default=None, repr=False, compare=False)
    kind: str | None = field(default=None, repr=False, compare=False)
    norm_span: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)

    def render(self) -> str:
        """A short rendering such as ``1.7e15 tokens``, ``41.7 s`` or ``$10000``."""
        if self.unit_text == "%":
            return f"{_fmt(self.value)}%"
        if self.unit_text == "$":
            return f"${_fmt(self.value)}"
        if self.unit_text and self.unit_text.startswith("$/"):
            return f"${_fmt(self.value)}{self.unit_text[1:]}"
        if self.unit_text:
            return f"{_fmt(self.value)} {self.unit_text}"
        return _fmt(self.value)

    def __str__(self) -> str:
        """The same as :meth:`render`."""
        return self.render()


def _fmt(value: float) -> str:
    """``1e30`` rather than ``1e+30``, ``41.7`` rather than ``41.700000``."""
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


# ---------------------------------------------------------------------------
# Normalization: strip LaTeX, Unicode super/subscripts, odd spaces, keeping offsets
# ---------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋₊", "0123456789-+")

# LaTeX commands that mean something for numbers; any other command becomes a space
# (so that \frac{10}{4.8} reads as two numbers, never as 104.8).
_LATEX_COMMANDS = {
    "times": "×", "cdot": "·", "cdotp": "·", "ast": "*", "approx": "≈", "sim": "~", "simeq": "≈",
    "thickapprox": "≈", "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "lt": "<", "gt": ">", "mu": "µ", "%": "%", "percent": "%",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "displaystyle": "",
    "textstyle": "", "!": "", "$": "¤",
}

_NORMALIZE = _Lazy(
    r"(?P<money>\\\$)"                                   # \$ is always money
    r"|(?P<display>\$\$)"                                # display math delimiters
    r"|(?P<delim>\\[()\[\]])"                            # \( \) \[ \]
    r"|(?P<thousands>\{,\})"                             # 1{,}700{,}000
    r"|(?P<flatminus>(?<![\w.])10\u2212(?=[0-9]))"       # PDF-flattened 10−6 = 10^-6
    r"|(?P<minus>[\u2212\u2796\ufe63\uff0d])"            # typographic minus signs
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)"
    r"|(?P<sub>[₀₁₂₃₄₅₆₇₈₉₋₊]+)"
    r"|(?P<htmlsup><sup>\s*)|(?P<htmlsub><sub>\s*)|(?P<htmlclose></su[pb]>)"
    r"|(?P<wrapper>\\(?:text|mathrm|textrm|mathit|textit|mathbf|textbf|boldsymbol|operatorname|mbox|"
    r"mathsf|textsf|mathtt|texttt|emph|rm|hbox)\s*\{)"   # \text{ TB} -> " TB "
    r"|(?P<command>\\(?:[A-Za-z]+|[,;:! %$\\]))"
    r"|(?P<supbrace>\^\{)|(?P<subbrace>_\{)"
    r"|(?P<brace>[{}])"
    r"|(?P<space>[\u00a0\u2000-\u200a\u202f\u205f\u3000\t])"
    r"|(?P<zero>[\u200b\u200c\u200d\u2060\ufeff\u00ad])"
)


@dataclass
class _Normalized:
    """Normalized text plus what is needed to map its offsets back to the original."""

    text: str
    original: str
    norm_starts: list[int]
    orig_starts: list[int]
    orig_ends: list[int]
    copied: list[bool]

    def _segment(self, pos: int) -> int:
        """Index of the normalized segment that holds ``pos``."""
        return max(0, bisect.bisect_right(self.norm_starts, pos) - 1)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized ``[start, end)`` to the original text."""
        if not self.norm_starts:
            return (0, 0)
        if len(self.norm_starts) == 1 and self.copied[0]:
            return (start, end)              # nothing was rewritten
        i = self._segment(start)
        o_start = self.orig_starts[i] + (start - self.norm_starts[i]) if self.copied[i] else self.orig_starts[i]
        last = max(start, end - 1)
        j = self._segment(last)
        o_end = self.orig_starts[j] + (last - self.norm_starts[j]) + 1 if self.copied[j] else self.orig_ends[j]
        return (o_start, max(o_start, min(o_end, len(self.original))))


def _normalize(text: str, deadline: Deadline | None = None) -> _Normalized:
    """Rewrite ``text`` into plain notation the number grammar reads, keeping an offset map."""
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    copied: list[bool] = []
    length = 0

    def emit(piece: str, o_start: int, o_end: int, is_copy: bool) -> None:
        nonlocal length
        if not piece:
            return
        parts.append(piece)
        norm_starts.append(length)
        orig_starts.append(o_start)
        orig_ends.append(o_end)
        copied.append(is_copy)
        length += len(piece)

    last = 0
    for count, match in enumerate(_NORMALIZE.finditer(text)):
        if deadline is not None and count % 4096 == 4095:
            deadline.check()
        start, end = match.span()
        if start > last:
            emit(text[last:start], last, start, True)
        kind = match.lastgroup
        source = match.group()
        if kind == "money":
            piece = "¤"
        elif kind in ("display", "delim", "wrapper", "brace", "space", "htmlclose"):
            piece = " "
        elif kind == "thousands":
            piece = ","
        elif kind == "flatminus":
            piece = "10^-"
        elif kind == "minus":
            piece = "-"
        elif kind in ("sup", "htmlsup"):
            piece = "^" + source.translate(_SUPERSCRIPTS) if kind == "sup" else "^"
        elif kind in ("sub", "htmlsub"):
            piece = "_" + source.translate(_SUBSCRIPTS) if kind == "sub" else "_"
        elif kind == "supbrace":
            piece = "^"
        elif kind == "subbrace":
            piece = "_"
        elif kind == "command":
            piece = _LATEX_COMMANDS.get(source[1:], " ")
        else:  # zero-width characters
            piece = ""
        emit(piece, start, end, piece == source)
        last = end
    if last < len(text):
        emit(text[last:], last, len(text), True)
    return _Normalized("".join(parts), text, norm_starts, orig_starts, orig_ends, copied)


# ---------------------------------------------------------------------------
# The number grammar
# ---------------------------------------------------------------------------

# An exponent: 30, -6, + 3, (-6), 0.5. Four digits at most: 10^99999 is not a quantity.
_EXP = r"(?:\([ ]*[+-]?[ ]*[0-9]{1,4}(?:\.[0-9]+)?[ ]*\)|[+-]?[ ]?[0-9]{1,4}(?:\.[0-9]+)?)(?![0-9])"

_CORE = _Lazy(
    r"(?<![\w.^_\\])"                                     # not glued to a word, a decimal point or an exponent
    r"(?P<mant>"
    # $10, 000: PDF extraction put a space after the comma; only ever merged right after a $
    r"(?:(?<=[$¤])|(?<=[$¤][ ]))[0-9]{1,3}(?:,[ ]?[0-9]{3})+(?![0-9])(?:\.[0-9]+)?"
    r"|[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?"     # 1,700,000
    r"|[0-9]{1,3}(?:[ ][0-9]{3})+(?![0-9])(?:\.[0-9]+)?"  # 1 700 000 (thin spaces are spaces by now)
    r"|[0-9]+(?:\.[0-9]+)?"
    r"|\.[0-9]+"
    r")"
    r"(?:"
    r"(?P<e>[eE][+-]?[0-9]{1,4})(?![0-9])"               # 1e30, 1.7E+15
    r"|(?P<times>[ ]*[×xX*·⋅∙✕][ ]*10[ ]*(?:\^|\*\*)[ ]*)(?P<exp1>" + _EXP + r")"  # 1.7 × 10^15
    r"|[ ]*(?:\^|\*\*)[ ]*(?P<exp2>" + _EXP + r")"         # 10^30, 10**30, 2^10
    r")?"
)

# Multipliers written after a number. Single letters are checked in code (k/K only
# glued or after $, B/T only glued, after $ or before a count noun such as "params").
_MULT_WORDS = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "quadrillion": 1e15, "quintillion": 1e18, "bn": 1e9, "bln": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12,
}
_MULT_LETTERS = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_MULT = _Lazy(
    r"(?P<word>(?i:hundred|thousand|million|billion|trillion|quadrillion|quintillion|bn|bln|mn|mln|tn))(?![A-Za-z])"
    r"|(?P<letter>[kKMBT])(?![A-Za-z0-9])"
)

_PREFIX_NAMES = {"k": "kilo", "K": "kilo", "M": "mega", "G": "giga", "T": "tera", "P": "peta", "E": "exa"}

# Count nouns: each is its own dimension, so "5.95e9 books" never equals "5.95e9 essays".
_COUNT_NOUNS = {
    "token": "tokens?", "word": "words?", "book": "books?", "essay": "essays?", "page": "pages?",
    "parameter": "param(?:eter)?s?", "GPU": "GPUs?", "sample": "samples?", "example": "examples?",
    "image": "images?", "sequence": "sequences?", "step": "steps?", "epoch": "epochs?", "layer": "layers?",
    "head": "heads?", "neuron": "neurons?", "document": "documents?", "character": "char(?:acter)?s?",
    "sentence": "sentences?", "query": "quer(?:y|ies)", "request": "requests?", "user": "users?",
}

# Unit atoms: (group name, pattern, pint unit or None when computed from the text, kind).
_ATOMS: list[tuple[str, str, str | None, str]] = [
    ("pfday", r"(?i:(?:pf|pflops?|petaflops?|pfs)(?:/s)?[- ]?days?)", "PF_day", "count"),
    ("binbyte", r"[KMGTP]iB", None, "byte"),
    ("prefbyte", r"[kKMGTPE]B", None, "byte"),
    ("wordbyte", r"(?i:(?:kilo|mega|giga|tera|peta|exa)?bytes?)", None, "byte"),
    ("byte", r"B", "byte", "byte"),
    ("bit", r"(?i:bits?)", "bit", "byte"),
    ("prefflop", r"[kKMGTPE]FLOP[sS]?|(?i:(?:kilo|mega|giga|tera|peta|exa)flops?)", None, "flop"),
    ("flop", r"FLOP[sS]?|[Ff]lops?", "FLOP", "flop"),
    ("ms", r"ms|msecs?|(?i:milliseconds?)", "millisecond", "time"),
    ("us", r"[µμ] ?s|us|(?i:microseconds?)", "microsecond", "time"),
    ("ns", r"ns|(?i:nanoseconds?)", "nanosecond", "time"),
    ("sec", r"s|secs?|(?i:seconds?)", "second", "time"),
    ("min", r"mins?|(?i:minutes?)", "minute", "time"),
    # "12.1 H200-hours", "0.28 GPU hours": device-hours are hours of that device's time.
    ("devhour", r"[A-Z][A-Za-z]{0,3}[0-9]{0,4}[- ](?i:hours?|hrs?)", "hour", "time"),
    ("hour", r"h|hrs?|(?i:hours?)", "hour", "time"),
    ("day", r"(?i:days?)", "day", "time"),
    ("week", r"(?i:weeks?|wks?)", "week", "time"),
    ("month", r"(?i:months?)", "month", "time"),
    ("year", r"(?i:years?|yrs?)", "year", "time"),
    ("dollar", r"(?i:dollars?|usd|bucks)", "dollar", "currency"),
    ("cent", r"(?i:cents?)", "cent", "currency"),
    ("percent", r"%|(?i:percent|per ?cent|pct)", "percent", "percent"),
] + [(f"count_{name}", f"(?i:{pattern})", name, "count") for name, pattern in _COUNT_NOUNS.items()]

_ATOM_INFO = {name: (unit, kind) for name, _pattern, unit, kind in _ATOMS}
_UNIT_ATOM = _Lazy("(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern, _u, _k in _ATOMS) + r")(?![\w%])")
# What may sit between a number and its unit: spaces, LaTeX ~, Markdown emphasis/code marks.
_GAP = _Lazy(r"[ ~*`$]*")
_PER = _Lazy(r"[ ]*/[ ]*|[ ]+(?i:per)[ ]+")
_COUNT_AHEAD = _Lazy(r"[ ]*(?i:" + "|".join(_COUNT_NOUNS.values()) + r")(?![A-Za-z])")
_LIST_MARKER_PREFIX = _Lazy(r"(?:^|\n)[ ]*(?:[-*+>#][ ]*)*$")


def _atom_unit(name: str, text: str) -> tuple[str, str]:
    """The pint unit and kind for one matched unit atom."""
    unit, kind = _ATOM_INFO[name]
    if unit is not None:
        return unit, kind
    if name == "binbyte":
        return {"K": "kibi", "M": "mebi", "G": "gibi", "T": "tebi", "P": "pebi"}[text[0]] + "byte", kind
    if name == "prefbyte":
        return _PREFIX_NAMES[text[0]] + "byte", kind
    if name == "wordbyte":
        return text.lower().rstrip("s"), kind
    # prefflop: "TFLOPs" or "teraflops"
    if text[0] in _PREFIX_NAMES and text[1:2] == "F":
        return _PREFIX_NAMES[text[0]] + "FLOP", kind
    return text.lower().rstrip("s")[: -len("flop")] + "FLOP", kind


def _match_unit(text: str, pos: int) -> tuple[int, str, str, str] | None:
    """A unit atom at ``pos``: (end, pint unit, kind, text), or None."""
    match = _UNIT_ATOM.match(text, pos)
    if not match:
        return None
    unit, kind = _atom_unit(match.lastgroup, match.group())
    return match.end(), unit, kind, match.group()


def _match_denominator(text: str, pos: int) -> tuple[int, str, str] | None:
    """``/s``, ``per minute``, ``/MB``... after a unit: (end, pint unit, text)."""
    per = _PER.match(text, pos)
    if not per:
        return None
    atom = _match_unit(text, per.end())
    if atom is None or atom[2] not in ("time", "byte", "count", "flop"):
        return None
    return atom[0], atom[1], atom[3]


def _parse_suffix(text: str, pos: int, *, currency: bool) -> tuple[int, float, Any]:
    """Multiplier and unit after a number: (end, multiplier, unit or None).

    The unit is ``(pint unit, numerator unit, kind, unit text)``. With a currency
    prefix only a rate denominator may follow (``$0.00005/MB``, ``$10k per year``).
    """
    end = pos
    multiplier = 1.0
    gap = _GAP.match(text, pos).end()
    # Multipliers and units start with a letter or "%"; anything else needs no more regex work.
    mult = _MULT.match(text, gap) if gap < len(text) and (text[gap].isalpha() or text[gap] == "%") else None
    if mult:
        glued = gap == pos
        if mult.group("word"):
            multiplier, end = _MULT_WORDS[mult.group().lower()], mult.end()
        else:
            letter = mult.group()
            count_follows = bool(_COUNT_AHEAD.match(text, mult.end()))
            allowed = {
                "k": glued or currency, "K": glued or currency, "M": True,
                "B": glued or currency or count_follows, "T": glued or currency or count_follows,
            }[letter]
            if allowed:
                multiplier, end = _MULT_LETTERS[letter], mult.end()
    if currency:
        den = _match_denominator(text, end)
        if den:
            return den[0], multiplier, (f"dollar / {den[1]}", "dollar", "rate", f"$/{den[2]}")
        return end, multiplier, ("dollar", "dollar", "currency", "$")
    unit_pos = _GAP.match(text, end).end()
    if unit_pos >= len(text) or not (text[unit_pos].isalpha() or text[unit_pos] in "%µμ"):
        return end, multiplier, None
    atom = _match_unit(text, unit_pos)
    if atom is None:
        return end, multiplier, None
    atom_end, unit, kind, unit_text = atom
    den = _match_denominator(text, atom_end)
    if den:
        return den[0], multiplier, (f"{unit} / {den[1]}", unit, "rate", text[unit_pos:den[0]])
    return atom_end, multiplier, (unit, unit, kind, unit_text)


def _exponent(text: str) -> float:
    """An exponent as written ("(-6)", "- 6", "30") as a float."""
    return float(text.replace("(", "").replace(")", "").replace(" ", ""))


def _core_value(match: re.Match) -> float | None:
    """The value of a matched number core, or None when it is not a finite quantity."""
    mantissa = match.group("mant").replace(",", "").replace(" ", "")
    if len(mantissa) > _MAX_DIGITS:
        return None
    try:
        if match.group("e"):
            value = float(mantissa + match.group("e").lower())
        elif match.group("exp1") is not None:
            value = float(mantissa) * 10.0 ** _exponent(match.group("exp1"))
        elif match.group("exp2") is not None:
            value = float(mantissa) ** _exponent(match.group("exp2"))
        else:
            value = float(mantissa)
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    if isinstance(value, complex) or not math.isfinite(value):
        return None
    return value


def _is_dollar_delimiter(text: str, end: int) -> bool:
    """Whether a ``$`` right before a number opens inline math rather than marking money.

    It does when a closing ``$`` follows on the same line with only math between
    (``$10^{30}$``, ``$2$ TB``, ``$100 \\times 10^{28} = 10^{30}$``) and that ``$`` is
    not itself the start of an amount (``$5 - $10``).
    """
    limit = min(len(text), end + 200)
    line_end = text.find("\n", end, limit)       # bounded: never scan the rest of a long text
    limit = line_end if line_end != -1 else limit
    close = text.find("$", end, limit)
    if close == -1:
        return False
    between = text[end:close]
    if re.search(r"[A-Za-z]{2,}", between):
        return False
    after = text[close + 1:close + 3]
    return not (after[:1].isdigit() or after[:1] == "." and after[1:2].isdigit())


@dataclass
class _Scan:
    """An answer read once: its normalized text, its quantities, whether reading stopped early."""

    norm: _Normalized
    found: list[Quantity]
    truncated: bool
    spans: "_Spans" = field(init=False)

    def __post_init__(self) -> None:
        self.spans = _Spans([q.norm_span[0] for q in self.found], [q.norm_span[1] for q in self.found])


# Answers recently read, so that several number() concepts on one answer read it once.
_SCANS: dict[str, _Scan] = {}
_SCANS_KEPT = 8
_SCANS_LOCK = threading.Lock()


def _scan(text: str, deadline: Deadline | None = None) -> _Scan:
    """Normalize ``text`` and extract its quantities (in reading order, at most ``MAX_QUANTITIES``)."""
    with _SCANS_LOCK:
        cached = _SCANS.get(text)
    if cached is not None:
        return cached
    norm = _normalize(text, deadline)
    ntext = norm.text
    found: list[Quantity] = []
    truncated = False
    for count, match in enumerate(_CORE.finditer(ntext)):
        if deadline is not None and count % 1024 == 1023:
            deadline.check()
        quantity = _read_quantity(norm, match)
        if quantity is not None:
            if len(found) == MAX_QUANTITIES:
                truncated = True     # no homework answer states this many numbers: a flood
                break
            found.append(quantity)
    scan = _Scan(norm, found, truncated)
    with _SCANS_LOCK:
        if len(_SCANS) >= _SCANS_KEPT:
            _SCANS.pop(next(iter(_SCANS)))
        _SCANS[text] = scan
    return scan


def _is_exponent_position(text: str, begin: int) -> bool:
    """Whether a number starting at ``begin`` is the exponent of something (``e^{-6}``, ``x ** -0.5``)."""
    if begin == 0 or text[begin - 1] not in " (^*":
        return False                 # fast path: nothing exponent-like right before
    lead = text[max(0, begin - 6):begin].rstrip(" ")
    if lead.endswith("("):
        lead = lead[:-1].rstrip(" ")
    if lead.endswith("^"):
        return True
    if lead.endswith("**"):
        # "d_model ** -0.5" is a power; "is **20 GPUs**" and "**Total** 20" are Markdown bold.
        star = text.rfind("**", max(0, begin - 8), begin)
        if star != -1 and (_opens_bold(text, star) or _closes_bold(text, star)):
            return False
        operand = lead[:-2].rstrip(" ")
        return bool(operand) and (operand[-1].isalnum() or operand[-1] in ")]}_")
    return False


def _opens_bold(text: str, pos: int) -> bool:
    """Whether the ``**`` at ``pos`` opens Markdown bold rather than raising to a power.

    Bold hugs its content: a space (or the start, or punctuation) before the opening ``**``,
    no space after it, and a closing ``**`` later on the same line that follows a non-space
    and is not itself followed by an operand ("is **20 GPUs**", "about **186 times**").
    A power is spaced the same on both sides: ``x**2``, ``x ** 2``.
    """
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 2:pos + 3]
    if not after or after.isspace() or after == "*" or before.isalnum() or before in ")]}_*":
        return False
    line_end = text.find("\n", pos, pos + 300)
    close = text.find("**", pos + 3, line_end if line_end != -1 else pos + 300)
    while close != -1:
        following = text[close + 2:close + 3]
        if not text[close - 1].isspace() and not (following and (following.isalnum() or following == "(")):
            return True
        close = text.find("**", close + 2, line_end if line_end != -1 else pos + 300)
    return False


def _closes_bold(text: str, pos: int) -> bool:
    """Whether the ``**`` at ``pos`` closes Markdown bold ("**Total** 20"): it follows a
    non-space, a space or punctuation follows it, and it pairs with an opening ``**``
    earlier on the same line."""
    if pos == 0 or text[pos - 1].isspace() or text[pos - 1] == "*":
        return False
    after = text[pos + 2:pos + 3]
    if after and not (after.isspace() or after in ".,;:!?)]"):
        return False
    line_start = text.rfind("\n", max(0, pos - 300), pos) + 1
    opener = text.rfind("**", max(line_start, pos - 300), pos - 1)
    while opener != -1:
        before = text[opener - 1] if opener > line_start else " "
        inner = text[opener + 2:opener + 3]
        if inner and not inner.isspace() and inner != "*" and not (before.isalnum() or before in ")]}_*"):
            return True
        opener = text.rfind("**", max(line_start, pos - 300), opener)
    return False


def _close_braces(original: str, start: int, end: int) -> int:
    """Extend ``end`` over the closing braces of ``10^{30}`` so the span reads whole."""
    opened = original.count("{", start, end) - original.count("}", start, end)
    while opened > 0 and end < len(original) and original[end] == "}":
        end += 1
        opened -= 1
    return end


def _read_quantity(norm: _Normalized, match: re.Match) -> Quantity | None:
    """Turn one core match into a Quantity, or None when it is not a stated number."""
    ntext = norm.text
    start, core_end = match.span()
    value = _core_value(match)
    if value is None:
        return None
    if match.group("exp2") is not None and ntext.startswith("**", match.end("mant")) \
            and _closes_bold(ntext, match.end("mant")):
        # "**20** 5": the ** closes bold around 20, it does not raise 20 to the 5th.
        core_end = match.end("mant")
        value = float(match.group("mant").replace(",", "").replace(" ", ""))
    # A power whose exponent could not be read ("10^x", "2^{n}", "2**n") is no number at all.
    if ntext[core_end:core_end + 1] == "." and ntext[core_end + 1:core_end + 2].isdigit():
        return None                  # 1.2.3: a version or section number
    rest = ntext[core_end:core_end + 8].lstrip(" ")
    if rest.startswith("^") or rest.startswith("**") and rest[2:3] and (rest[2].isalnum() or rest[2] in "-+("):
        return None
    # A sign glued in front: "-6", "= -0.5"; but "GPT-3" is a name and "10-20" a range.
    begin = start
    if start > 0 and ntext[start - 1] in "-+":
        before = ntext[start - 2] if start > 1 else ""
        if before.isalpha() or before == "_":
            return None
        if not before.isalnum():
            if ntext[start - 1] == "-":
                value = -value
            begin = start - 1
    if _is_exponent_position(ntext, begin):
        return None
    plain = not match.group("e") and match.group("exp1") is None and match.group("exp2") is None
    # List markers ("1. ", "2) " at the start of a line) are not quantities.
    if plain and "." not in match.group("mant") and ntext[core_end:core_end + 1] in (".", ")") \
            and ntext[core_end + 1:core_end + 2] in (" ", "\n", "") \
            and _LIST_MARKER_PREFIX.search(ntext, max(0, begin - 40), begin):
        return None
    # Currency prefix: $10, \$10 (normalized to ¤), US$10, USD 10.
    currency_start = None
    probe = begin - 1 if begin > 0 and ntext[begin - 1] == " " else begin
    symbol = ntext[probe - 1] if probe > 0 else ""
    if symbol in ("$", "¤"):
        currency_start = probe - 3 if ntext[max(0, probe - 3):probe - 1] == "US" else probe - 1
    elif ntext[max(0, probe - 3):probe] == "USD" and (probe < 4 or not ntext[probe - 4].isalnum()):
        currency_start = probe - 3
    end, multiplier, unit = _parse_suffix(ntext, core_end, currency=False)
    if symbol == "$" and (_is_dollar_delimiter(ntext, core_end) or _is_dollar_delimiter(ntext, end)
                          or ntext[probe - 2:probe - 1] == "$"):
        currency_start = None        # "$10^{30}$": the $ opens inline math
    if currency_start is not None:
        end, multiplier, unit = _parse_suffix(ntext, core_end, currency=True)
        begin = currency_start
    elif unit is None and end == core_end and core_end < len(ntext):
        following = ntext[core_end]
        if following.isalpha() and not (following in "xX×" and not ntext[core_end + 1:core_end + 2].isalnum()):
            return None              # 2nd, 3D, 5abc: part of a word, not a quantity
    value *= multiplier
    if not math.isfinite(value):
        return None
    o_start, o_end = norm.to_original(begin, end)
    o_end = _close_braces(norm.original, o_start, o_end)
    if unit is None:
        return Quantity(value, None, (o_start, o_end), norm.original[o_start:o_end], None,
                        norm_span=(begin, end))
    pint_unit, numerator, kind, unit_text = unit
    return Quantity(value, pint_unit, (o_start, o_end), norm.original[o_start:o_end], " ".join(unit_text.split()),
                    numerator_unit=numerator, kind=kind, norm_span=(begin, end))


def extract_quantities(text: str, *, deadline: Deadline | None = None) -> list[Quantity]:
    """Every number stated in ``text``, in reading order, with its unit and span.

    >>> [q.render() for q in extract_quantities("C = 10^{30} FLOPs and D = 1.7 × 10¹⁵ tokens, $10k")]
    ['1e30 FLOPs', '1.7e15 tokens', '$10000']

    Exponents and subscripts are not numbers of their own; a number glued to a
    word (``H200``, ``GPT-3``, ``2nd``) is skipped. ``deadline`` bounds the time spent.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return list(_scan(text, deadline).found)


# ---------------------------------------------------------------------------
# Units (pint, lazily) — reduced to a base-unit key and a factor, cached per unit
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    """The process-wide pint UnitRegistry with the units homework answers use."""
    import pint  # heavy: imported only when a unit must be converted

    registry = pint.UnitRegistry()
    registry.define("FLOP = 1 = flop")                      # a floating-point operation: a count
    # A petaflop/s-day is 8.64e19 FLOPs, but homework asks for exactly that conversion, so
    # "1 PF-day" must not state 8.64e19 FLOPs by itself: it is a unit of its own.
    registry.define("PF_day = [petaflop_day]")
    registry.define("dollar = [currency] = USD")
    registry.define("cent = 0.01 * dollar")
    for noun in _COUNT_NOUNS:
        registry.define(f"{noun} = [{noun.lower()}_count]")
    return registry


@functools.lru_cache(maxsize=512)
def _unit_info(unit: str) -> tuple[str, float]:
    """``(key, factor)``: quantities with equal keys are comparable after multiplying by factor.

    The key is the base-unit expression (so bytes, whose pint dimension is empty,
    still differ from plain counts); the factor converts the unit to those base units.
    """
    registry = _registry()
    base = registry.Quantity(1.0, unit).to_base_units()
    return str(base.units), float(base.magnitude)


# ---------------------------------------------------------------------------
# Sentences, clauses, negation, keyword binding (private helpers on normalized text)
# ---------------------------------------------------------------------------

_ABBREVIATIONS = ("e.g", "i.e", "vs", "etc", "approx", "cf", "fig", "eq", "resp", "no", "ca", "al", "ex")
_SENTENCE_MARK = _Lazy(r"[.!?](?=\s)|\n")
_CLAUSE_MARK = _Lazy(
    r"[.!?](?=\s)|\n|[;|]|[,:](?=\s)|(?i:\b(?:but|while|whereas|however|although|though|and|versus|vs\.?)\b)"
)
_NEGATION_BEFORE = _Lazy(
    r"(?i:(?<![A-Za-z])(?:not|never|instead\s+of|rather\s+than|as\s+opposed\s+to|other\s+than|unlike|"
    r"incorrect(?:ly)?|wrong(?:ly)?|mistaken(?:ly)?|erroneous(?:ly)?)(?![A-Za-z])|n['’]t(?![A-Za-z])|≠)"
)
_NEGATION_AFTER = _Lazy(
    r"(?i:^[^0-9]{0,40}?\b(?:is|are|was|were|would\s+be|seems?)\s+(?:wrong|incorrect|not\s+(?:right|correct)|"
    r"a\s+(?:common\s+)?(?:mistake|error))\b|^[\s*_]*\(?\s*(?:wrong|incorrect|✗|❌|✘))"
)
# A line that opens with a verdict of wrongness negates the numbers on it ("Wrong answer: 10^28").
_NEGATION_LABEL = _Lazy(
    r"[ \t*_>#•-]*(?:[0-9]{1,2}[.)][ \t]*)?(?i:(?:common[ \t]+)?(?:wrong|incorrect|mistaken|invalid|"
    r"not[ \t]+(?:correct|right|true)|mistakes?|errors?|pitfalls?)|❌|✗|✘)(?:[ \t]+[A-Za-z]+){0,2}[ \t*_]*:"
)
# What an equation chain is made of besides numbers: "12.12 × $1.50 ≈ $18.18".
_CHAIN_CHARS = frozenset(" \t*_=≈~×·⋅/+-()[]^<>≤≥")
_LABEL_GAP = _Lazy(r"[\s*_:=]*")
# What may stand between a label and the number it names: "DRAM ≈ ", "DRAM: ", "DRAM | ", "DRAM costs about ".
_LABEL_TO_NUMBER = _Lazy(
    r"(?:[ \t*_:=≈~∼|(]|(?i:is|are|was|were|costs?|costing|at|of|about|around|roughly|approximately|approx\.?|"
    r"needs?|takes?|requires?|totals?|comes[ ]+to|would[ ]+cost|will[ ]+cost)(?![A-Za-z]))*"
)
_WORDS = _Lazy(r"[A-Za-z]{3,}")
# Words that do not name a quantity: a clause made of these ("we get", "which is about")
# takes its subject from a neighbouring clause.
_FILLER_WORDS = frozenset("""
the and but are was were been being equals equal about around approximately approx roughly nearly almost
gives give giving get gets got getting yields yield yielding total totals thus hence then therefore which
its this that these those comes come out works becomes become result results answer answers value values
final finally exactly just only needed need needs required requires require our have has had will would
must should can could for with from into onto plus minus times over per each some than more less least
most here there now using use used derived computed calculated estimated amount amounts number numbers
overall altogether you your they them their all any also still simply given means mean
""".split())
_NEGATION_REFERENCE = _Lazy(
    r"(?i:\b(?:that|this|which|it)(?:['’]s|\s+is|\s+was|\s+would\s+be)\s+(?:wrong|incorrect|not\s+(?:right|correct)|"
    r"a\s+(?:common\s+)?(?:mistake|error))\b)"
)


def _is_boundary(text: str, match: re.Match) -> bool:
    """Whether a candidate sentence mark really ends a sentence."""
    mark = match.group()
    pos = match.start()
    if mark == "\n":
        # "Compute:\n$$ C = 10^{30} $$" continues the sentence across the line break.
        return not text[max(0, pos - 200):pos].rstrip().endswith((":", "="))
    if mark == ".":
        word = re.search(r"[A-Za-z.]+$", text[max(0, pos - 8):pos])
        if word and word.group().lower().lstrip(".") in _ABBREVIATIONS:
            return False
    return True


def _span_between_marks(text: str, start: int, end: int, marks: Any, sentence: bool) -> tuple[int, int]:
    """The sentence (or clause) around ``[start, end)``, at most ``_CONTEXT_LIMIT`` each side."""
    lo = max(0, start - _CONTEXT_LIMIT)
    left = lo
    for match in marks.finditer(text, lo, start):
        if not sentence or _is_boundary(text, match):
            left = match.end()
    right = min(len(text), end + _CONTEXT_LIMIT)
    for match in marks.finditer(text, end, right):
        if not sentence or _is_boundary(text, match):
            right = match.start()
            break
    return left, right


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)`` (a line ending in ':' continues on the next)."""
    return _span_between_marks(text, start, end, _SENTENCE_MARK, True)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``[start, end)``: split at , ; : | and but/while/whereas/and…, within its sentence."""
    sent_lo, sent_hi = _sentence(text, start, end)
    lo, hi = _span_between_marks(text, start, end, _CLAUSE_MARK, False)
    return max(lo, sent_lo), min(hi, sent_hi)


@dataclass
class _Spans:
    """Where the extracted numbers are in the normalized text (sorted, non-overlapping)."""

    starts: list[int]
    ends: list[int]

    def any_in(self, lo: int, hi: int) -> bool:
        """Whether some number starts inside ``[lo, hi)``."""
        i = bisect.bisect_left(self.starts, lo)
        return i < len(self.starts) and self.starts[i] < hi

    def owner(self, pos: int) -> int | None:
        """The start of the number whose span (with its unit) covers ``pos``, if any."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.starts[i] if i >= 0 and self.ends[i] > pos else None

    def labels_a_number(self, text: str, pos: int) -> bool:
        """Whether a keyword ending at ``pos`` is the label of a number right after it
        ("DRAM ≈ $800,000", "DRAM: $800,000", "| DRAM | $800,000", "DRAM costs $800,000")."""
        gap = _LABEL_TO_NUMBER.match(text, pos, min(len(text), pos + 80))
        i = bisect.bisect_left(self.starts, gap.end())
        return i < len(self.starts) and self.starts[i] == gap.end()

    def chain_start(self, text: str, start: int, limit: int) -> int:
        """Where the equation chain ending in the number at ``start`` begins.

        Walks back over numbers and operators ("12.12 × $1.50 ≈ $18.18") and stops at
        the first word or label separator, at most ``limit`` characters back.
        """
        pos, floor = start, max(0, start - limit)
        while pos > floor:
            if text[pos - 1] in _CHAIN_CHARS:
                pos -= 1
                continue
            i = bisect.bisect_left(self.ends, pos)
            if i < len(self.ends) and self.ends[i] == pos and self.starts[i] < pos:
                pos = self.starts[i]
                continue
            break
        return pos


def _numbers_between(starts: Sequence[int], lo: int, hi: int) -> bool:
    """Whether some extracted number starts strictly inside ``(lo, hi)``."""
    i = bisect.bisect_right(starts, lo)
    return i < len(starts) and starts[i] < hi


def _has_own_subject(text: str, lo: int, hi: int, spans: _Spans) -> bool:
    """Whether ``text[lo:hi]`` (a clause up to its number) names a quantity of its own."""
    for word in _WORDS.finditer(text, lo, hi):
        if word.group().lower() not in _FILLER_WORDS and spans.owner(word.start()) is None:
            return True
    return False


def _negation(text: str, quantity: Quantity, starts: Sequence[int]) -> str | None:
    """The cue that negates or contrasts this number ("not", "instead of", "is wrong"), if any."""
    start, end = quantity.norm_span
    clause_lo, clause_hi = _clause(text, start, end)
    line_start = text.rfind("\n", max(0, start - 300), start) + 1
    if line_start > 0 or start <= 300:
        label = _NEGATION_LABEL.match(text, line_start, start)
        if label:
            return label.group().strip(" \t*_>#•-")
    window_lo = max(clause_lo, start - 40)
    for cue in _NEGATION_BEFORE.finditer(text, window_lo, start):
        between = text[cue.end():start]
        if len(between.split()) <= 4 and not _numbers_between(starts, cue.end(), start):
            return cue.group()
    tail = text[end:clause_hi]
    after = _NEGATION_AFTER.search(tail)
    if after:
        return after.group().strip()
    sent_lo, sent_hi = _sentence(text, start, end)
    rest = text[end:min(sent_hi, end + 80)]
    ref = _NEGATION_REFERENCE.search(rest)
    if ref and not _numbers_between(starts, end, end + ref.start()):
        return ref.group()
    return None


def _keyword_pattern(keyword: str) -> re.Pattern:
    """A keyword as a regex: flexible spaces, whole words, optional plural, case rules."""
    words = keyword.strip().split()
    if not words:
        raise ValueError("keywords must not be empty")
    body = r"\s*".join(re.escape(w) for w in words)
    if keyword.strip()[0].isalnum():
        body = r"(?<![A-Za-z0-9_])" + body
    if keyword.strip()[-1].isalnum():
        body += r"(?:s|es)?(?![A-Za-z0-9_])"
    # Short symbols keep their case ("C =" is not "c ="); words do not ("Compute").
    letters = sum(ch.isalpha() for ch in keyword)
    flags = 0 if letters <= 2 and any(ch.isupper() for ch in keyword) else re.IGNORECASE
    return re.compile(body, flags)


def _as_keywords(value: Any, setting: str) -> tuple[str, ...] | None:
    """A keyword setting (a string or an iterable of synonyms) as a tuple, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    keywords = tuple(str(v) for v in value)
    if not keywords or not all(k.strip() for k in keywords):
        raise ValueError(f"number({setting}=...) needs at least one non-empty keyword")
    return keywords


# ---------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """The parsed target: its value and unit as written, and the same in base units."""

    value: float               # in the target's own unit
    unit: str | None           # pint unit
    unit_text: str | None      # as written ("FLOPs", "$")
    kind: str | None
    base: float = 0.0          # value in base units
    key: str | None = None     # base-unit key

    def render(self) -> str:
        """The target as a quantity would render ("1e30 FLOPs", "$10000")."""
        return Quantity(self.value, self.unit, (0, 0), "", self.unit_text).render()


def _parse_unit(unit: str) -> tuple[str, str, str]:
    """A unit setting ("FLOPs", "s", "$", "tokens/min") -> (pint unit, text, kind)."""
    text = unit.strip()
    sample = f"$1{text[1:]}" if text.startswith("$") else ("$1" if text in ("US$", "USD") else f"1 {text}")
    found = extract_quantities(sample)
    if len(found) != 1 or found[0].unit is None or found[0].span != (0, len(sample)):
        raise ValueError(f"number(): unknown unit {unit!r} (try FLOPs, s, ms, TB, GB, $, tokens, tokens/min, %)")
    return found[0].unit, found[0].unit_text or text, found[0].kind or ""


def _parse_target(target: Any, unit: str | None) -> _Target:
    """Read a target (a number, a string such as "2 TB", or a Quantity) and its unit setting."""
    if isinstance(target, bool) or not isinstance(target, (int, float, str, Quantity)):
        raise TypeError(f"number() target must be a number or a string like '2 TB', got {type(target).__name__}")
    if isinstance(target, str):
        found = extract_quantities(target)
        rest = (target[:found[0].span[0]] + target[found[0].span[1]:]).strip(" ≈~") if len(found) == 1 else "?"
        if len(found) != 1 or rest:
            raise ValueError(f"number() target {target!r} is not one number with an optional unit")
        target = found[0]
    if isinstance(target, Quantity):
        value, t_unit, t_text, kind = target.value, target.unit, target.unit_text, target.kind
    else:
        value, t_unit, t_text, kind = float(target), None, None, None
    if not math.isfinite(value):
        raise ValueError(f"number() target must be finite, got {value!r}")
    if unit is not None:
        u_unit, u_text, u_kind = _parse_unit(unit)
        if t_unit is not None and _unit_info(t_unit)[0] != _unit_info(u_unit)[0]:
            raise ValueError(f"number(): the target's unit {t_text!r} does not agree with unit={unit!r}")
        if t_unit is None:
            t_unit, t_text, kind = u_unit, u_text, u_kind
    if t_unit is None:
        return _Target(value, None, None, None, value, None)
    key, factor = _unit_info(t_unit)
    return _Target(value, t_unit, t_text, kind, value * factor, key)


class NumberMatcher(Matcher):
    """Passes when the answer states the target number (see :func:`number`)."""

    name = "number"

    def __init__(self, target: Any, *, rel: float | None, abs: float | None, unit: str | None,  # noqa: A002
                 near: Any, within_chars: int, bound_to: Any) -> None:
        bound = _as_keywords(bound_to, "bound_to")
        close = _as_keywords(near, "near")
        super().__init__(target=target, rel=rel, abs=abs, unit=unit, near=close, bound_to=bound,
                         within_chars=within_chars if (bound or close) else None)
        if rel is not None and rel < 0 or abs is not None and abs < 0:
            raise ValueError("number(): rel and abs must not be negative")
        if within_chars < 0:
            raise ValueError("number(): within_chars must not be negative")
        self.target = _parse_target(target, unit)
        # Like pytest.approx: abs alone means no relative tolerance.
        self.rel = rel if rel is not None else (0.0 if abs is not None else DEFAULT_REL)
        self.abs_tol = abs or 0.0
        self.within_chars = within_chars
        self.near = close
        self.bound_to = bound
        self._near_patterns = [_keyword_pattern(k) for k in close or ()]
        self._bound_patterns = [_keyword_pattern(k) for k in bound or ()]

    # -- pieces --------------------------------------------------------------

    def expected(self) -> str:
        """``1e30 FLOPs ± 2%`` style rendering of the target and tolerance."""
        parts = []
        if self.rel:
            # "20% ± 2%" would read as two percentage points; say what the 2% is of.
            parts.append(f"{self.rel * 100:g}%" + (" of it" if self.target.kind == "percent" else ""))
        if self.abs_tol:
            parts.append(_fmt(self.abs_tol) + (f" {self.target.unit_text}" if self.target.unit_text else ""))
        return f"{self.target.render()} ± {' or '.join(parts)}" if parts else self.target.render()

    def _tolerance(self, target: float, factor: float) -> float:
        """The allowed difference around ``target`` (``factor`` converts ``abs`` to base units)."""
        return max(self.rel * math.fabs(target), self.abs_tol * factor) + 1e-12 * math.fabs(target)

    def _comparable(self, q: Quantity) -> list[tuple[float, float, float]]:
        """``(found, target, tolerance)`` pairs to compare, in one unit; empty when incompatible."""
        t = self.target
        if t.unit is None:
            pairs = [(q.value, t.value, self._tolerance(t.value, 1.0))]
            if q.kind == "percent":
                pairs.append((q.value / 100.0, t.value, self._tolerance(t.value, 1.0)))
            return pairs
        factor = _unit_info(t.unit)[1]
        if q.unit is None:
            # A bare number states a count ("C = 10^30", "D = 1.7e15"); a size, a time or a
            # price needs its unit. A bare fraction states a percentage (0.2 is 20%).
            if t.kind == "count":
                return [(q.value, t.value, self._tolerance(t.value, 1.0))]
            if t.kind == "flop":
                pairs = [(q.value, t.value, self._tolerance(t.value, 1.0))]
                if factor != 1.0:
                    pairs.append((q.value, t.base, self._tolerance(t.base, factor)))
                return pairs
            if t.kind == "percent":
                return [(q.value, t.base, self._tolerance(t.base, factor))]
            return []
        key, q_factor = _unit_info(q.unit)
        if (q.kind == "percent") != (t.kind == "percent"):
            return []   # pint calls both FLOPs and % dimensionless; they still never compare
        if key == t.key:
            return [(q.value * q_factor, t.base, self._tolerance(t.base, factor))]
        if q.numerator_unit and q.numerator_unit != q.unit and t.kind != "rate":
            n_key, n_factor = _unit_info(q.numerator_unit)
            if n_key == t.key:   # "41.7 s per token" states 41.7 s
                return [(q.value * n_factor, t.base, self._tolerance(t.base, factor))]
        return []

    def _distance(self, q: Quantity) -> tuple[bool, float]:
        """(within tolerance, relative distance) of the closest comparison for ``q``."""
        best = (False, math.inf)
        for found, target, tolerance in self._comparable(q):
            gap = math.fabs(found - target)
            distance = gap / math.fabs(target) if target else gap
            candidate = (gap <= tolerance, distance)
            if candidate[0] and not best[0] or candidate[0] == best[0] and distance < best[1]:
                best = candidate
        return best

    def _keyword_hit(self, text: str, q: Quantity, patterns: list[re.Pattern], spans: _Spans,
                     bound: bool) -> bool:
        start, end = q.norm_span
        reach = self.within_chars
        lo, hi = max(0, start - reach - 60), min(len(text), end + reach + 60)
        if bound:
            clause_lo, clause_hi = _clause(text, start, end)
            sent_lo, sent_hi = _sentence(text, start, end)
            chain = spans.chain_start(text, start, reach)
        for pattern in patterns:
            for hit in pattern.finditer(text, lo, hi):
                k_lo, k_hi = hit.span()
                distance = start - k_hi if k_hi <= start else (k_lo - end if k_lo >= end else 0)
                if distance > reach:
                    continue
                if not bound:
                    return True
                if k_lo < sent_lo or k_hi > sent_hi:
                    continue
                k_clause_lo, k_clause_hi = _clause(text, k_lo, k_hi)
                # A label whose clause ends right where the number's equation chain begins
                # ("Cost of 1 PF-Day: 12.12 × $1.50 ≈ $18.18").
                if k_clause_hi <= chain and _LABEL_GAP.fullmatch(text, k_clause_hi, chain):
                    return True
                if spans.owner(k_lo) not in (None, start):
                    continue            # "10^29 FLOPs": that keyword is another number's unit
                if k_lo >= end and spans.labels_a_number(text, k_hi):
                    continue            # "SSD ≈ $10,000 | DRAM ≈ $800,000": DRAM names the next number
                if clause_lo <= k_lo and k_hi <= clause_hi:
                    return True
                # Another clause of the sentence names the quantity: it binds when neither it nor
                # the clauses in between state a number and the number's own clause has no
                # subject of its own ("For compute, we get 10^30"; "| Compute | 10^30 |"),
                # so "the compute is 1e29, the dataset is 1e30" and "the compute is large,
                # but the dataset is 1e30" do not.
                gap = (k_clause_lo, clause_lo) if k_hi <= start else (clause_hi, k_clause_hi)
                if spans.any_in(*gap) or _has_own_subject(text, clause_lo, start, spans):
                    continue
                return True
        return False

    def _context(self, norm: _Normalized, q: Quantity, limit: int = 200) -> str:
        """The original sentence around ``q``, trimmed to ``limit`` characters around it."""
        lo, hi = _sentence(norm.text, *q.norm_span)
        a, b = q.span
        o_lo = norm.to_original(lo, lo + 1)[0] if lo < hi else a
        o_hi = norm.to_original(hi - 1, hi)[1] if lo < hi else b
        o_lo, o_hi = max(min(o_lo, a), a - limit // 2), min(max(o_hi, b), b + limit // 2)
        return norm.original[o_lo:o_hi].strip() or q.text

    def _rejection(self, text: str, q: Quantity, spans: _Spans) -> str | None:
        """Why a number of the right value does not count as stated, or None when it does."""
        cue = _negation(text, q, spans.starts)
        if cue:
            return f"is negated ({cue!r})"
        if self._bound_patterns and not self._keyword_hit(text, q, self._bound_patterns, spans, True):
            return (f"is not stated as {' / '.join(self.bound_to)} (no such keyword within {self.within_chars} "
                    f"characters in its clause, or in a clause of its sentence that states no other number)")
        if self._near_patterns and not self._keyword_hit(text, q, self._near_patterns, spans, False):
            return f"is not within {self.within_chars} characters of {' / '.join(self.near)}"
        return None

    # -- check ---------------------------------------------------------------

    def check(self, answer: str) -> Verdict:
        """Pass when ``answer`` states the target (see :func:`number`); never raises on odd text."""
        deadline = Deadline(what="reading the numbers of the answer")
        try:
            return self._grade(answer, deadline)
        except MatcherTimeout as exc:
            # Only pathological answers (hundreds of thousands of numbers) get here.
            return Verdict.give_up(f"expected {self.expected()}; gave up after {exc.seconds:.1f}s {exc.what} "
                                f"({len(answer)} characters)", expected=self.expected(), found="not read")

    def _grade(self, answer: str, deadline: Deadline) -> Verdict:
        scan = _scan(answer, deadline)
        norm, found = scan.norm, scan.found
        text = norm.text
        expected = self.expected()
        spans = scan.spans
        scored = []
        rejected: list[str] = []
        for count, q in enumerate(found):
            if count % 1024 == 1023:
                deadline.check()
            ok, distance = self._distance(q)
            scored.append((distance, count, q))
            if not ok:
                continue
            reason = self._rejection(text, q, spans)
            if reason:
                rejected.append(f"{q.render()} in {shorten(self._context(norm, q), 120)!r} {reason}"
                                if len(rejected) < 3 else reason)
                continue
            evidence = self._context(norm, q)
            return Verdict.ok(
                f"expected {expected}; found {q.render()} in {shorten(evidence, 120)!r}",
                evidence=evidence, expected=expected, found=q.render(),
                details={"span": q.span, "number_text": q.text, "value": q.value, "unit": q.unit},
            )
        if not found:
            return Verdict.fail(f"expected {expected}; found no numbers in the answer", expected=expected,
                                found="no numbers")
        compatible = [item for item in scored if math.isfinite(item[0])]
        nearest = heapq.nsmallest(3, compatible or scored, key=lambda item: (item[0], item[1]))
        listing = ", ".join(f"{q.render()} in {shorten(self._context(norm, q), 100)!r}" for _, _, q in nearest)
        if rejected:
            more = f" (and {len(rejected) - 3} more)" if len(rejected) > 3 else ""
            explanation = f"expected {expected}; " + "; ".join(rejected[:3]) + more
        elif compatible:
            explanation = f"expected {expected}; found {listing}"
        else:
            explanation = (f"expected {expected}; no number in the answer has a unit compatible with "
                           f"{self.target.unit_text}; found {listing}")
        if scan.truncated:
            explanation += f" (only the first {MAX_QUANTITIES} numbers of the answer were read)"
        first = nearest[0][2]
        return Verdict.fail(
            explanation, evidence=self._context(norm, first), expected=expected, found=first.render(),
            details={"nearest": [q.render() for _, _, q in nearest], "rejected": rejected[:3]},
        )


def number(target: float | int | str, *, rel: float | None = None, abs: float | None = None,  # noqa: A002
           unit: str | None = None, near: str | Iterable[str] | None = None, within_chars: int = 80,
           bound_to: str | Iterable[str] | None = None) -> NumberMatcher:
    """Passes when the answer states ``target`` (within tolerance, in a compatible unit).

    ``target`` is a number or a string with a unit (``"2 TB"``, ``"41.7 s"``, ``"$10,000"``,
    ``"1.7e15 tokens"``); ``unit`` gives the unit of a plain number target
    (``number(1e30, unit="FLOPs")``). Tolerance follows ``pytest.approx``: ``rel``
    (default 0.02) and/or ``abs`` (in the target's unit). Units convert (``2000 GB`` states
    ``2 TB``); a number in an incompatible unit never matches; a bare number matches a
    unit-less or count target (FLOPs, tokens) but not a size, a time or a price.

    ``bound_to`` ties the number to what it measures (``number(1e30, bound_to=("compute",
    "FLOPs", "C ="))``): within ``within_chars`` characters, one of these keywords must be
    in the number's clause; or in another clause of its sentence that states no number,
    with no number-stating clause in between and no subject of its own in the number's
    clause ("For compute, we get 10^30"; not "the compute is 1e29, the dataset is 1e30");
    or in a label right before the number's equation chain ("Cost of 1 PF-Day: 12.12 ×
    $1.50 ≈ $18.18"). A keyword that is the unit of another number does not bind, nor
    does a keyword after the number that labels a number of its own ("SSD ≈ $10,000;
    DRAM ≈ $800,000": DRAM does not bind $10,000).
    ``near`` only asks for a keyword within ``within_chars`` characters. A number that
    is negated or contrasted ("not 10^28", "instead of 10^29", "10^28 is wrong") is not
    counted as stated.
    """
    return NumberMatcher(target, rel=rel, abs=abs, unit=unit, near=near, within_chars=within_chars,
                         bound_to=bound_to)
