"""Shared text utilities for matchers: normalization, sentence/clause splitting, negation.

Model answers mix Markdown, LaTeX, Unicode math and code. Matchers compare
*normalized* text and report evidence from the *original* text, so this module
provides both directions:

- :func:`normalize` turns an answer into a canonical, comparable form
  (case-folded, NFKC, Markdown and LaTeX markup removed or rewritten: ``d_{\\text{model}}``,
  ``d_{model}`` and ``d\\_model`` all become ``d_model``; ``\\frac{a}{b}`` becomes
  ``(a)/(b)``; ``10^{-6}`` and ``10⁻⁶`` become ``10^-6``; ``\\|``, ``||`` and ``∥`` become ``‖``).
  :func:`normalize_with_map` also returns the map from each normalized character back
  to the original, so a match found in normalized text can be shown as it was written.
- :class:`Document` splits an answer into items (lines, bullets, table rows, headings),
  sentences and clauses, each a :class:`TextUnit` carrying its original span and its
  normalized text. :func:`sentences` and :func:`clauses` are the convenient entry points.
- :func:`is_negated` / :func:`negation_cue` decide whether a phrase sits in a negated or
  contrasted context ("B is *not* initialised to zero", "instead of std=1", "☐ latent
  regularizer"), without over-triggering on "not only X but also Y".

Everything here is linear (or close to it) in the input size: no regex has nested
quantifiers that could backtrack catastrophically, loops take a cooperative
:class:`~pytest_hwcheck.matchers.base.Deadline`, and an input beyond :data:`MAX_CHARS`
makes the matcher give up (never cut: a claim past the cut would go unseen). The names exported
in ``__all__`` are used by other matchers; keep them stable.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Union

from .base import AnswerTooLarge, Deadline

__all__ = [
    "MAX_CHARS",
    "ABBREVIATION_SAFE_DOT",
    "Normalized",
    "normalize",
    "normalize_with_map",
    "TextUnit",
    "Document",
    "sentences",
    "clauses",
    "items",
    "is_negated",
    "negation_cue",
    "mark_before",
    "is_checked_mark",
    "CHECKED_MARKS",
    "UNCHECKED_MARKS",
    "GREEK",
]

#: Longest answer (in characters) any utility looks at; the rest is ignored, so one
#: runaway answer cannot stall a run.
MAX_CHARS = 1_000_000

#: Marks that tick a box or an option ("☒ task loss", "[x] latent regularizer").
CHECKED_MARKS = ("☒", "☑", "✅", "✓", "✔", "[x]", "⊠", "■", "🗹")
#: Marks that leave a box empty or cross an option out ("☐ latent regularizer").
UNCHECKED_MARKS = ("☐", "□", "[ ]", "✗", "✘", "❌", "⬜", "⊡")

#: LaTeX Greek letter names and the symbols they normalize to (capitals are case-folded).
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "π",
    "rho": "ρ", "varrho": "ρ", "sigma": "σ", "varsigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}

# ---------------------------------------------------------------------------------------------
# Normalization with an offset map
# ---------------------------------------------------------------------------------------------


class Normalized:
    """Normalized text plus, for each of its characters, the original span it came from.

    ``text`` is the normalized string and ``source`` the original. A normalized
    character produced by rewriting (``\\frac`` → ``(``) maps to the span of the
    construct it came from, so :meth:`source_span` of any normalized span is the
    smallest original span that produced it.
    """

    __slots__ = ("text", "source", "_starts", "_ends")

    def __init__(self, text: str, source: str, starts: array, ends: array) -> None:
        self.text = text
        self.source = source
        self._starts = starts
        self._ends = ends

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Normalized({self.text!r})"

    def __len__(self) -> int:
        return len(self.text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` that normalized ``[start, end)`` came from."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            pos = self._starts[start] if start < n else len(self.source)
            return pos, pos
        a, b = self._starts[start], self._ends[end - 1]
        # Take in markup dropped right after the span ("}" of "10^{-6}", a closing "$" or "**").
        nxt = self._starts[end] if end < n else len(self.source)
        if b < nxt <= b + 8:
            tail = self.source[b:nxt]
            if not tail.strip(" \t}$"):
                b = b + len(tail.rstrip())
        return a, b

    def source_text(self, start: int, end: int) -> str:
        """The original text behind normalized ``[start, end)``."""
        a, b = self.source_span(start, end)
        return self.source[a:b]

    def normalized_span(self, start: int, end: int) -> tuple[int, int]:
        """The normalized span covering original ``[start, end)`` (the inverse of :meth:`source_span`)."""
        a = bisect_left(self._starts, start)
        b = bisect_left(self._starts, end)
        return a, max(a, b)


# A replacement is a literal string (its characters map to the whole match), or a
# list of pieces: a ``str`` piece is new text, an ``int`` piece copies that group of
# the match with its own offsets (so unwrapping ``\text{abc}`` keeps exact offsets).
Pieces = list
Replacement = Union[str, Callable[["re.Match[str]"], Union[str, Pieces]]]

_TEMPLATE_REF = re.compile(r"\\(\d)")


def _template(template: str) -> Pieces:
    """``"(\\1)/(\\2)"`` → ``["(", 1, ")/(", 2, ")"]``."""
    pieces: Pieces = []
    pos = 0
    for m in _TEMPLATE_REF.finditer(template):
        if m.start() > pos:
            pieces.append(template[pos:m.start()])
        pieces.append(int(m.group(1)))
        pos = m.end()
    if pos < len(template):
        pieces.append(template[pos:])
    return pieces


class _State:
    """Text being normalized, with (optionally) per-character source offsets."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, mapped: bool) -> None:
        self.text = text
        if mapped:
            n = len(text)
            self.starts = array("i", range(n))
            self.ends = array("i", range(1, n + 1))
        else:
            self.starts = self.ends = None

    def sub(self, pattern: "re.Pattern[str]", repl: Replacement, deadline: Deadline | None) -> bool:
        """Apply ``pattern`` → ``repl`` everywhere; return whether the text changed."""
        text = self.text
        first = pattern.search(text)
        if first is None:
            return False
        pieces_of = _compile_repl(repl)
        if self.starts is None:
            def render(m: "re.Match[str]") -> str:
                pieces = pieces_of(m)
                if isinstance(pieces, str):
                    return pieces
                return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in pieces)

            new = pattern.sub(render, text)
            changed = new != text
            self.text = new
            return changed
        starts, ends = self.starts, self.ends
        out: list[str] = []
        new_starts = array("i")
        new_ends = array("i")
        pos = 0
        count = 0
        for m in pattern.finditer(text, first.start()):
            count += 1
            if deadline is not None and count % 2048 == 0:
                deadline.check()
            ms, me = m.span()
            if ms == me:
                continue
            if ms > pos:
                out.append(text[pos:ms])
                new_starts.extend(starts[pos:ms])
                new_ends.extend(ends[pos:ms])
            pieces = pieces_of(m)
            if isinstance(pieces, str):
                pieces = [pieces]
            cursor = starts[ms]
            n_pieces = len(pieces)
            for index, piece in enumerate(pieces):
                if isinstance(piece, str):
                    if not piece:
                        continue
                    # New text maps to the gap between the previous copied group and the
                    # next one, which keeps the offsets monotone.
                    nxt = ends[me - 1]
                    for later in pieces[index + 1:n_pieces]:
                        if isinstance(later, int) and m.start(later) >= 0 and m.end(later) > m.start(later):
                            nxt = max(cursor, starts[m.start(later)])
                            break
                    k = len(piece)
                    out.append(piece)
                    # Never past the match's own end: text appended after the last copied
                    # group ("sqrt(d_model" + ")") would otherwise point beyond the answer.
                    new_starts.extend(array("i", [cursor]) * k)
                    new_ends.extend(array("i", [max(nxt, min(cursor + 1, ends[me - 1]))]) * k)
                else:
                    gs, ge = m.span(piece)
                    if gs < 0 or ge <= gs:
                        continue
                    out.append(text[gs:ge])
                    new_starts.extend(starts[gs:ge])
                    new_ends.extend(ends[gs:ge])
                    cursor = ends[ge - 1]
            pos = me
        if pos < len(text):
            out.append(text[pos:])
            new_starts.extend(starts[pos:])
            new_ends.extend(ends[pos:])
        new = "".join(out)
        changed = new != text
        self.text, self.starts, self.ends = new, new_starts, new_ends
        return changed


def _compile_repl(repl: Replacement) -> Callable[["re.Match[str]"], Union[str, Pieces]]:
    if callable(repl):
        return repl
    if "\\" in repl:
        pieces = _template(repl)
        return lambda m: pieces
    return lambda m: repl


# -- character-level tables -------------------------------------------------------------------

_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
    "⁺": "+", "⁻": "-", "⁼": "=", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵀ": "T", "ᵗ": "t",
    "ᵃ": "a", "ᵇ": "b", "ᶜ": "c", "ᵈ": "d", "ᵉ": "e", "ᵏ": "k", "ᵐ": "m", "ˣ": "x", "ʸ": "y",
}
_SUBSCRIPTS = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
    "₊": "+", "₋": "-", "₌": "=", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h",
    "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j",
}
_SUPER_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+")
_SUB_RUN = re.compile("[" + "".join(_SUBSCRIPTS) + "]+")


def _super_repl(m: "re.Match[str]") -> str:
    body = "".join(_SUPERSCRIPTS[c] for c in m.group(0))
    return "^" + body if len(body) == 1 or re.fullmatch(r"[-+]?\w+", body) else "^(" + body + ")"


def _sub_repl(m: "re.Match[str]") -> str:
    body = "".join(_SUBSCRIPTS[c] for c in m.group(0))
    return "_" + body if re.fullmatch(r"[-+]?\w+", body) else "_(" + body + ")"


# One-to-one character rewrites (length preserving, so offsets need no work).
_CHAR_TABLE = str.maketrans({
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2225": "‖", "\u2016": "‖", "\u27f6": "→", "\u2192": "→", "\u21d2": "⇒", "\u27f9": "⇒",
    "\u2044": "/", "\u2215": "/", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00a0": " ", "\t": " ",
    "\u22a4": "⊤", "\u2009": " ", "\u202f": " ", "\u200a": " ",
})
# ASCII-only lower-casing is length preserving (str.lower is not for every character).
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})

_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A non-ASCII character (or an ASCII one carrying combining marks) with its combining marks.
_CLUSTER = re.compile(f"(?:[^\\x00-\\x7f]|[\\x00-\\x7f](?=[{_COMBINING}]))[{_COMBINING}]*")
_LEFTOVER_COMBINING = re.compile(f"[{_COMBINING}]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\r]+")


def _fold_cluster(m: "re.Match[str]") -> str:
    piece = m.group(0)
    folded = unicodedata.normalize("NFKC", piece).casefold()
    return folded


# -- LaTeX command tables -----------------------------------------------------------------------

# Case-sensitive commands whose meaning is lost by case-folding (\Vert is ‖, \vert is |).
_CASE_COMMANDS = {
    "Vert": "‖", "lVert": "‖", "rVert": "‖", "Rightarrow": "⇒", "Longrightarrow": "⇒",
    "implies": "⇒", "Leftrightarrow": "⇔", "iff": "⇔", "Leftarrow": "⇐",
}
_CASE_COMMAND = re.compile(r"\\(" + "|".join(sorted(_CASE_COMMANDS, key=len, reverse=True)) + r")(?![A-Za-z])")

_SYMBOL_COMMANDS = {
    **GREEK,
    "cdot": "*", "times": "*", "ast": "*", "cdotp": "*", "to": "→", "rightarrow": "→",
    "longrightarrow": "→", "mapsto": "↦", "leftarrow": "←", "gets": "←", "parallel": "‖",
    "mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "sim": "~", "approx": "≈", "simeq": "≃",
    "cong": "≅", "equiv": "≡", "le": "≤", "leq": "≤", "leqslant": "≤", "ge": "≥", "geq": "≥",
    "geqslant": "≥", "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "infty": "∞", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "subsetneq": "⊊", "supset": "⊃", "supseteq": "⊇",
    "cup": "∪", "cap": "∩", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "propto": "∝", "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘",
    "top": "⊤", "intercal": "⊤", "dots": "...", "ldots": "...", "cdots": "...", "vdots": "...",
    "quad": " ", "qquad": " ", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬",
    "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨", "ell": "l", "prime": "'", "colon": ":",
    "setminus": "∖", "emptyset": "∅", "varnothing": "∅", "langle": "⟨", "rangle": "⟩",
    "lbrace": "", "rbrace": "", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "star": "⋆", "hbar": "ħ", "degree": "°", "perp": "⊥", "triangleq": "≜", "coloneqq": ":=",
}
_SYMBOL_COMMAND = re.compile(r"\\([a-z]+)(?![a-z])")


def _symbol_repl(m: "re.Match[str]") -> Union[str, Pieces]:
    symbol = _SYMBOL_COMMANDS.get(m.group(1))
    return [0] if symbol is None else symbol


_FONT_NAMES = (
    "text|textrm|textbf|textit|texttt|textsf|textnormal|textup|mathrm|mathbf|mathit|mathsf|mathtt|"
    "mathcal|mathbb|mathfrak|mathscr|mathnormal|boldsymbol|bm|pmb|operatorname\\*?|emph|mbox|hbox|"
    "hat|widehat|tilde|widetilde|bar|overline|underline|vec|dot|ddot|check|breve|mathring|"
    "underbrace|overbrace|boxed|fbox|cancel|bcancel|xcancel|mathop|mathbin|mathrel|mathord"
)
# The innermost brace construct: a command with one or two brace arguments, or a sub/superscript group.
_BRACE_CONSTRUCT = re.compile(
    r"(?P<cmd>\\(?:" + _FONT_NAMES + r"|[dtc]?frac|sqrt|textcolor|color|binom|dbinom|tbinom|overset|underset|stackrel)(?![a-z]))"
    r"[ \t]*(?:\[(?P<opt>[^\[\]{}\n]{0,50})\][ \t]*)?\{(?P<a>[^{}]*)\}(?:[ \t]*\{(?P<b>[^{}]*)\})?"
    r"|(?P<op>[_^])[ \t]*\{(?P<s>[^{}]*)\}"
    r"|(?<![\w}^_\]\\])(?<!\} )\{(?P<g>[^{}]*)\}"
)
_SIMPLE_SCRIPT = re.compile(r"[-+]?[\w.']+|\*")


_G = _BRACE_CONSTRUCT.groupindex
_GA, _GB, _GS, _GG = _G["a"], _G["b"], _G["s"], _G["g"]


def _brace_repl(m: "re.Match[str]") -> Union[str, Pieces]:
    if m.group("g") is not None:
        return [_GG]  # a bare grouping brace pair: {\\beta} → β
    op = m.group("op")
    if op is not None:
        content = m.group("s")
        stripped = content.strip()
        if not stripped:
            return ""
        if _SIMPLE_SCRIPT.fullmatch(stripped):
            return [op, _GS] if stripped == content else op + stripped
        return [op, "(", _GS, ")"]
    cmd = m.group("cmd")[1:]
    has_b = m.group("b") is not None
    tail: Pieces = ["{", _GB, "}"] if has_b else []
    if cmd in ("frac", "dfrac", "tfrac", "cfrac"):
        if not has_b:
            return [0]  # the denominator still holds braces: wait for the next round
        return ["(", _GA, ")/(", _GB, ")"]
    if cmd in ("binom", "dbinom", "tbinom"):
        if not has_b:
            return [0]
        return ["binom(", _GA, ",", _GB, ")"]
    if cmd == "sqrt":
        if m.group("opt"):
            return ["(", _GA, ")^(1/" + m.group("opt").strip() + ")"] + tail
        return ["sqrt(", _GA, ")"] + tail
    if cmd in ("color", "textcolor", "overset", "stackrel", "underset"):
        # \color{red}{x} and \overset{a}{b}: keep the second argument (the text shown).
        return [_GB] if has_b else ([0] if cmd != "color" else "")
    return [_GA] + tail


class _Rule:
    """One normalization step: a compiled pattern and its replacement."""

    __slots__ = ("pattern", "repl")

    def __init__(self, pattern: "str | re.Pattern[str]", repl: Replacement, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        self.repl = repl


_GREEK_WORD = re.compile(r"(?<![a-z\\])(" + "|".join(sorted((k for k in GREEK if not k.startswith("var")), key=len, reverse=True)) + r")(?![a-z])")

_PRE_CASEFOLD: list[_Rule] = [
    _Rule(_INVISIBLE, ""),
    _Rule(r"~~(?=\S)[^~\n]{0,2000}~~", ""),  # struck-through text is retracted, not stated
    _Rule(_CASE_COMMAND, lambda m: _CASE_COMMANDS[m.group(1)]),
    _Rule(_SUPER_RUN, _super_repl),
    _Rule(_SUB_RUN, _sub_repl),
    # Markdown escapes (\_ \* \# \`); "\|" stays: in LaTeX it is the norm bar.
    _Rule(r"\\([*_#`~$])", r"\1"),
]

_MARKDOWN: list[_Rule] = [
    _Rule(r"(?m)^[ \t]{0,3}#{1,6}(?=[ \t]|$)[ \t]*", ""),
    _Rule(r"(?m)^[ \t]{0,3}>[ \t]?", ""),
    _Rule(r"(?m)^[ \t]*[-*_](?:[ \t]*[-*_]){2,}[ \t]*$", ""),
    _Rule(r"(?m)^[ \t]*[-*+•▪◦‣][ \t]+", ""),
    _Rule(r"!?\[([^\]\n]{1,300})\]\([^)\s]{0,1000}\)", r"\1"),
    # "**" between operands is exponentiation (d_model**-0.5, x ** 2), not bold.
    _Rule(r"(?<=[\w)\]}.])\*\*(?=[-+]?[\w(.\\])", "^"),
    _Rule(r"(?<=[\w)\]}.]) \*\* (?=[-+]?[\w(.\\])", "^"),
    _Rule(r"\*\*(?=\S)([^\n]{1,300}?)(?<=\S)\*\*", r"\1"),
    _Rule(r"\*\*", ""),
    _Rule(r"(?<![\w])__(?=\S)([^\n]{1,300}?)(?<=\S)__(?![\w])", r"\1"),
    # Emphasis never opens or closes at a superscript star ("$N^*$ and $M^*$" are two optima).
    _Rule(r"(?<![\w*\\^])\*(?=[^\s*])([^*\n]{1,200}?)(?<=[^\s*^])\*(?![\w*])", r"\1"),
    _Rule(r"(?<![\w\\])_(?=[a-z])([a-z][a-z '\-]{0,60}?)(?<=[a-z])_(?![\w])", r"\1"),
    # Stray emphasis stars with no operand on one side ("*(b)" left by "**\\*(b)\\*\\***").
    _Rule(r"(?m)(?:^|(?<=[\s(\[:]))\*+(?=[^\s*])", ""),
    _Rule(r"(?m)(?<=[^\s*])\*+(?=[\s,.;:)\]$]|$)", lambda m: _stray_star_repl(m)),
    _Rule(r"`+", ""),
]

# A symbol a star may decorate: one letter, optionally with a short subscript ("N", "θ_d", "w_t").
_STARRED_SYMBOL = re.compile(r"(?<![^\W_])[^\W\d_](?:_[^\W_]{1,3})?$")


def _stray_star_repl(m: "re.Match[str]") -> Union[str, Pieces]:
    """Drop a stray closing emphasis star, but keep the star of a symbol ("N*", "θ*", "N^*": an optimum)."""
    before = m.string[max(0, m.start() - 6):m.start()]
    if m.group(0) == "*" and (before.rstrip("{ \t").endswith("^") or _STARRED_SYMBOL.search(before)):
        return [0]
    return ""


# LaTeX environments: "\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}" keeps its shape as
# "[a, b; c, d]" (a column is not a row), and an aligned "a &= b \\\\ c &= d" reads "a = b; c = d".
# Only "&" and "\\\\" inside an environment are touched; "\\&" is a literal ampersand.
_ENVIRONMENT_TOKEN = re.compile(
    r"\\begin[ \t]*\{(?P<begin>[a-z]+\*?)\}(?:[ \t]*(?P<spec>\{[^{}\n]{0,60}\}))?[ \t\n]*"
    r"|(?:(?<![ \t\n])[ \t\n]+)?\\end[ \t]*\{(?P<end>[a-z]+\*?)\}"
    r"|(?:(?<![ \t])[ \t]+)?(?<!\\)&[ \t]*"
    r"|(?:(?<![ \t])[ \t]+)?(?<!\\)\\\\(?:\[[^\]\n]{0,20}\])?[ \t\n]*"
)
_ENVIRONMENT_BRACKETS = {
    "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "vmatrix": ("|", "|"), "smallmatrix": ("[", "]"),
    "matrix": ("[", "]"), "array": ("[", "]"),
}
_SPEC_ENVIRONMENTS = frozenset(("array", "tabular", "alignat", "alignat*", "alignedat", "subarray"))
_RELATION_AFTER = re.compile(
    r"[ \t]*(?:[=<>≈≤≥≠~→∝≡]|:=|\\(?:approx|leq?|geq?|neq?|sim|simeq|to|rightarrow|propto|equiv|coloneqq|leqslant|geqslant)(?![a-z]))")
_RELATION_BEFORE = re.compile(r"(?:[=<>≈≤≥≠~→∝≡]|\\(?:approx|leq?|geq?|neq?|sim|simeq|to|propto|equiv))[ \t]*$")


def _environment_rewriter() -> Callable[["re.Match[str]"], Union[str, Pieces]]:
    """A replacement for :data:`_ENVIRONMENT_TOKEN` that tracks how deep inside environments it is.

    It sees the tokens in text order (one pass per normalization), so a fresh one is made each time.
    """
    stack: list[str] = []

    def repl(m: "re.Match[str]") -> Union[str, Pieces]:
        name = m.group("begin")
        if name is not None:
            stack.append(name)
            opening = _ENVIRONMENT_BRACKETS.get(name, ("", ""))[0]
            if m.group("spec") is not None and name not in _SPEC_ENVIRONMENTS:
                return [opening, _ENV_SPEC] if opening else [_ENV_SPEC]
            return opening
        name = m.group("end")
        if name is not None:
            if stack:
                stack.pop()
            return _ENVIRONMENT_BRACKETS.get(name, ("", ""))[1]
        if not stack:
            return [0]  # outside any environment: left for the later rules
        if m.group(0).strip() == "&":
            text = m.string
            if _RELATION_AFTER.match(text, m.end()) or _RELATION_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                return " "  # an alignment point next to "=": "a &= b" is "a = b"
            return ", "
        # A row break; none is needed right before the environment closes.
        if m.string.startswith("\\end", m.end()):
            return ""
        return "; "

    return repl


_ENV_SPEC = _ENVIRONMENT_TOKEN.groupindex["spec"]

_LATEX_BEFORE_BRACES: list[_Rule] = [
    _Rule(r"\$+", ""),
    _Rule(r"\\[()\[\]]", ""),
    _Rule(r"\\\\", " "),
    _Rule(r"\\[,;:! ]", " "),
    _Rule(r"\\(?:left|right)\.", ""),
    _Rule(r"\\(?:left|right|bigl|bigr|biggl|biggr|bigg|big|middle)(?![a-z])", ""),
    _Rule(r"\\\||\|\||\\parallel(?![a-z])", "‖"),
    _Rule(r"\\(?:rm|bf|it|sf|tt|cal|displaystyle|textstyle|scriptstyle|scriptscriptstyle|limits|nolimits|mathstrut)(?![a-z])[ \t]*", ""),
    _Rule(r"\\([{}%&#])", r"\1"),
    _Rule(_SYMBOL_COMMAND, _symbol_repl),
]

_LATEX_AFTER_BRACES: list[_Rule] = [
    _Rule(r"\\[dtc]?frac[ \t]*(\w)[ \t]*(\w)", r"(\1)/(\2)"),
    _Rule(r"\\sqrt[ \t]*([\w.]+)", r"sqrt(\1)"),
    _Rule(r"\\(?:" + _FONT_NAMES + r")(?![a-z])[ \t]*", ""),
    _Rule(r"\\([a-z]+)", r"\1"),
    _Rule(r"\\", ""),
    _Rule(r"[{}]", ""),
]

_SYMBOLS: list[_Rule] = [
    _Rule(r"√[ \t]*\(", "sqrt("),
    _Rule(r"√[ \t]*([\w.]+)", r"sqrt(\1)"),
    _Rule(r"-{1,2}>", "→"),
    _Rule(r"={1,2}>", "⇒"),
    _Rule(r"[·⋅∙×∗]", "*"),
    _Rule(r"\^[ \t]*\(?⊤\)?", "^t"),
    # A starred symbol is one symbol however it is written: "N^*", "N^{*}", "N^{\\ast}" and "N*".
    _Rule(r"\^[ \t]*\*(?![\w(])", "*"),
    _Rule(r"\^[ \t]*\([ \t]*([-+]?[\w.]+)[ \t]*\)", r"^\1"),
    # Space runs are matched from their first character only (the lookbehind), which keeps
    # these linear on long runs of spaces.
    _Rule(r"(?<![ \t])[ \t]+(?=[‖^_])", ""),
    _Rule(r"(?<=[‖^_])[ \t]+", ""),
    _Rule(r"\([ \t]+", "("),
    _Rule(r"(?<![ \t])[ \t]+\)", ")"),
    _Rule(_GREEK_WORD, lambda m: GREEK[m.group(1)]),
    _Rule(r"[ \t\f\v]{2,}", " "),
]

_MAX_BRACE_ROUNDS = 600
_BRACE_WORK = 4_000_000  # characters scanned by all brace rounds together


def _run(state: _State, deadline: Deadline | None) -> None:
    for rule in _PRE_CASEFOLD:
        state.sub(rule.pattern, rule.repl, deadline)
    # Case-fold and NFKC: ASCII in one length-preserving step, other characters per cluster.
    if state.text.isascii():
        state.text = state.text.translate(_ASCII_LOWER)
    else:
        state.sub(_CLUSTER, _fold_cluster, deadline)
        state.text = state.text.translate(_ASCII_LOWER)
        state.sub(_LEFTOVER_COMBINING, "", deadline)
    state.text = state.text.translate(_CHAR_TABLE)
    for rule in _MARKDOWN:
        state.sub(rule.pattern, rule.repl, deadline)
    state.sub(_ENVIRONMENT_TOKEN, _environment_rewriter(), deadline)
    for rule in _LATEX_BEFORE_BRACES:
        state.sub(rule.pattern, rule.repl, deadline)
    # Innermost brace constructs first, until nothing changes (\frac{\frac{..}{..}}{..}).
    # Each round rescans the text, so the number of rounds shrinks as the text grows
    # (a 4 kB answer may nest 500 deep; a 1 MB one gets a few rounds, then its braces
    # are simply dropped).
    rounds = max(4, min(_MAX_BRACE_ROUNDS, _BRACE_WORK // max(1, len(state.text))))
    for _ in range(rounds):
        if deadline is not None:
            deadline.check()
        if not state.sub(_BRACE_CONSTRUCT, _brace_repl, deadline):
            break
    for rule in _LATEX_AFTER_BRACES:
        state.sub(rule.pattern, rule.repl, deadline)
    for rule in _SYMBOLS:
        state.sub(rule.pattern, rule.repl, deadline)


def normalize(text: str, deadline: Deadline | None = None) -> str:
    """The canonical, comparable form of ``text``.

    Case-folded and NFKC-normalized; Markdown headings, emphasis, bullets, links and
    backticks removed (``**`` between operands becomes ``^``); LaTeX delimiters removed,
    ``\\text{}``/``\\mathrm{}``/``\\mathbf{}``/``\\operatorname{}`` unwrapped, ``\\frac{a}{b}`` →
    ``(a)/(b)``, ``\\sqrt{x}`` and ``√x`` → ``sqrt(x)``, ``\\cdot``/``\\times``/``·``/``×`` → ``*``,
    ``_{model}`` → ``_model``, ``^{-6}``/``⁻⁶`` → ``^-6``, ``\\|``/``\\parallel``/``||``/``∥`` → ``‖``,
    ``\\to``/``->`` → ``→``, Greek commands and names → letters (``\\beta``, ``beta`` → ``β``);
    struck-through text (``~~…~~``) is dropped. Newlines are kept; runs of spaces collapse.
    A star after a symbol is kept (``N*``, ``N^*`` and ``N^{*}`` all become ``n*``). Inside a
    LaTeX environment ``&`` separates columns and ``\\\\`` rows, so ``\\begin{bmatrix} a & b
    \\end{bmatrix}`` becomes ``[a, b]`` and the column ``\\begin{bmatrix} a \\\\ b \\end{bmatrix}``
    becomes ``[a; b]`` (an alignment ``&=`` is just ``=``).
    """
    _refuse_oversized(text)
    state = _State(text, mapped=False)
    _run(state, deadline)
    return state.text


def _refuse_oversized(text: str) -> None:
    # Cutting the answer would let a wrong claim past the cut go unseen: give up instead.
    if len(text) > MAX_CHARS:
        raise AnswerTooLarge(len(text), MAX_CHARS)


def normalize_with_map(text: str, deadline: Deadline | None = None) -> Normalized:
    """:func:`normalize`, keeping for every normalized character the original span it came from."""
    _refuse_oversized(text)
    state = _State(text, mapped=True)
    _run(state, deadline)
    return Normalized(state.text, text, state.starts, state.ends)


# ---------------------------------------------------------------------------------------------
# Structure: items, sentences, clauses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextUnit:
    """A piece of an answer: an item (line, bullet, table row, heading), a sentence or a clause.

    ``text`` is the original text (stripped) and ``start``/``end`` its offsets in the
    answer; ``norm`` is its normalized text and ``nstart``/``nend`` the offsets of
    ``norm`` in the document's normalized text. ``kind`` is the item kind it belongs
    to (``heading``, ``bullet``, ``check``, ``row``, ``cell``, ``code``, ``paragraph``);
    ``item`` and ``sentence`` index the enclosing item and sentence.
    """

    text: str
    start: int
    end: int
    kind: str
    norm: str = ""
    nstart: int = 0
    nend: int = 0
    item: int = 0
    sentence: int = 0
    doc: "Document | None" = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.text

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets (in the answer) of ``norm[start:end]``."""
        if self.doc is None:
            return self.start, self.end
        return self.doc.norm.source_span(self.nstart + start, self.nstart + end)

    def source_text(self, start: int, end: int) -> str:
        """The original text behind ``norm[start:end]``."""
        a, b = self.source_span(start, end)
        return self.doc.text[a:b] if self.doc is not None else self.text


_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]")
# No two space runs may meet around an optional part ("[ \t]*\|?[ \t]*"): on a long run of spaces
# that backtracks quadratically.
_TABLE_SEPARATOR = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{2,}:?(?:[ \t]*\|[ \t]*:?-{2,}:?)*[ \t]*(?:\|[ \t]*)?$")
_BULLET = re.compile(
    r"^[ \t]*(?:[-*+•▪◦‣→⇒]|\d{1,3}[.)]|\(?[a-zA-Z][).]|\(\d{1,2}\)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])[ \t]+"
)
_CHECK_START = re.compile(r"^[ \t]*(?:[-*+•][ \t]+)?(?:\[[ xX✓✔]\]|[☐☒☑✅✓✔✗✘❌□■⊠⬜])")
# A line that opens with a part or option label starts an item of its own: "(c)", "c)", "c:",
# "Part (c)", "Part 2", "Question 4", "Q3". The label must have a label's shape, so prose that
# merely begins with "query…" or "particular…" still continues the previous line.
_LABEL_START = re.compile(
    r"^[ \t]*(?:(?:\*\*|__)[ \t]*)?(?:"
    r"\((?:[a-zA-Z]|[ivxIVX]{1,4}|\d{1,2})\)"
    r"|[a-zA-Z][).:](?:[ \t]|$)"
    r"|(?:part|question|problem|exercise)(?:[ \t]+|[ \t]*(?=\())\(?(?:\d{1,2}|[a-zA-Z](?![a-zA-Z])|[ivxIVX]{1,4}\))"
    r"|q[ \t]*\d{1,2}(?!\d)"
    r")",
    re.I,
)
_BOLD_START = re.compile(r"^[ \t]*(?:\*\*|__)")
_MATH_OPEN = re.compile(r"\$\$|\\\[|\\begin\{")

_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx fig figs eq eqs eqn eqns no nos resp dr mr ms st incl est sec ch pp vol ref "
    "refs def thm lem prop ex var std dev max min avg ca viz resp. esp w.r.t wrt a.k.a aka ie eg".split()
)
#: A regex for a full stop that is not the dot of a common abbreviation ("e.g.", "i.e.", "w.r.t.",
#: "vs.", "approx.", "Fig.", "eq."), for scopes that end at a sentence end.
ABBREVIATION_SAFE_DOT = (r"(?<![a-z]\.[a-z])(?<!\bvs)(?<!\bcf)(?<!approx)(?<!\bfig)(?<!\bfigs)(?<!\beq)(?<!\beqs)"
                         r"(?<!\beqn)(?<!\bwrt)\.")
# Dotted initialisms such as "w.r.t", "a.k.a", "p.d.f" (the final dot is the abbreviation's own).
_DOTTED_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")


def _protected_ranges(text: str) -> list[tuple[int, int]]:
    """Spans of inline/display math and inline code, where no sentence or cell split may happen.

    A linear scan (never a regex over the whole text), so "$" * 10**5 stays fast.
    """
    ranges: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "([":
            close = "\\)" if text[i + 1] == "(" else "\\]"
            j = text.find(close, i + 2, min(n, i + 4000))
            if j >= 0:
                ranges.append((i, j + 2))
                i = j + 2
                continue
            i += 2
            continue
        if c == "\\":
            i += 2
            continue
        if c == "`":
            j = text.find("`", i + 1, min(n, i + 2000))
            if j >= 0:
                ranges.append((i, j + 1))
                i = j + 1
                continue
        elif c == "$":
            if i + 1 < n and text[i + 1] == "$":
                j = text.find("$$", i + 2, min(n, i + 8000))
                if j >= 0:
                    ranges.append((i, j + 2))
                    i = j + 2
                    continue
                i += 2
                continue
            j = i + 1
            limit = min(n, i + 600)
            while j < limit and text[j] != "$" and text[j] != "\n":
                j += 1
            if j < limit and text[j] == "$" and j > i + 1:
                if _is_money(text, i, j):
                    i = j  # "$10,000/year; … $800,000/year": two prices, not inline math
                    continue
                ranges.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return ranges


def _is_money(text: str, open_at: int, close_at: int) -> bool:
    """Whether the ``$`` at ``open_at`` and the one at ``close_at`` are two prices rather than math delimiters.

    A price is a ``$`` directly followed by a digit; inline math opening with a digit
    (``$10^{-6}$``) is closed by a ``$`` that is not.
    """
    return (close_at + 1 < len(text) and text[open_at + 1].isdigit() and text[close_at + 1].isdigit())


class _Protected:
    """Fast "is this offset inside math/code?" over sorted, disjoint ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in ranges]
        self.ends = [b for _, b in ranges]

    def __contains__(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


# A bullet marker and/or a list label ("- ii. ", "3. ", "(b) ") opening an item: never a sentence end.
_LEADING_LABEL = re.compile(r"[ \t]*(?:[-*+•▪◦‣][ \t]+)?(?:\(?(?:[a-zA-Z]|[ivxIVX]{1,4}|\d{1,3})[.)][ \t]+)?")
_LAST_WORD = re.compile(r"([\w.]+)$")
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]+(?:[\"')\]*_]+)?(?=\s)")
_CLAUSE_BREAK = re.compile(
    r";(?=\s)"
    r"|(?:,|(?<![\s,]))\s+(?=but\s+(?!also\b))"
    r"|,\s*(?=(?:while|whereas|although|though|however|yet)\b)"
    r"|(?<![\s,])\s+(?=whereas\b)",
    re.I,
)
_CELL_PIPE = re.compile(r"(?<![\\|])\|(?!\|)")
_MAX_UNIT = 4000
_TERMINAL = re.compile(r"[.!?:;][\s*_)\"']*$")


def _item_kind(line: str) -> str:
    if _HEADING.match(line):
        return "heading"
    stripped = line.strip()
    if stripped.startswith("|") or (stripped.count("|") >= 2 and stripped.endswith("|")):
        return "row"
    if _CHECK_START.match(line):
        return "check"
    if _BULLET.match(line):
        return "bullet"
    return "paragraph"


def _starts_new_item(line: str) -> bool:
    return bool(_LABEL_START.match(line) or _BOLD_START.match(line))


class Document:
    """An answer split into items, sentences, clauses and blocks, with its normalized text.

    Build it once per answer; every level is computed on first use. Offsets are into
    the original answer (``text``); each unit also knows its normalized span in
    ``norm`` so matches found in the normalized text can be placed in a unit with
    :meth:`unit_at`.
    """

    def __init__(self, text: str, *, deadline: Deadline | None = None) -> None:
        _refuse_oversized(text)
        self.text = text
        self.deadline = deadline
        self.norm = normalize_with_map(text, deadline)
        self._protected = _Protected(_protected_ranges(text))
        self._levels: dict[str, list[TextUnit]] = {}
        self._starts: dict[str, list[int]] = {}

    # -- building units --------------------------------------------------------------------

    def _unit(self, start: int, end: int, kind: str, item: int = 0, sentence: int = 0) -> TextUnit | None:
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        nstart, nend = self.norm.normalized_span(start, end)
        norm = self.norm.text[nstart:nend]
        # Trim normalized whitespace while keeping offsets consistent.
        lead = len(norm) - len(norm.lstrip())
        trail = len(norm) - len(norm.rstrip())
        nstart += lead
        nend -= trail
        return TextUnit(text[start:end], start, end, kind, self.norm.text[nstart:nend], nstart, max(nstart, nend),
                        item, sentence, self)

    def _check(self, counter: int) -> None:
        if self.deadline is not None and counter % 1024 == 0:
            self.deadline.check()

    def items(self) -> list[TextUnit]:
        """Line-level units: headings, bullets, checkbox lines, table rows, code lines, paragraphs.

        A paragraph's wrapped lines are joined (a line continues the previous one when
        that one does not end a sentence and this one starts in lower case); a bullet
        keeps its continuation lines; a line ending with ``:`` ends its item.
        """
        if "item" in self._levels:
            return self._levels["item"]
        text = self.text
        out: list[TextUnit] = []
        open_start: int | None = None
        open_end = 0
        open_kind = ""
        in_code = False
        in_math = False
        last_line = ""
        pos = 0
        count = 0

        def close() -> None:
            nonlocal open_start
            if open_start is not None:
                unit = self._unit(open_start, open_end, open_kind, len(out))
                if unit is not None:
                    out.append(unit)
            open_start = None

        n = len(text)
        while pos <= n:
            count += 1
            self._check(count)
            nl = text.find("\n", pos)
            line_end = n if nl < 0 else nl
            line = text[pos:line_end]
            stripped = line.strip()
            if in_math:
                open_end = line_end
                if "$$" in line or "\\]" in line or "\\end{" in line:
                    in_math = False
            elif _FENCE.match(line):
                close()
                in_code = not in_code
            elif in_code:
                if stripped:
                    unit = self._unit(pos, line_end, "code", len(out))
                    if unit is not None:
                        out.append(unit)
            elif not stripped:
                close()
            elif _TABLE_SEPARATOR.match(line) and "-" in line:
                close()
            else:
                kind = _item_kind(line)
                opens_math = bool(_MATH_OPEN.search(line)) and line.count("$$") % 2 == 1 or (
                    "\\[" in line and "\\]" not in line) or ("\\begin{" in line and "\\end{" not in line)
                continuation = (
                    open_start is not None
                    and kind == "paragraph"
                    and open_kind in ("paragraph", "bullet", "check")
                    and not _starts_new_item(line)
                    and self._continues(last_line, stripped)
                )
                if kind == "paragraph" and stripped.startswith("$$") and open_start is not None and open_kind == "paragraph":
                    continuation = not _TERMINAL.search(last_line)
                if continuation:
                    open_end = line_end
                    last_line = line
                else:
                    close()
                    if kind in ("heading", "row"):
                        unit = self._unit(pos, line_end, kind, len(out))
                        if unit is not None:
                            out.append(unit)
                    else:
                        open_start, open_end, open_kind = pos, line_end, kind
                        last_line = line
                if opens_math:
                    in_math = True
                    if open_start is None:
                        open_start, open_end, open_kind = pos, line_end, kind
            if nl < 0:
                break
            pos = nl + 1
        close()
        out = self._split_long(out, "item")
        self._levels["item"] = out
        return out

    @staticmethod
    def _continues(previous: str, line: str) -> bool:
        prev = previous.rstrip("\n")
        if prev.endswith("  ") or prev.endswith("\\"):
            return False  # a Markdown hard line break
        prev = prev.rstrip()
        if prev.endswith(":"):
            return False
        if _TERMINAL.search(prev):
            return False
        first = line[:1]
        if first.islower() or first.isdigit() or first in "([{=+-*/^_,;)$\\":
            return True
        return prev[-1:] in ",(-–=+*/" or prev.endswith(" and") or prev.endswith(" or")

    def _split_long(self, units: list[TextUnit], level: str) -> list[TextUnit]:
        """Cut any unit longer than the work cap at whitespace (keeps every later regex cheap)."""
        if all(u.end - u.start <= _MAX_UNIT for u in units):
            return units
        out: list[TextUnit] = []
        for u in units:
            if u.end - u.start <= _MAX_UNIT:
                out.append(u)
                continue
            start = u.start
            while start < u.end:
                self._check(len(out))
                end = min(u.end, start + _MAX_UNIT)
                if end < u.end:
                    cut = self.text.rfind(" ", start + _MAX_UNIT // 2, end)
                    if cut > start:
                        end = cut
                piece = self._unit(start, end, u.kind, u.item, u.sentence)
                if piece is not None:
                    out.append(piece)
                start = end
        return out

    def sentences(self) -> list[TextUnit]:
        """Sentence-level units: paragraphs split at sentence ends; a bullet, table row, heading or code line is one unit unless it holds several sentences."""
        if "sentence" in self._levels:
            return self._levels["sentence"]
        out: list[TextUnit] = []
        text = self.text
        count = 0
        for index, item in enumerate(self.items()):
            if item.kind in ("row", "heading", "code"):
                out.append(_replace(item, item=index, sentence=len(out)))
                continue
            start = item.start
            body = text[item.start:item.end]
            # A leading label ("i.", "3.", "a.") is not a sentence end.
            label = _LEADING_LABEL.match(body)
            search_from = label.end() if label else 0
            for m in _SENTENCE_END.finditer(body, search_from):
                count += 1
                self._check(count)
                cut = item.start + m.end()
                if cut - 1 in self._protected or item.start + m.start() in self._protected:
                    continue
                word = _LAST_WORD.search(body[max(0, m.start() - 24):m.start()])
                if m.group(0).startswith(".") and word is not None:
                    token = word.group(1).lower().rstrip(".")
                    if token in _ABBREVIATIONS or _DOTTED_INITIALISM.fullmatch(token) or (
                            len(token) == 1 and token.isalpha() and not token.isupper()):
                        continue
                nxt = body[m.end():].lstrip()[:1]
                if m.group(0).startswith(".") and nxt.islower():
                    continue
                unit = self._unit(start, cut, item.kind, index, len(out))
                if unit is not None:
                    out.append(unit)
                start = cut
            unit = self._unit(start, item.end, item.kind, index, len(out))
            if unit is not None:
                out.append(unit)
        out = self._split_long(out, "sentence")
        self._levels["sentence"] = out
        return out

    def clauses(self) -> list[TextUnit]:
        """Clause-level units: table rows split into cells; sentences split at ``;``, ``but`` (not "but also"), ``, while``, ``, whereas``, ``, although``, ``, however``."""
        if "clause" in self._levels:
            return self._levels["clause"]
        out: list[TextUnit] = []
        text = self.text
        count = 0
        for index, sentence in enumerate(self.sentences()):
            if sentence.kind == "row":
                cuts = [m.start() for m in _CELL_PIPE.finditer(text, sentence.start, sentence.end)
                        if m.start() not in self._protected]
                bounds = [sentence.start] + cuts + [sentence.end]
                for a, b in zip(bounds, bounds[1:]):
                    piece = self._unit(a + (1 if a in cuts else 0), b, "cell", sentence.item, index)
                    if piece is not None:
                        out.append(piece)
                continue
            if sentence.kind == "code":
                out.append(_replace(sentence, sentence=index))
                continue
            start = sentence.start
            for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
                count += 1
                self._check(count)
                if m.start() in self._protected:
                    continue
                cut_end = m.end()
                piece = self._unit(start, m.start() + (1 if m.group(0).startswith(";") else 0), sentence.kind, sentence.item, index)
                if piece is not None:
                    out.append(piece)
                start = cut_end
            piece = self._unit(start, sentence.end, sentence.kind, sentence.item, index)
            if piece is not None:
                out.append(piece)
        self._levels["clause"] = out
        return out

    def blocks(self) -> list[TextUnit]:
        """A lead-in with the items under it: a heading, a line ending with ``:`` or a bold-only
        line, with the bullets, rows and short lines that follow; or a bullet with its
        more-indented sub-bullets and continuation lines.

        Items outside any such group are blocks of their own. Used to bind a subject named
        in a lead-in ("For decoder parameters θ_d:") to the items listed under it.
        """
        if "block" in self._levels:
            return self._levels["block"]
        out: list[TextUnit] = []
        current: list[TextUnit] = []
        base_indent = 0
        lead_kind = ""  # "lead" (heading / ends with ":"), "bullet", or "" (a plain item)

        def flush() -> None:
            if current:
                unit = self._unit(current[0].start, current[-1].end, current[0].kind, current[0].item)
                if unit is not None:
                    out.append(unit)
            current.clear()

        for item in self.items():
            line_start = self.text.rfind("\n", 0, item.start) + 1
            indent = len(self.text[line_start:item.start].expandtabs(4))
            is_lead = item.kind == "heading" or item.text.rstrip("*_ ").endswith(":") or (
                item.text.startswith(("**", "__")) and item.text.endswith(("**", "__")) and len(item.text) < 120)
            short = len(item.text) <= 80 and not _TERMINAL.search(item.text)
            if current and not is_lead and indent > base_indent and lead_kind:
                current.append(item)  # nested under the lead or bullet
            elif current and lead_kind == "lead" and not is_lead and (
                    item.kind in ("bullet", "check", "row") or (short and all(len(u.text) <= 80 for u in current[1:]))):
                current.append(item)
            else:
                flush()
                current.append(item)
                base_indent = indent
                lead_kind = "lead" if is_lead else "bullet" if item.kind in ("bullet", "check") else ""
        flush()
        self._levels["block"] = out
        return out

    # -- lookup ----------------------------------------------------------------------------

    def clauses_or_rows(self) -> list[TextUnit]:
        """Clauses, except that a table row stays whole (its cells belong together)."""
        if "clause_or_row" in self._levels:
            return self._levels["clause_or_row"]
        sentences = self.sentences()
        out: list[TextUnit] = []
        for unit in self.clauses():
            if unit.kind == "cell":
                row = sentences[unit.sentence]
                if not out or out[-1] is not row:
                    out.append(row)
            else:
                out.append(unit)
        self._levels["clause_or_row"] = out
        return out

    def units(self, level: str) -> list[TextUnit]:
        """Units of one level: ``"clause"``, ``"clause_or_row"``, ``"sentence"``, ``"item"`` or ``"block"``."""
        if level == "clause":
            return self.clauses()
        if level == "clause_or_row":
            return self.clauses_or_rows()
        if level == "sentence":
            return self.sentences()
        if level == "item":
            return self.items()
        if level == "block":
            return self.blocks()
        raise ValueError(f"unknown unit level {level!r}; use clause, sentence, item or block")

    def starts(self, level: str) -> list[int]:
        """The normalized start offsets of the units of ``level``, in order (for bisecting)."""
        if level not in self._starts:
            self._starts[level] = [u.nstart for u in self.units(level)]
        return self._starts[level]

    def unit_at(self, level: str, npos: int) -> TextUnit | None:
        """The unit of ``level`` whose normalized span contains normalized offset ``npos``."""
        units = self.units(level)
        starts = self.starts(level)
        k = bisect_right(starts, npos) - 1
        if k < 0:
            return None
        unit = units[k]
        return unit if npos < unit.nend or (npos == unit.nend == unit.nstart) else None

    def sentence_of(self, unit: TextUnit) -> TextUnit:
        """The sentence a clause belongs to."""
        sentences = self.sentences()
        if unit.kind == "cell":
            return sentences[unit.sentence] if unit.sentence < len(sentences) else unit
        return sentences[unit.sentence] if 0 <= unit.sentence < len(sentences) else unit


def _replace(unit: TextUnit, **changes) -> TextUnit:
    from dataclasses import replace

    return replace(unit, **changes)


def items(text: str, deadline: Deadline | None = None) -> list[TextUnit]:
    """Line-level units of ``text`` (headings, bullets, table rows, code lines, paragraphs)."""
    return Document(text, deadline=deadline).items()


def sentences(text: str, deadline: Deadline | None = None) -> list[TextUnit]:
    """Sentences of ``text``; bullets, table rows, headings and code lines are units of their own.

    Each :class:`TextUnit` has the original ``text`` and offsets, and its normalized ``norm``.
    """
    return Document(text, deadline=deadline).sentences()


def clauses(text: str, deadline: Deadline | None = None) -> list[TextUnit]:
    """Clauses of ``text``: sentences cut at ``;``/``but``/``whereas``…; each Markdown table cell is a clause."""
    return Document(text, deadline=deadline).clauses()


# ---------------------------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------------------------

_W = r"(?<![a-z0-9])"  # word start that treats "_" and "*" as boundaries ("_not_", "*not*")
_E = r"(?![a-z0-9])"

# Cues whose scope runs to the end of the clause (or the first scope breaker).
_CLAUSE_CUES = (
    _W + r"not" + _E + r"(?![ \t]*(?:\*\*|\*|_)?[ \t]*(?:only|just|merely|simply|to[ \t]+mention)" + _E + r")",
    r"n['’]t" + _E + r"(?![ \t]*(?:\*\*|\*|_)?[ \t]*(?:only|just|merely|simply)" + _E + r")",
    _W + r"cannot" + _E, _W + r"never" + _E, _W + r"no[ \t]+longer" + _E, _W + r"neither" + _E,
    _W + r"nor" + _E, _W + r"none[ \t]+of" + _E, _W + r"nothing" + _E, _W + r"without" + _E,
    _W + r"lack(?:s|ing)?" + _E, _W + r"(?:fails?|failed|unable)[ \t]+to" + _E,
    _W + r"no" + _E + r"(?![ \t]*[,.:;!?])(?![ \t]+(?:matter|doubt|wonder)" + _E + r")",
    r"(?<![a-z0-9-])avoid(?:s|ed|ing)?" + _E,
    _W + r"(?:unaffected|uninfluenced|untouched)[ \t]+by" + _E,
    _W + r"(?:independent|free)[ \t]+of" + _E, _W + r"irrelevant[ \t]+(?:to|for)" + _E,
    _W + r"(?:wrong|incorrect|a[ \t]+mistake|mistaken|false)[ \t]+(?:to[ \t]+(?:say|claim|think|conclude|pick|choose|select)|that)" + _E,
    _W + r"(?:it[ \t]+is|it's|it’s)[ \t]+(?:false|not[ \t]+true|a[ \t]+(?:mistake|misconception))[ \t]+(?:that|to)" + _E,
    _W + r"(?:mistakenly|erroneously|falsely|wrongly|incorrectly)" + _E,
    _W + r"(?:one|you|we|students?|people)[ \t]+(?:might|may|could)[ \t]+(?:naively[ \t]+)?(?:think|expect|guess|assume|believe|say)" + _E,
    _W + r"(?:it[ \t]+is|it's|it’s)[ \t]+tempting[ \t]+to" + _E,
    _W + r"(?:a[ \t]+)?(?:common[ \t]+)?(?:misconception|mistake|pitfall)[ \t]+is[ \t]+(?:that|to)" + _E,
    _W + r"rul(?:e|es|ed|ing)[ \t]+out" + _E, _W + r"eliminat(?:e|es|ed|ing)" + _E,
    _W + r"exclud(?:e|es|ed|ing)" + _E,
)
# Cues whose scope is the phrase after them (up to a comma or a closing parenthesis).
_PHRASE_CUES = (
    _W + r"rather[ \t]+than" + _E, _W + r"instead[ \t]+of" + _E, _W + r"as[ \t]+opposed[ \t]+to" + _E,
    _W + r"unlike" + _E, _W + r"other[ \t]+than" + _E, _W + r"except(?:[ \t]+for)?" + _E,
    _W + r"in[ \t]+place[ \t]+of" + _E, _W + r"contrary[ \t]+to" + _E,
)
_PRE_CUE = re.compile(
    "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(_CLAUSE_CUES))
    + "|" + "|".join(f"(?P<p{i}>{p})" for i, p in enumerate(_PHRASE_CUES))
)
# A clause that opens with a verdict of wrongness negates all of itself ("Incorrect: (a)").
# (Used with .match(text, pos), which anchors at pos, so no "^".)
_LEAD_CUE = re.compile(
    r"[\W_]*(?:incorrect|wrong|false|not|myth|misconception|(?:common[ \t]+)?(?:mistake|error|pitfall)|avoid|don't|do[ \t]+not|❌|✗|✘)"
    r"(?:[ \t]+(?:answers?|options?|choices?|claims?|statements?|interpretations?|readings?|reasoning))?[ \t]*(?:(?:\*\*|__)[ \t]*)?[:：\-–—]"
)
_BREAKER = re.compile(
    r"(?<![a-z0-9])(?:but|however|yet|whereas|while|although|though)(?![a-z0-9])"
    r"|(?<![a-z0-9])instead(?![a-z0-9])(?![ \t]+of)"
    r"|(?<![a-z0-9])rather(?![a-z0-9])(?![ \t]+than)"
    r"|[;!?\n→⇒|]|:(?=\s)|" + ABBREVIATION_SAFE_DOT + r"(?=\s|$)| [—–] "
    r"|,[ \t]*(?:so|thus|hence|therefore|which|who|it|its|it's|this|these|those|they|we|i|you|he|she|instead|because|since|as|then"
    r"|leading|causing|making|resulting|meaning|whereas|while|but|and[ \t]+(?:so|thus|hence|therefore|it|this|that|the|we|they|its|is|are))(?![a-z0-9])"
)
_PHRASE_BREAKER = re.compile(r"[,;:!?\n)|]|" + ABBREVIATION_SAFE_DOT + r"(?=\s|$)|(?<![a-z0-9])(?:and|but|so|because|since|which|while|whereas)(?![a-z0-9])")
_POST_CUE = re.compile(
    r"^(?:[ \t]*(?:\*\*|__|\*|_|[\"')\]]))*[ \t]*(?:"
    r"(?:is|are|was|were|would[ \t]+be|seems?|looks?)[ \t]+(?:(?:clearly|definitely|therefore|thus|also)[ \t]+)?"
    r"(?:wrong|incorrect|false|not[ \t]+(?:correct|right|true|it|valid)|not[ \t]+the[ \t]+(?:right[ \t]+|correct[ \t]+|best[ \t]+)?(?:answer|choice|one|option|curve|plot)"
    r"|a[ \t]+(?:mistake|distractor)|ruled[ \t]+out|excluded|eliminated)(?![a-z0-9])"
    r"|\(?[ \t]*(?:wrong|incorrect|✗|❌|✘)"
    r")"
)
_POST_WEAK = re.compile(
    r"(?<![a-z0-9])(?:not[ \t]+(?:matching|a[ \t]+match)|(?:does|do)[ \t]*n['’]?o?t[ \t]+(?:match|fit)|doesn't[ \t]+(?:match|fit)|don't[ \t]+(?:match|fit))(?![a-z0-9])"
)
_CHECK_MARK = re.compile(
    "|".join(re.escape(m) for m in sorted(CHECKED_MARKS + UNCHECKED_MARKS + ("[X]",), key=len, reverse=True))
)
_WORD = re.compile(r"[a-z0-9]+")
_MARK_REACH_WORDS = 3
_MAX_CUE_WORDS = 14
_MAX_PHRASE_WORDS = 9


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def negation_cue(clause: str, span: Union[tuple, str], *, post: bool = True) -> str | None:
    """The cue that negates or contrasts ``clause[span]``, or None when it is stated plainly.

    ``span`` is ``(start, end)`` in ``clause`` or a phrase (its first occurrence is used).
    Recognized: ``not``/``n't``/``never``/``no``/``no longer``/``without``/``avoid``/``neither…nor``
    before the phrase (up to a scope breaker such as ``but``, ``;``, ``, so``, a sentence
    end, or about a dozen words); ``instead of``/``rather than``/``unlike``/``as opposed to``
    directly before it (up to a comma); a clause opening with ``Incorrect:``/``Wrong:``;
    "wrong to say"/"a common misconception is that"; an empty or crossed box (``☐``,
    ``[ ]``, ``✗``) as the nearest mark before it; and, when ``post`` is true, a verdict
    after it ("(a) is wrong", "(d) … not matching"). "not only X but also Y" negates
    nothing, "does not affect A, but B" negates A only, and a cue in a subordinate clause
    closed by a comma stays there ("Because nothing mixes positions, the prediction depends
    only on the token": the main clause is stated). A ticked box (``☒``, ``[x]``) right
    before the phrase overrides other cues.
    """
    if isinstance(span, str):
        start = _ascii_lower(clause).find(_ascii_lower(span))
        if start < 0:
            return None
        end = start + len(span)
    else:
        start, end = span
    start = max(0, min(start, len(clause)))
    end = max(start, min(end, len(clause)))
    # Work on a window around the phrase only: cues reach a few dozen words at most.
    base = max(0, start - 320)
    low = _ascii_lower(clause[base:min(len(clause), end + 170)])
    s_, e_ = start - base, end - base

    # 1. Checkbox marks: a mark right before the phrase (a few words at most) decides for it.
    last_mark = None
    for m in _CHECK_MARK.finditer(low, max(0, s_ - 300), s_):
        last_mark = m
    if last_mark is not None:
        between = low[last_mark.end():s_]
        if "\n" not in between and len(_WORD.findall(between)) <= _MARK_REACH_WORDS:
            mark = clause[base + last_mark.start():base + last_mark.end()]
            if not is_checked_mark(mark):
                return mark
            return None

    # 2. A clause (or line) that opens with a verdict of wrongness.
    line_start = clause.rfind("\n", 0, start) + 1
    head = _ascii_lower(clause[line_start:min(start, line_start + 120)])
    lead = _LEAD_CUE.match(head)
    if lead is not None:
        return clause[line_start + lead.start():line_start + lead.end()].strip()

    # 3. Cues before the phrase, nearest first.
    window_start = max(0, s_ - 240)
    window = low[window_start:s_]
    for cue in reversed(list(_PRE_CUE.finditer(window))):
        between = window[cue.end():]
        kind = cue.lastgroup or ""
        if kind.startswith("p"):
            if _PHRASE_BREAKER.search(between) or len(between.split()) > _MAX_PHRASE_WORDS:
                continue
        else:
            if _BREAKER.search(between) or len(between.split()) > _MAX_CUE_WORDS:
                continue
            if _closes_paren(between):
                continue
            if _CHECK_MARK.search(between):
                continue
            if "," in between and _in_subordinate_clause(window, cue.start()):
                continue  # "Because nothing mixes positions, the prediction depends …": the cue stays in its clause
        return clause[base + window_start + cue.start():base + window_start + cue.end()].strip()

    # 4. Verdicts after the phrase.
    if post:
        after = low[e_:e_ + 160]
        m = _POST_CUE.match(after)
        if m is not None:
            return clause[end + m.start():end + m.end()].strip()
        stop = _BREAKER.search(after)
        scope = after[: stop.start()] if stop else after
        scope = scope[:100]
        weak = _POST_WEAK.search(scope)
        if weak is not None and not _PRE_CUE.search(scope[: weak.start()]):
            return clause[end + weak.start():end + weak.end()].strip()
        # 5. The phrase is the subject of a predicate that denies it any role ("the running
        #    averages are only used for monitoring and are not needed at inference").
        predicate = _SUBJECT_VERB.match(after)
        if predicate is not None:
            rest = after[predicate.start("verb"):]
            stop = _PREDICATE_END.search(rest)
            rest = rest[: stop.start()] if stop else rest
            rest = " ".join(rest.split()[:_MAX_PREDICATE_WORDS])
            negated = _NEGATED_VERB.search(rest)
            if negated is not None:
                return negated.group(0)
    return None


# A phrase followed by its verb (after at most a short "of the …" continuation or a parenthetical)
# is the subject of that clause; a phrase followed by "and", a comma or anything else is not.
_AUX = (r"(?:is|are|was|were|be|been|do|does|did|has|have|had|can|could|should|shall|will|would|must|may|might"
        r"|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|hasn't|haven't|can't|cannot|couldn't|shouldn't|won't"
        r"|wouldn't|mustn't|never|get|gets|got)")
_SUBJECT_VERB = re.compile(
    r"[ \t*_'’\"]*(?:\([^()\n]{0,80}\)[ \t]*)?"
    r"(?:(?:of|for|from|over|in|at|on)[ \t]+(?:[a-z0-9'’_-]+[ \t]+){0,3}?[a-z0-9'’_-]+[ \t]+)?"
    r"(?:(?:also|only|then|still|just|actually|typically|usually)[ \t]+)?"
    r"(?P<verb>" + _AUX + r"|play|plays|played)(?![a-z0-9])"
)
# A negated predicate that denies the subject any role: "are not needed", "is never used", "aren't
# required", "plays no role". Only these negate the subject phrase itself: in "the decoder does not
# get the regularizer" the decoder is stated (it is the regularizer that is denied).
_ROLE = (r"(?:needed|used|required|necessary|involved|applied|relevant|consulted|utili[sz]ed|employed|kept|stored"
         r"|tracked|maintained|computed|updated|accessed|read|touched|in[ \t]+use|important|part[ \t]+of)")
_NEGATED_VERB = re.compile(
    r"(?<![a-z0-9])" + _AUX + r"[ \t]+(?:(?:also|then|still|actually|really|even|ever)[ \t]+)?(?:not|never|no[ \t]+longer)"
    r"[ \t]+(?:(?:be|been|ever|even|actually|really|at[ \t]+all)[ \t]+)?" + _ROLE + r"(?![a-z0-9])"
    r"|(?<![a-z0-9])(?:isn't|aren't|wasn't|weren't|won't[ \t]+be|never|no[ \t]+longer)[ \t]+(?:(?:be|been|ever|even|actually|really)[ \t]+)?"
    + _ROLE + r"(?![a-z0-9])"
    r"|(?<![a-z0-9])(?:play|plays|played|has|have|had)[ \t]+no[ \t]+(?:role|part|effect)(?![a-z0-9])"
)
# The predicate ends where a new clause starts; "and" does not end it ("are used … and are not needed").
_PREDICATE_END = re.compile(
    r"[;!?\n→⇒|]|:(?=\s)|" + ABBREVIATION_SAFE_DOT + r"(?=\s|$)| [—–] "
    r"|(?<![a-z0-9])(?:but|however|yet|whereas|while|although|though|because|since|so|which|who)(?![a-z0-9])"
    r"|,[ \t]*(?:so|thus|hence|therefore|which|it|its|this|these|those|they|we|i|you|instead|because|since|as|then|whereas|while|but)(?![a-z0-9])"
)
_MAX_PREDICATE_WORDS = 16


# Where a clause starts: a sentence end, a colon, a semicolon, a line break or a dash.
_CLAUSE_START = re.compile(r"(?:[.!?](?=\s)|[:;\n]|\s[—–-]\s)[\s*_>#\-\"'(]*")
# A subordinating conjunction opening a clause that a comma closes ("Because …, the main clause").
_SUBORDINATOR = re.compile(
    r"[\W_]*(?:because|since|as|if|when|whenever|although|though|even[ \t]+(?:though|if)|while|once|given[ \t]+that"
    r"|whereas|after|before|unless)(?![a-z0-9])"
)


def _in_subordinate_clause(window: str, cue_at: int) -> bool:
    """Whether the cue at ``window[cue_at]`` sits in a subordinate clause opened before it ("Because nothing …,").

    The caller has checked that a comma separates the cue from the phrase: the comma closes
    the subordinate clause, so the cue does not reach the main clause after it.
    """
    start = 0
    for m in _CLAUSE_START.finditer(window, 0, cue_at):
        start = m.end()
    head = window[start:cue_at]
    m = _SUBORDINATOR.match(head)
    return m is not None and "," not in head


_RELATIVE_PAREN = re.compile(r"[ \t]*(?:which|that|who|whose|as|since|because|i\.e\.|e\.g\.|see|like|unlike|via|where|when)(?![a-z0-9])")


def _closes_paren(between: str) -> bool:
    """Whether a cue cannot reach through the parentheses in ``between``.

    True when ``between`` closes a parenthesis opened before it (the cue sat inside a
    parenthetical) or when the phrase sits inside a relative parenthetical opened after
    the cue ("does not affect X (which depends only on Y)": Y is not negated).
    """
    depth = 0
    opens: list[int] = []
    for i, c in enumerate(between):
        if c == "(":
            depth += 1
            opens.append(i)
        elif c == ")":
            depth -= 1
            if opens:
                opens.pop()
            if depth < 0:
                return True
    return bool(opens) and _RELATIVE_PAREN.match(between, opens[-1] + 1) is not None


def is_negated(clause: str, span: Union[tuple, str], *, post: bool = True) -> bool:
    """Whether the phrase at ``span`` in ``clause`` sits in a negated or contrasted context.

    See :func:`negation_cue` for what counts. Pass a clause (or a sentence: scope
    breakers such as ``but``, ``;`` and sentence ends keep a cue in its own clause).
    """
    return negation_cue(clause, span, post=post) is not None


def mark_before(clause: str, start: int) -> str | None:
    """The checkbox mark closest before ``start`` on the same line (``"☒"``, ``"[ ]"``…), if any."""
    last = None
    for m in _CHECK_MARK.finditer(clause, max(0, start - 300), start):
        last = m
    if last is None or "\n" in clause[last.end():start]:
        return None
    return clause[last.start():last.end()]


def is_checked_mark(mark: str) -> bool:
    """Whether a mark from :func:`mark_before` ticks its option."""
    return mark.lower() in CHECKED_MARKS or mark == "[X]"
