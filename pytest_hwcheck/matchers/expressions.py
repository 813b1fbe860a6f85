"""``expression()``: find a formula in an answer and test it for symbolic equivalence.

Answers write the same formula many ways: code (``std=d_model ** -0.5``,
``1.0 / math.sqrt(d_model)``), LaTeX (``$\\frac{1}{\\sqrt{d_{\\text{model}}}}$``,
``d_{\\text{model}}^{-1/2}``), Unicode (``1/√d_model``, ``d_model⁻¹ᐟ²``, ``Z = μ + σ·V``) and
prose (``std = 1/sqrt(d_model)``, "a standard deviation of 1/√dmodel"). This module reads
all of them with its own small, bounded tokenizer and parser (never ``eval`` and never
``sympy.parse_expr``, which evaluates Python), turns what it read into a sympy expression,
and compares it with the target: first numerically at a few random positive points (fast,
and decisive when they differ), then with ``sympy.simplify`` in a worker thread that is
abandoned after ``timeout`` seconds.

Trust comes first: ``d_model ** 0.5`` does not match ``d_model**-0.5``; with transposes in the
target the comparison is non-commutative, so ``W_Q W_K^T`` does not match ``W_Q^T W_K``; a
lower-case name written with a transpose (``cᵀc``, ``c^\\top c``, ``np.dot(c, c)``) is a
vector, so ``c/(cᵀc)`` never collapses to ``1/c`` (and equals ``c/‖c‖²``); an
expression in a negated or contrasted clause ("instead of std=1", "not d_model**0.5") does
not count; and with ``bound_to="std"`` only expressions assigned to ``std`` count.

Small conveniences: ``C0``/``c1`` read as the target's ``C_0``/``c_1``; a lone `` x `` between
two operands in prose is a multiplication sign (``5 x E``) unless ``x`` is a target symbol;
``np.dot(a, b)`` and ``a.dot(b)`` are ``aᵀb``; LaTeX written outside ``$…$``
(``W_{QK} = W_Q^\\top W_K``, ``\\frac``, ``\\sqrt``) is read as math; a parenthesised prose note
right after a formula ("W_OV = W_O W_V (a low-rank matrix)") ends it; ``∇_A L`` and
``\\nabla_A L`` are the derivative ``dL/dA``, a matrix when A is one.

Pathological input (a megabyte of text, ``\\frac`` nested 500 deep, ``10**10**10**10``,
``"(" * 10000``) is rejected by limits on length, nesting depth, number size and exponent
size before sympy ever sees it, so a check always returns a verdict and never hangs.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
import unicodedata
from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping

from ..verdict import Verdict, shorten

from .base import DEFAULT_TIME_BUDGET_S, Deadline, Matcher, MatcherTimeout, current_time_budget

__all__ = ["expression", "DEFAULT_ALIASES", "DEFAULT_BINDING_ALIASES"]

#: Spellings an answer may use for a target symbol, beyond what notation already unifies
#: (``d_{\text{model}}``, ``d_\text{model}`` and ``d_model`` all read as ``d_model``; ``σ``,
#: ``\sigma`` and ``sigma`` all read as ``sigma``). Keys are target symbols.
DEFAULT_ALIASES: dict[str, list[str]] = {
    "d_model": ["dmodel", "dModel", "d_Model", "d_{model}", "d_\\text{model}", "d_{\\text{model}}",
                "d_{\\mathrm{model}}", "d_{\\rm model}"],
    "sigma": ["σ", "\\sigma", "ς"],
    "mu": ["μ", "µ", "\\mu"],
    "beta": ["β", "\\beta"],
    "theta": ["θ", "\\theta", "ϑ", "\\vartheta"],
    "alpha": ["α", "\\alpha"],
    "epsilon": ["ε", "ϵ", "\\epsilon", "\\varepsilon"],
    "phi": ["φ", "ϕ", "\\phi", "\\varphi"],
}

#: Names that count as the same left-hand side for ``bound_to`` (``bound_to="std"`` accepts
#: ``σ = 1/√d_model`` and "a standard deviation of 1/√d_model").
DEFAULT_BINDING_ALIASES: dict[str, list[str]] = {
    "std": ["sigma", "σ", "\\sigma", "\\text{std}", "stddev", "std_dev", "standard deviation", "init_std"],
    "beta_hat": ["beta", "β", "\\hat{\\beta}", "β̂", "beta_star"],
}



class _lazy_re:  # noqa: N801 - reads like re.compile at the definition sites
    """A regex compiled on first use, so importing this module compiles nothing."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


# ---------------------------------------------------------------------------------------
# Limits: everything that could make sympy (or CPython's big integers) slow is refused
# before it is built. Why each bound is safe for real answers is noted alongside.
# ---------------------------------------------------------------------------------------
_MAX_NESTING = 30          # brackets/\frac/\sqrt inside one another; real formulas use < 8
_MAX_NODES = 400           # parsed nodes per expression; a long formula has ~60
_MAX_NUMBER_DIGITS = 40    # digits in one literal
_MAX_CONST_EXPONENT = 1000  # |constant exponent|; stops 10**10**10 and (a+b)**100000
_MAX_ABS_CONSTANT = 1e300  # constant sub-expressions beyond this are refused
_MAX_UNIT_CHARS = 8000     # text lexed as one unit; longer lines are cut at whitespace
_MAX_CANDIDATES = 2000     # candidate expressions kept per answer
_NUMERIC_POINTS = 6        # random points for the numeric comparison
_NUMERIC_MIN_VALID = 3     # points that must evaluate for a numeric conclusion
_REL_TOL = 1e-9

# ---------------------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------------------
_GREEK_NAMES = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
]
_LATEX_GREEK = {name: name for name in _GREEK_NAMES}
_LATEX_GREEK.update({"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varsigma": "sigma",
                     "varrho": "rho", "varpi": "pi", "ell": "ell"})
_UNICODE_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi",
    "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}
_SPELLED_GREEK = {name.lower() for name in _GREEK_NAMES}

#: Functions the parser understands; aliases map onto these canonical names.
_FUNCS = {
    "sqrt": "sqrt", "cbrt": "cbrt", "exp": "exp", "log": "log", "ln": "log", "log2": "log2",
    "log10": "log10", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "abs": "abs", "fabs": "abs", "rsqrt": "rsqrt", "pow": "pow", "power": "pow",
    "norm": "norm",
}
_LATEX_FUNCS = {"sqrt", "exp", "log", "ln", "sin", "cos", "tan", "sinh", "cosh", "tanh"}

_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
    "⁺": "+", "⁻": "-", "ᐟ": "/", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵏ": "k", "ˣ": "x",
    "ᵀ": "T", "ᵈ": "d", "ᵐ": "m", "˙": ".", "ᐧ": ".",
}
_SUBSCRIPTS = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
    "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n",
    "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v",
}
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde", "\u0307": "dot",
              "\u20d7": "", "\u0338": ""}

_MULT_CHARS = set("·×⊙∗⋅∙✕⨯")
_ASSIGN_CHARS = {"←": "←", "≔": ":=", "≝": ":=", "≜": ":="}
_REL_CHARS = set("≈≃≅∼∝≤≥≠≪≫→⇒⟹⟶↦∈≡⇔↔⊂⊆")
_BAD_CHARS = set("∞±∓∑∏∫∂∇%∀∃")

# LaTeX command families
_LATEX_MULT = {"cdot", "times", "odot", "ast", "bullet", "cdotp"}
_LATEX_SKIP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
               "biggr", "Biggl", "Biggr", "middle", "displaystyle", "textstyle", "scriptstyle", "limits",
               "nolimits", "rm", "it", "bf", "!", ",", ";", ":", " ", ">", "nonumber"}
_LATEX_SEP = {"quad", "qquad", "\\", "newline", "%", "$", "#", "&", "mid", "vert", "lvert", "rvert",
              "colon", "therefore", "because", "tag", "label", "hline", "cr"}
_LATEX_REL = {"approx", "sim", "simeq", "propto", "le", "leq", "ge", "geq", "lt", "gt", "neq", "ne", "ll",
              "gg", "to", "rightarrow", "Rightarrow", "longrightarrow", "Longrightarrow", "implies", "iff",
              "in", "notin", "subset", "subseteq", "equiv", "mapsto", "cong", "asymp", "approxeq", "doteq",
              "leqslant", "geqslant", "lessapprox", "gtrapprox", "leftrightarrow", "Leftrightarrow"}
_LATEX_ASSIGN = {"coloneqq", "coloneq", "leftarrow", "gets", "triangleq", "defeq", "eqdef", "Leftarrow"}
_LATEX_NORM = {"|", "Vert", "lVert", "rVert"}
_LATEX_NAME_WRAPPERS = {"mathbf", "boldsymbol", "bm", "mathbfit", "mathit", "mathsf", "mathcal", "mathbb",
                        "mathfrak", "vec", "overrightarrow", "mathnormal", "pmb"}
_LATEX_TEXT_WRAPPERS = {"text", "textrm", "textit", "textbf", "texttt", "mathrm", "mathtt", "operatorname",
                        "textsf", "textup", "mbox"}
_LATEX_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
                  "widetilde": "tilde", "dot": "dot", "ddot": "ddot", "check": "check"}
_LATEX_ENVS_OK = {"aligned", "align", "equation", "gather", "gathered", "split", "eqnarray", "multline",
                  "displaymath", "math", "alignat", "alignedat", "flalign"}

# ---------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------
NUM, NAME, FUNC, OP, TR, LP, RP, NORM, FRAC = "NUM", "NAME", "FUNC", "OP", "T", "LP", "RP", "NORM", "FRAC"
ASSIGN, REL, SEP, WORD, COMMA, BAD, SPAN, END = "ASSIGN", "REL", "SEP", "WORD", "COMMA", "BAD", "SPAN", "END"

#: Tokens that end an expression cleanly (an expression stopping anywhere else is refused,
#: so a formula is never silently truncated to a prefix that happens to match).
_TERMINATORS = {END, ASSIGN, REL, SEP, WORD, COMMA, RP, SPAN}
#: Tokens that begin a new place where an expression may start.
_BOUNDARIES = {ASSIGN, REL, SEP, WORD, COMMA, RP, SPAN}
_STARTERS = {NUM, NAME, FUNC, LP, NORM, FRAC}


class _Tok:
    """One token: ``kind``, ``value`` and its character span in the answer."""

    __slots__ = ("kind", "value", "start", "end", "flag")

    def __init__(self, kind: str, value: str, start: int, end: int, flag: str = "") -> None:
        self.kind, self.value, self.start, self.end, self.flag = kind, value, start, end, flag

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.kind}:{self.value!r}"


class _ParseFail(Exception):
    """The tokens at this position are not an expression the parser accepts."""


class _Pathological(_ParseFail):
    """The expression is too large or too deep to evaluate safely."""


class _EvalError(Exception):
    """A numeric evaluation at one point failed (domain error, overflow, shape mismatch)."""


class _LexContext:
    """What the tokenizer needs to know: names that must stay whole, and the time budget."""

    def __init__(self, known: set[str], single_letters: set[str], deadline: Deadline | None = None,
                 relations: frozenset[str] = frozenset({"="}), math_names: frozenset[str] = frozenset()) -> None:
        self.known = known
        self.single_letters = single_letters
        self.deadline = deadline
        self.relations = relations
        # Names that stand for quantities (target symbols, their aliases, defined variables): never prose.
        self.math_names = math_names
        self.steps = 0

    def tick(self) -> None:
        self.steps += 1
        if self.deadline is not None and (self.steps & 511) == 0:
            self.deadline.check()


# ---------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------
_PY_KEYWORDS = {"if", "else", "elif", "for", "in", "and", "or", "not", "is", "lambda", "return", "def", "while",
                "import", "from", "as", "with", "None", "True", "False", "del", "assert", "yield", "class"}
_INDEX_RE = _lazy_re(r"\[\s*([0-9]{1,3})\s*\]")
_NUM_RE = _lazy_re(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+")
_CODE_IDENT_RE = _lazy_re(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
_LETTERS_RE = _lazy_re(r"[A-Za-z]+")
_PLAIN_LETTERS_RE = _lazy_re(r"[A-Za-z]+[0-9]*")
_ALNUM_RUN_RE = _lazy_re(r"[A-Za-z0-9]+")
_CMD_RE = _lazy_re(r"\\([A-Za-z]+|.)", re.S)
_WORD_RE = _lazy_re(r"\w+")
_CARET_T_LATEX = _lazy_re(
    r"\s*(?:\{\s*(?:T|\\top|\\intercal|⊤|\\mathsf\s*\{\s*T\s*\}|\\mathrm\s*\{\s*T\s*\}|\\rm\s+T|\\mathsf\s+T)\s*\}"
    r"|\\top(?![A-Za-z])|\\intercal(?![A-Za-z])|⊤|T)")
# ``N^*``, ``N^{\star}``, ``N_*``, ``N⋆``, and ``N* =`` before a relation: the optimal N, read as N_opt.
_STAR_DECORATION_RE = _lazy_re(
    r"\^\s*(?:\{\s*(?:\*|\\ast|\\star|⋆|∗)\s*\}|\*(?!\*)|\\ast(?![A-Za-z])|\\star(?![A-Za-z])|[⋆∗])"
    r"|_\s*(?:\{\s*(?:\*|\\ast|\\star|⋆|∗)\s*\}|\*(?!\*))"
    r"|[⋆∗]"
    r"|\*(?=[ \t]*(?:=|≈|∝|~|∼|:=|\\propto|\\approx|\\sim)(?!=))")
# One symbol of a derivative: ``L``, ``c_0``, ``c_{0}``, ``c₀``, ``\theta``, ``β``.
_DERIV_SYM = r"(?:[A-Za-z]|\\[A-Za-z]+|[α-ωΑ-Ωϵϑϕ])(?:_\{[^{}]{1,20}\}|_[A-Za-z0-9]{1,8}|[₀-₉]{1,3}|[0-9]{1,3})?"
_DERIV_D = r"(?:\\partial|∂|d|\\mathrm\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\})"
_DERIVATIVE_RES = {
    "∂": _lazy_re(r"∂\s*(" + _DERIV_SYM + r")\s*/\s*∂\s*(" + _DERIV_SYM + r")(?![A-Za-z0-9_{])"),
    "partial": _lazy_re(r"\\partial\s*(" + _DERIV_SYM + r")\s*/\s*\\partial\s*(" + _DERIV_SYM + r")(?![A-Za-z0-9_{])"),
    "frac": _lazy_re(r"\\[dtc]?frac\s*\{\s*" + _DERIV_D + r"\s*(" + _DERIV_SYM + r")\s*\}\s*\{\s*" + _DERIV_D
                     + r"\s*(" + _DERIV_SYM + r")\s*\}"),
    "d": _lazy_re(r"d(" + _DERIV_SYM + r")\s*/\s*d(" + _DERIV_SYM + r")(?![A-Za-z0-9_{])"),
    # ``∇_A L``, ``\nabla_{W_Q} \mathcal{L}``: the gradient of L with respect to A, named dL/dA.
    # Groups are (numerator, denominator) like the others, so the subscript comes second.
    "nabla": _lazy_re(r"(?:∇|\\nabla)\s*_\s*(?:\{\s*(?P<den_braced>" + _DERIV_SYM + r")\s*\}|(?P<den>" + _DERIV_SYM
                      + r"))(?:\s|\\[,;:! ])*(?:\\math(?:cal|rm|it|bf|scr)\s*\{\s*(?P<num_wrapped>[A-Za-z])\s*\}"
                      + r"|(?P<num>" + _DERIV_SYM + r")(?![A-Za-z0-9_{]))"),
}
_CARET_T_TEXT = _lazy_re(r"\s*(?:\{\s*T\s*\}|\(\s*T\s*\)(?![A-Za-z0-9_(])|⊤|T(?![A-Za-z0-9_(]))")
# A transpose spelled with a LaTeX command in a plain line (``W_Q^\top W_K`` outside ``$…$``): the
# command cannot be anything else, so it is read as in LaTeX even where bare letters are prose.
_CARET_T_COMMAND = _lazy_re(
    r"\s*(?:\{\s*(?:\\top|\\intercal|\\mathsf\s*\{\s*T\s*\}|\\mathrm\s*\{\s*T\s*\}|\\rm\s+T|\\mathsf\s+T)\s*\}"
    r"|\\top(?![A-Za-z])|\\intercal(?![A-Za-z])|\\mathsf\s*\{\s*T\s*\}|\\mathrm\s*\{\s*T\s*\})")


def _is_ascii_letter(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _math_alnum(c: str) -> str | None:
    """The plain letter behind a mathematical alphanumeric symbol (𝑑 → d, 𝐜 → c)."""
    if "\U0001d400" <= c <= "\U0001d7ff":
        plain = unicodedata.normalize("NFKC", c)
        if len(plain) == 1:
            return plain
    return None


def _matching_paren(s: str, i: int, end: int, limit: int = 400) -> int | None:
    """Index of the ``)`` that closes the ``(`` at ``s[i]``, within ``limit`` characters."""
    depth = 0
    for j in range(i, min(end, i + limit)):
        if s[j] == "(":
            depth += 1
            if depth > _MAX_NESTING:
                return None
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def _balanced(s: str, i: int, end: int, limit: int = 400) -> tuple[int, int] | None:
    """Span of the content of the brace group opening at ``s[i] == '{'``, bounded in length."""
    depth = 0
    j = i
    stop = min(end, i + limit)
    while j < stop:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
            if depth > _MAX_NESTING:
                return None
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1, j
        j += 1
    return None


class _Lexer:
    """Turns one stretch of answer text into tokens, in one of three modes.

    ``code``: Python-ish (identifiers stay whole, ``**`` is power, ``math.sqrt`` is sqrt).
    ``latex``: LaTeX math (runs of letters are products, ``\\frac``, groups, subscripts).
    ``plain``: prose with Unicode math (unknown words are words, ``**`` may be Markdown bold).
    The three share one implementation because answers mix them freely.
    """

    def __init__(self, s: str, ctx: _LexContext, depth: int = 0) -> None:
        self.s = s
        self.ctx = ctx
        self.depth = depth

    # -- entry ----------------------------------------------------------------------------
    def lex(self, i: int, end: int, mode: str, out: list[_Tok]) -> None:
        """Append the tokens of ``s[i:end]`` read in ``mode`` to ``out``."""
        if self.depth > _MAX_NESTING:
            out.append(_Tok(BAD, "nested too deeply", i, end))
            return
        s = self.s
        while i < end:
            self.ctx.tick()
            c = s[i]
            if c in " \t\r\f\v\u00a0\u2009\u200a\u202f\u2006\u2005\u2004":
                i += 1
            elif c == "\n":
                out.append(_Tok(SEP, "\n", i, i + 1))
                i += 1
            elif "0" <= c <= "9" or (c == "." and i + 1 < end and "0" <= s[i + 1] <= "9"):
                i = self._number(i, end, out)
            elif _is_ascii_letter(c) or c in _UNICODE_GREEK or _math_alnum(c):
                i = self._name(i, end, mode, out)
            elif c == "\\":
                i = self._command(i, end, mode, out)
            elif c in _SUPERSCRIPTS:
                i = self._superscript(i, end, mode, out)
            else:
                i = self._symbol(c, i, end, mode, out)

    # -- numbers --------------------------------------------------------------------------
    def _number(self, i: int, end: int, out: list[_Tok]) -> int:
        m = _NUM_RE.match(self.s, i, end)
        if m is None:  # pragma: no cover - guarded by the caller
            out.append(_Tok(SEP, ".", i, i + 1))
            return i + 1
        text = m.group()
        if len(text.replace(".", "").split("e")[0].split("E")[0]) > _MAX_NUMBER_DIGITS:
            out.append(_Tok(BAD, "number too long", i, m.end()))
        else:
            out.append(_Tok(NUM, text, i, m.end()))
        return m.end()

    # -- names ----------------------------------------------------------------------------
    def _derivative(self, form: str, i: int, end: int, out: list[_Tok]) -> int | None:
        """``dL/dc_0``, ``∂L/∂c₀``, ``\\frac{\\partial L}{\\partial c_0}`` as one name, ``dL/dc_0``
        (so it can be a left-hand side for ``bound_to``); None when there is no derivative here."""
        m = _DERIVATIVE_RES[form].match(self.s, i, end)
        if m is None:
            return None
        if form == "nabla":
            numerator = m.group("num") or m.group("num_wrapped")
            denominator = m.group("den") or m.group("den_braced")
            out.append(_Tok(NAME, _derivative_name(numerator, denominator), i, m.end(), "multi"))
            return m.end()
        out.append(_Tok(NAME, _derivative_name(m.group(1), m.group(2)), i, m.end(), "multi"))
        return m.end()

    def _name(self, i: int, end: int, mode: str, out: list[_Tok]) -> int:
        s = self.s
        c = s[i]
        start = i
        if c == "d" and (i == 0 or not s[i - 1].isalnum()) and i + 3 < end:
            stop = self._derivative("d", i, end, out)
            if stop is not None:
                return stop
        if c in _UNICODE_GREEK:
            return self._finish_name(_UNICODE_GREEK[c], "greek", start, i + 1, end, mode, out)
        alt = _math_alnum(c)
        if alt is not None and not _is_ascii_letter(c):
            if _is_ascii_letter(alt):
                return self._finish_name(alt, "letter", start, i + 1, end, mode, out)
            if alt in _UNICODE_GREEK:
                return self._finish_name(_UNICODE_GREEK[alt], "greek", start, i + 1, end, mode, out)
            out.append(_Tok(SEP, c, i, i + 1))
            return i + 1
        if mode == "code":
            return self._code_ident(i, end, out)
        if mode == "plain":
            m = _CODE_IDENT_RE.match(s, i, end)
            k = m.end()
            if k + 1 < end and s[k] == "." and _is_ascii_letter(s[k + 1]):
                # ``math.sqrt(d)`` or ``self.d_model`` in prose: read it as code would.
                return self._code_ident(i, end, out)
        if mode == "plain" and c == "x" and self._is_times_x(i, end, out):
            out.append(_Tok(OP, "*", i, i + 1))   # "5 x E": a lone x between operands is ×
            return i + 1
        m = (_PLAIN_LETTERS_RE if mode == "plain" else _LETTERS_RE).match(s, i, end)
        if mode == "latex":
            whole = _PLAIN_LETTERS_RE.match(s, i, end)
            if whole.end() > m.end() and whole.group() in self.ctx.known:
                m = whole                          # ``C0`` for a target's ``C_0``, not C·0
        return self._finish_name(m.group(), "letters", start, m.end(), end, mode, out)

    def _is_times_x(self, i: int, end: int, out: list[_Tok]) -> bool:
        """Whether the ``x`` at ``i`` is a multiplication sign: spaces on both sides, an operand
        before and after it, and ``x`` is not one of the target's own symbols."""
        s = self.s
        if "x" in self.ctx.single_letters or i == 0 or i + 2 >= end:
            return False
        if s[i - 1] not in " \t" or s[i + 1] not in " \t":
            return False
        if not out or out[-1].kind not in (NUM, NAME, RP, TR) or out[-1].end > i - 1:
            return False
        k = i + 1
        while k < end and s[k] in " \t":
            k += 1
        nxt = s[k] if k < end else ""
        return bool(nxt) and (nxt.isdigit() or _is_ascii_letter(nxt) or nxt in "(√\\" or nxt in _UNICODE_GREEK)

    def _code_ident(self, i: int, end: int, out: list[_Tok]) -> int:
        """An identifier, maybe dotted: ``self.d_model`` → d_model, ``np.sqrt`` → sqrt, ``W.T``."""
        s = self.s
        start = i
        parts = []
        m = _CODE_IDENT_RE.match(s, i, end)
        parts.append(m.group())
        i = m.end()
        while i + 1 < end and s[i] == "." and _is_ascii_letter(s[i + 1]):
            m = _CODE_IDENT_RE.match(s, i + 1, end)
            parts.append(m.group())
            i = m.end()
        last = parts[-1]
        if len(parts) > 1 and last == "T":
            self._emit_name(parts[-2], start, i - 2, "code", out, whole=True)
            out.append(_Tok(TR, "T", i - 1, i))
            return i
        if len(parts) > 1 and last in ("t", "transpose") and s.startswith("()", i):
            self._emit_name(parts[-2], start, i, "code", out, whole=True)
            out.append(_Tok(TR, "T", i, i + 2))
            return i + 2
        if len(parts) > 1 and last in ("dot", "inner", "vdot"):
            if parts[-2] in ("np", "numpy", "torch"):
                out.append(_Tok(FUNC, "dot", start, i))   # np.dot(a, b) is aᵀb
                return i
            close = _matching_paren(s, i, end) if s.startswith("(", i) else None
            if close is not None:
                # a.dot(b) is np.dot(a, b): read as dot(a, <argument>)
                dot_at = i - len(last) - 1
                out.append(_Tok(FUNC, "dot", dot_at, i))
                out.append(_Tok(LP, "(", i, i + 1))
                self._emit_name(parts[-2], start, dot_at, "code", out, whole=True)
                out.append(_Tok(COMMA, ",", i, i + 1))
                _Lexer(s, self.ctx, self.depth + 1).lex(i + 1, close, "code", out)
                out.append(_Tok(RP, ")", close, close + 1))
                return close + 1
        if last in _FUNCS:
            out.append(_Tok(FUNC, _FUNCS[last], start, i))
            return i
        if len(parts) == 1 and last in _PY_KEYWORDS:
            out.append(_Tok(WORD, last, start, i))
            return i
        if len(parts) > 1 and parts[-2] in ("math", "np", "numpy", "torch") and last in ("pi", "e"):
            out.append(_Tok(NAME, "pi" if last == "pi" else "e", start, i, "const"))
            return i
        # Trailing subscripts written LaTeX-style inside code spans (``d_{model}``) or an index.
        return self._finish_name(last, "code", start, i, end, "code", out)

    def _read_subscript(self, j: int, end: int, mode: str, so_far: str) -> tuple[str, int] | None:
        """Read the subscript that starts at ``s[j]`` (just after ``_``); None if there is none."""
        s = self.s
        if j >= end:
            return None
        c = s[j]
        if c == "{":
            span = _balanced(s, j, end, 120)
            if span is None:
                return None
            return _canon_fragment(s[span[0]:span[1]]), span[1] + 1
        if c == "\\":
            m = _CMD_RE.match(s, j, end)
            cmd = m.group(1)
            if cmd in _LATEX_GREEK:
                return _LATEX_GREEK[cmd], m.end()
            if cmd in _LATEX_TEXT_WRAPPERS or cmd in _LATEX_NAME_WRAPPERS:
                k = m.end()
                while k < end and s[k] == " ":
                    k += 1
                if k < end and s[k] == "{":
                    span = _balanced(s, k, end, 120)
                    if span is not None:
                        return _canon_fragment(s[span[0]:span[1]]), span[1] + 1
            return None
        if c in _UNICODE_GREEK:
            return _UNICODE_GREEK[c], j + 1
        if _is_ascii_letter(c) or "0" <= c <= "9":
            run = _ALNUM_RUN_RE.match(s, j, end).group()
            if mode == "latex" and len(run) > 1:
                # LaTeX takes one character unless a longer subscript spells a known name
                # (``d_model`` written without braces).
                for size in range(len(run), 1, -1):
                    if f"{so_far}_{run[:size]}" in self.ctx.known:
                        return run[:size], j + size
                return run[0], j + 1
            return run, j + len(run)
        return None

    def _finish_name(self, base: str, origin: str, start: int, i: int, end: int, mode: str,
                     out: list[_Tok]) -> int:
        """Read accents and subscripts after a name's base, then emit NAME/FUNC/WORD tokens."""
        s = self.s
        parts = [base]
        while i < end:
            c = s[i]
            if c in _COMBINING:
                if _COMBINING[c]:
                    parts.append(_COMBINING[c])
                i += 1
                continue
            if c in _SUBSCRIPTS:
                j = i
                run = []
                while j < end and s[j] in _SUBSCRIPTS:
                    run.append(_SUBSCRIPTS[s[j]])
                    j += 1
                parts.append("".join(run))
                i = j
                continue
            if c == "_" or (c == "\\" and s.startswith("\\_", i)):
                j = i + (1 if c == "_" else 2)
                while j < end and s[j] == " " and mode == "latex":
                    j += 1
                sub = self._read_subscript(j, end, mode, "_".join(parts))
                if sub is None:
                    if mode == "code" and c == "_":
                        parts[-1] += "_"  # ``normal_(`` keeps its trailing underscore
                        i += 1
                        continue
                    break
                if sub[0]:
                    parts.append(sub[0])
                i = sub[1]
                continue
            if mode == "code" and c == "[":
                m = _lazy_re(r"\[\s*([0-9]{1,3})\s*\]").match(s, i, end)
                if m:
                    parts.append(m.group(1))
                    i = m.end()
                    continue
            break
        star = _STAR_DECORATION_RE.match(s, i, end) if i < end and s[i] in "^_*⋆∗" else None
        if star is not None and s[i] == "*" and (mode == "code" or (start > 0 and s[start - 1] == "*")):
            star = None               # ``x *= 2`` in code, ``*x* = 5`` in Markdown: not a star mark
        if star is not None:
            parts.append("opt")       # N^*, N_*, N* =: the optimal N
            i = star.end()
        parts[1:] = ["opt" if p in ("*", "ast", "star") else p for p in parts[1:]]
        full = "_".join(p for p in parts if p)
        self._emit_name(full, start, i, mode, out, base=base, origin=origin, has_subs=len(parts) > 1)
        return i

    def _emit_name(self, full: str, start: int, end: int, mode: str, out: list[_Tok], *, base: str | None = None,
                   origin: str = "code", has_subs: bool = False, whole: bool = False) -> None:
        known = self.ctx.known
        base = full if base is None else base
        if full in known or whole:
            out.append(_Tok(NAME, full, start, end, "known" if full in known else "multi"))
            return
        if origin in ("greek", "wrapper"):
            out.append(_Tok(NAME, full, start, end))
            return
        if origin == "text":
            out.append(_Tok(NAME, full, start, end, "multi" if len(base) > 1 else ""))
            return
        if len(base) == 1:
            out.append(_Tok(NAME, full, start, end))
            return
        low = base.lower()
        if not has_subs and low in _FUNCS:
            out.append(_Tok(FUNC, _FUNCS[low], start, end))
            return
        if base in _LATEX_GREEK and base not in ("ell",):
            canon = "_".join([_LATEX_GREEK[base]] + full.split("_")[1:]) if has_subs else _LATEX_GREEK[base]
            out.append(_Tok(NAME, canon, start, end))
            return
        if mode == "code":
            out.append(_Tok(NAME, full, start, end, "multi"))
            return
        letters_only = base.isalpha()
        if mode == "latex" and letters_only:
            # LaTeX reads ``mkl`` as m·k·l; the last letter keeps the subscripts.
            for k, ch in enumerate(base[:-1]):
                out.append(_Tok(NAME, ch, start + k, start + k + 1))
            last = base[-1] + full[len(base):]
            out.append(_Tok(NAME, last, start + len(base) - 1, end))
            return
        if mode == "plain" and letters_only and not has_subs and all(ch in self.ctx.single_letters for ch in base):
            # Prose ``4mkl`` where m, k, l are the target's symbols: a product, not a word.
            for k, ch in enumerate(base):
                out.append(_Tok(NAME, ch, start + k, start + k + 1))
            return
        out.append(_Tok(WORD, full, start, end))

    # -- LaTeX commands -------------------------------------------------------------------
    def _group_after(self, k: int, end: int) -> tuple[int, int] | None:
        s = self.s
        while k < end and s[k] == " ":
            k += 1
        if k < end and s[k] == "{":
            return _balanced(s, k, end)
        return None

    def _command(self, i: int, end: int, mode: str, out: list[_Tok]) -> int:
        s = self.s
        m = _CMD_RE.match(s, i, end)
        if m is None:
            out.append(_Tok(SEP, "\\", i, i + 1))
            return i + 1
        cmd = m.group(1)
        j = m.end()
        if cmd in _LATEX_GREEK:
            return self._finish_name(_LATEX_GREEK[cmd], "greek", i, j, end, mode, out)
        if cmd in ("frac", "dfrac", "tfrac", "cfrac"):
            stop = self._derivative("frac", i, end, out)
            if stop is not None:
                return stop
            out.append(_Tok(FRAC, "frac", i, j))
            k = j
            while k < end and s[k] == " ":
                k += 1
            if k + 1 < end and "0" <= s[k] <= "9" and "0" <= s[k + 1] <= "9":  # \frac12
                out.append(_Tok(NUM, s[k], k, k + 1))
                out.append(_Tok(NUM, s[k + 1], k + 1, k + 2))
                return k + 2
            return j
        if cmd in _LATEX_FUNCS:
            out.append(_Tok(FUNC, _FUNCS[cmd], i, j))
            return j
        if cmd == "partial":
            stop = self._derivative("partial", i, end, out)
            if stop is not None:
                return stop
        if cmd == "nabla":
            stop = self._derivative("nabla", i, end, out)   # \nabla_A L is dL/dA
            if stop is not None:
                return stop
        if cmd in _LATEX_MULT:
            out.append(_Tok(OP, "*", i, j))
            return j
        if cmd == "div":
            out.append(_Tok(OP, "/", i, j))
            return j
        if cmd in _LATEX_NORM:
            out.append(_Tok(NORM, "‖", i, j))
            return self._skip_norm_subscript(j, end)
        if cmd in ("{", "}"):
            out.append(_Tok(LP if cmd == "{" else RP, "{" if cmd == "{" else "}", i, j))
            return j
        if cmd in ("top", "intercal"):
            out.append(_Tok(TR, "T", i, j))
            return j
        if cmd in _LATEX_SKIP or cmd == "_":
            if cmd in ("left", "right", "middle") or cmd.startswith(("big", "Big")):
                if j < end and s[j] == ".":
                    return j + 1
                if cmd == "middle":
                    out.append(_Tok(SEP, "|", i, j))
            return j
        if cmd in _LATEX_SEP:
            if cmd in ("tag", "label"):
                span = self._group_after(j, end)
                if span is not None:
                    j = span[1] + 1
            out.append(_Tok(SEP, cmd, i, j))
            return j
        if cmd in _LATEX_REL:
            out.append(_Tok(REL, cmd, i, j))
            return j
        if cmd in _LATEX_ASSIGN:
            out.append(_Tok(ASSIGN, cmd, i, j))
            return j
        if cmd in ("begin", "end"):
            span = self._group_after(j, end)
            if span is None:
                out.append(_Tok(BAD, cmd, i, j))
                return j
            env = s[span[0]:span[1]].strip().rstrip("*")
            out.append(_Tok(SEP if env in _LATEX_ENVS_OK else BAD, env, i, span[1] + 1))
            return span[1] + 1
        if cmd in _LATEX_ACCENTS or cmd in _LATEX_NAME_WRAPPERS or cmd in _LATEX_TEXT_WRAPPERS:
            return self._wrapper(cmd, i, j, end, mode, out)
        out.append(_Tok(BAD, "\\" + cmd, i, j))
        return j

    def _wrapper(self, cmd: str, i: int, j: int, end: int, mode: str, out: list[_Tok]) -> int:
        """``\\hat{\\beta}``, ``\\mathbf{c}``, ``\\text{std}``, ``\\text{ where }`` and friends."""
        s = self.s
        span = self._group_after(j, end)
        if span is None:
            if cmd in _LATEX_ACCENTS:  # \hat\beta, \hat x
                k = j
                while k < end and s[k] == " ":
                    k += 1
                inner: list[_Tok] = []
                if k < end:
                    stop = _CMD_RE.match(s, k, end).end() if s[k] == "\\" else k + 1
                    _Lexer(s, self.ctx, self.depth + 1).lex(k, stop, "latex", inner)
                    if len(inner) == 1 and inner[0].kind == NAME:
                        return self._finish_name(inner[0].value + "_" + _LATEX_ACCENTS[cmd], "wrapper", i, stop,
                                                 end, mode, out)
            out.append(_Tok(BAD, "\\" + cmd, i, j))
            return j
        a, b = span
        content = s[a:b]
        after = b + 1
        stripped = content.strip()
        if cmd in _LATEX_TEXT_WRAPPERS:
            if re.fullmatch(r"[A-Za-z]+", stripped) and content == stripped:
                if stripped.lower() in _FUNCS and cmd == "operatorname":
                    out.append(_Tok(FUNC, _FUNCS[stripped.lower()], i, after))
                    return after
                if stripped == "T":
                    out.append(_Tok(NAME, "T", i, after))
                    return after
                return self._finish_name(stripped, "text", i, after, end, mode, out)
            if not stripped or re.search(r"[A-Za-z]{2,}\s+[A-Za-z]", stripped) or not re.search(r"[\\_^{}0-9]",
                                                                                                stripped):
                out.append(_Tok(WORD, stripped or " ", i, after))
                return after
        inner = []
        _Lexer(s, self.ctx, self.depth + 1).lex(a, b, "latex" if mode != "code" else "code", inner)
        names = [t for t in inner if t.kind == NAME]
        if len(inner) == 1 and inner[0].kind == NAME:
            name = inner[0].value
            if cmd in _LATEX_ACCENTS:
                name = f"{name}_{_LATEX_ACCENTS[cmd]}"
            return self._finish_name(name, "wrapper", i, after, end, mode, out)
        if cmd in _LATEX_TEXT_WRAPPERS and len(inner) > 0 and len(names) == 0:
            out.append(_Tok(WORD, stripped, i, after))
            return after
        if cmd in _LATEX_ACCENTS:
            out.append(_Tok(BAD, "\\" + cmd, i, after))
            return after
        out.append(_Tok(LP, "{", a - 1, a))
        out.extend(inner)
        out.append(_Tok(RP, "}", b, b + 1))
        return after

    _NORM_SUB_RE = _lazy_re(r"(?:_|\\_)(?:\{\s*[A-Za-z0-9]{1,3}\s*\}|[A-Za-z0-9])|[₀-₉]")

    def _skip_norm_subscript(self, j: int, end: int) -> int:
        """Skip the ``_2`` of ``‖c‖_2``: which norm it is does not change the formula we compare."""
        m = self._NORM_SUB_RE.match(self.s, j, end)
        return m.end() if m else j

    # -- Unicode superscripts, operators, punctuation ------------------------------------------
    def _superscript(self, i: int, end: int, mode: str, out: list[_Tok]) -> int:
        s = self.s
        j = i
        chars = []
        while j < end and s[j] in _SUPERSCRIPTS:
            chars.append(_SUPERSCRIPTS[s[j]])
            j += 1
        text = "".join(chars)
        if text == "T":
            out.append(_Tok(TR, "T", i, j))
            return j
        inner: list[_Tok] = []
        _Lexer(text, _LexContext(self.ctx.known, self.ctx.single_letters), self.depth + 1).lex(0, len(text), "code",
                                                                                               inner)
        out.append(_Tok(OP, "^", i, i))
        out.append(_Tok(LP, "(", i, i))
        for tok in inner:
            out.append(_Tok(tok.kind, tok.value, i, j, tok.flag))
        out.append(_Tok(RP, ")", j, j))
        return j

    def _caret(self, i: int, j: int, end: int, mode: str, out: list[_Tok]) -> int:
        """``^`` or ``**`` at ``s[i:j]``: a transpose (``^T``, ``^\\top``) or a power."""
        m = (_CARET_T_LATEX if mode == "latex" else _CARET_T_TEXT).match(self.s, j, end)
        if m is None and mode != "latex":
            m = _CARET_T_COMMAND.match(self.s, j, end)
        if m is not None and self.s[i] == "^":
            out.append(_Tok(TR, "T", i, m.end()))
            return m.end()
        out.append(_Tok(OP, "^", i, j))
        return j

    def _stars(self, i: int, end: int, mode: str, out: list[_Tok]) -> int:
        s = self.s
        j = i
        while j < end and s[j] == "*":
            j += 1
        n = j - i
        if mode == "plain":
            # Markdown emphasis (``**Fix:**``, ``*σ*``, a ``* `` bullet) vs multiplication/power:
            # an operator has the same spacing on both sides and operands next to it.
            prev = s[i - 1] if i > 0 else " "
            nxt = s[j] if j < end else " "
            if n > 2 or prev.isspace() != nxt.isspace():
                return j
            pk = i - 1
            while pk >= 0 and s[pk].isspace():
                pk -= 1
            nk = j
            while nk < end and s[nk].isspace():
                nk += 1
            pc = s[pk] if pk >= 0 else " "
            nc = s[nk] if nk < end else " "
            if not (pc.isalnum() or pc in ")]}_" or pc in _UNICODE_GREEK or pc in _SUPERSCRIPTS) or not (
                    nc.isalnum() or nc in "([{-.\\√_" or nc in _UNICODE_GREEK):
                return j
        if n == 1:
            out.append(_Tok(OP, "*", i, j))
            return j
        if n == 2:
            return self._caret(i, j, end, mode, out)
        out.append(_Tok(BAD, "***", i, j))
        return j

    def _symbol(self, c: str, i: int, end: int, mode: str, out: list[_Tok]) -> int:
        s = self.s
        nxt = s[i + 1] if i + 1 < end else ""
        if c == "*":
            return self._stars(i, end, mode, out)
        if c == "^":
            return self._caret(i, i + 1, end, mode, out)
        if c in "+":
            if nxt == "=":
                out.append(_Tok(BAD, "+=", i, i + 2))
                return i + 2
            out.append(_Tok(OP, "+", i, i + 1))
            return i + 1
        if c in "-−":
            if nxt == ">":
                out.append(_Tok(REL, "->", i, i + 2))
                return i + 2
            if nxt == "=":
                out.append(_Tok(BAD, "-=", i, i + 2))
                return i + 2
            out.append(_Tok(OP, "-", i, i + 1))
            return i + 1
        if c == "–":  # en dash: a minus in formulas, a dash in prose
            out.append(_Tok(SEP if mode == "plain" else OP, "-", i, i + 1))
            return i + 1
        if c in "/÷⁄∕":
            if c == "/" and nxt == "/":
                out.append(_Tok(BAD, "//", i, i + 2))
                return i + 2
            out.append(_Tok(OP, "/", i, i + 1))
            return i + 1
        if c in _MULT_CHARS:
            out.append(_Tok(OP, "*", i, i + 1))
            return i + 1
        if c == "@":  # Python's matrix product, also seen in prose
            out.append(_Tok(OP, "*", i, i + 1))
            return i + 1
        if c == "=":
            if nxt in "=>":
                out.append(_Tok(REL, c + nxt, i, i + 2))
                return i + 2
            out.append(_Tok(ASSIGN, "=", i, i + 1))
            return i + 1
        if c == ":":
            if nxt == "=":
                out.append(_Tok(ASSIGN, ":=", i, i + 2))
                return i + 2
            out.append(_Tok(SEP, ":", i, i + 1))
            return i + 1
        if c == "<":
            if nxt == "-":
                out.append(_Tok(ASSIGN, "<-", i, i + 2))
                return i + 2
            out.append(_Tok(REL, "<", i, i + 1 + (nxt == "=")))
            return i + 1 + (nxt == "=")
        if c == ">":
            out.append(_Tok(REL, ">", i, i + 1 + (nxt == "=")))
            return i + 1 + (nxt == "=")
        if c == "!":
            if nxt == "=":
                out.append(_Tok(REL, "!=", i, i + 2))
                return i + 2
            out.append(_Tok(SEP, "!", i, i + 1))
            return i + 1
        if c == "~":
            if mode != "latex":
                out.append(_Tok(REL, "~", i, i + 1))
            return i + 1
        if c in _REL_CHARS:
            out.append(_Tok(REL, c, i, i + 1))
            return i + 1
        if c in _ASSIGN_CHARS:
            out.append(_Tok(ASSIGN, _ASSIGN_CHARS[c], i, i + 1))
            return i + 1
        if c in "([{":
            out.append(_Tok(LP, c, i, i + 1))
            return i + 1
        if c in ")]}":
            out.append(_Tok(RP, c, i, i + 1))
            return i + 1
        if c == ",":
            out.append(_Tok(COMMA, ",", i, i + 1))
            return i + 1
        if c == "|":
            if nxt == "|":
                out.append(_Tok(NORM, "‖", i, i + 2))
                return self._skip_norm_subscript(i + 2, end)
            out.append(_Tok(SEP, "|", i, i + 1))
            return i + 1
        if c in "‖∥":
            out.append(_Tok(NORM, "‖", i, i + 1))
            return self._skip_norm_subscript(i + 1, end)
        if c == "&":
            if mode != "latex":
                out.append(_Tok(SEP, "&", i, i + 1))
            return i + 1
        if c == "√":
            out.append(_Tok(FUNC, "sqrt", i, i + 1))
            return i + 1
        if c == "∛":
            out.append(_Tok(FUNC, "cbrt", i, i + 1))
            return i + 1
        if c in _SUBSCRIPTS or c in _COMBINING:
            return i + 1
        if c == "⊤":
            out.append(_Tok(TR, "T", i, i + 1))
            return i + 1
        if c == "∂":
            stop = self._derivative("∂", i, end, out)
            if stop is not None:
                return stop
        if c == "∇":
            stop = self._derivative("nabla", i, end, out)   # ∇_A L is dL/dA
            if stop is not None:
                return stop
        if c in _BAD_CHARS:
            out.append(_Tok(BAD, c, i, i + 1))
            return i + 1
        if c == "_":
            out.append(_Tok(BAD if mode == "latex" else SEP, "_", i, i + 1))
            return i + 1
        cat = unicodedata.category(c)
        if cat.startswith("N"):
            frac = unicodedata.normalize("NFKC", c)
            m = re.fullmatch(r"([0-9]+)⁄([0-9]+)", frac)
            if m:
                out.extend([_Tok(LP, "(", i, i), _Tok(NUM, m.group(1), i, i + 1), _Tok(OP, "/", i, i + 1),
                            _Tok(NUM, m.group(2), i, i + 1), _Tok(RP, ")", i + 1, i + 1)])
            else:
                out.append(_Tok(BAD, c, i, i + 1))
            return i + 1
        if cat.startswith("L"):
            m = _WORD_RE.match(s, i, end)
            stop = m.end() if m and m.end() > i else i + 1
            out.append(_Tok(WORD, s[i:stop], i, stop))
            return stop
        if cat.startswith("Z"):
            return i + 1
        if cat == "Sm":
            out.append(_Tok(BAD, c, i, i + 1))
            return i + 1
        out.append(_Tok(SEP, c, i, i + 1))
        return i + 1


def _derivative_name(numerator: str, denominator: str) -> str:
    """The canonical name of a derivative: ``dL/dc_0`` for ∂L/∂c₀, dL/dc_{0}, \\partial L/\\partial c_0."""
    def canon(symbol: str) -> str:
        return _canon_spelling(_DIGIT_SUFFIX_RE.sub(r"\1_\2", symbol))   # dc0 is dc_0

    return f"d{canon(numerator)}/d{canon(denominator)}"


def _upper_case_quantity(name: str) -> bool:
    """Whether a name denotes a matrix in non-commutative mode: upper case (``W_Q``), or a
    derivative with respect to an upper-case name (``dL/dW``)."""
    if name[:1].isupper():
        return True
    if name.startswith("d") and "/d" in name:
        return name.rpartition("/d")[2][:1].isupper()
    return False


def _canon_fragment(text: str) -> str:
    """Canonical spelling of a subscript's content: ``\\text{model}`` → model, ``Q,K`` → QK."""
    text = re.sub(r"\\(?:text|mathrm|textrm|mathit|mathbf|boldsymbol|bm|mathsf|operatorname|textit|textbf)\s*",
                  "", text)
    text = re.sub(r"\\rm\b\s*", "", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _LATEX_GREEK.get(m.group(1), m.group(1)), text)
    text = "".join(_UNICODE_GREEK.get(ch, _SUBSCRIPTS.get(ch, ch)) for ch in text)
    text = text.replace("\\_", "_").replace("{", "").replace("}", "").replace("\\", "")
    text = re.sub(r"[\s,]+", "", text)
    return re.sub(r"[^A-Za-z0-9_+\-*]", "", text).strip("_")


# ---------------------------------------------------------------------------------------
# Parser: tokens → a small AST of tuples (independent of sympy, so targets are checked
# at construction without importing it)
# ---------------------------------------------------------------------------------------
#   ("num", "0.5") ("name", "d_model") ("const", "pi"|"E") ("neg", a) ("add", a, b)
#   ("sub", a, b) ("mul", a, b) ("div", a, b) ("pow", a, b) ("func", f, a) ("T", a) ("norm", a)


class _Parser:
    """Recursive-descent parser with implicit multiplication and bounded depth.

    ``parse()`` reads the longest expression starting at ``pos``; when a binary operator
    is not followed by an operand it backs off to before the operator, so the caller can
    see that the expression did not end cleanly and refuse it.
    """

    def __init__(self, toks: list[_Tok], pos: int, target_symbols: frozenset[str] = frozenset(),
                 mode: str = "latex", strict_calls: bool = True) -> None:
        self.toks = toks
        self.pos = pos
        self.depth = 0
        self.nodes = 0
        self.norm_depth = 0
        self.target_symbols = target_symbols
        self.mode = mode
        # In answers' code, ``f(x)`` with an unknown ``f`` is a call we cannot read; in a
        # target, ``k(m + l)`` is a product.
        self.strict_calls = strict_calls
        self._end = _Tok(END, "", toks[-1].end if toks else 0, toks[-1].end if toks else 0)

    def peek(self, k: int = 0) -> _Tok:
        j = self.pos + k
        return self.toks[j] if j < len(self.toks) else self._end

    def node(self, *parts: Any) -> tuple:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise _Pathological("expression too long")
        return tuple(parts)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise _Pathological("expression nested too deeply")

    def parse(self) -> tuple:
        return self.sum()

    def sum(self) -> tuple:
        left = self.term()
        while True:
            t = self.peek()
            if t.kind == OP and t.value in "+-":
                save = self.pos
                self.pos += 1
                try:
                    right = self.term()
                except _Pathological:
                    raise
                except _ParseFail:
                    self.pos = save
                    break
                left = self.node("add" if t.value == "+" else "sub", left, right)
            else:
                break
        return left

    def term(self) -> tuple:
        left = self.unary()
        while True:
            t = self.peek()
            save = self.pos
            if t.kind == OP and t.value in "*/":
                self.pos += 1
                try:
                    right = self.unary()
                except _Pathological:
                    raise
                except _ParseFail:
                    self.pos = save
                    break
                left = self.node("mul" if t.value == "*" else "div", left, right)
            elif self.starts_implicit_factor(t):
                try:
                    right = self.power()
                except _Pathological:
                    raise
                except _ParseFail:
                    self.pos = save
                    break
                left = self.node("mul", left, right)
            else:
                break
        return left

    def starts_implicit_factor(self, t: _Tok) -> bool:
        if t.kind in (NAME, FUNC, FRAC):
            return True
        if t.kind == LP:
            return True
        if t.kind == NORM:
            return self.norm_depth == 0
        return False

    def unary(self) -> tuple:
        t = self.peek()
        if t.kind == OP and t.value in "+-":
            self.pos += 1
            self.enter()
            try:
                operand = self.unary()
            finally:
                self.depth -= 1
            return operand if t.value == "+" else self.node("neg", operand)
        return self.power()

    def power(self) -> tuple:
        base = self.postfix(self.atom())
        t = self.peek()
        if t.kind == OP and t.value == "^":
            save = self.pos
            self.pos += 1
            try:
                exponent = self.exponent()
            except _Pathological:
                raise
            except _ParseFail:
                self.pos = save
                return base
            return self.postfix(self.node("pow", base, exponent))
        return base

    def exponent(self) -> tuple:
        t = self.peek()
        self.enter()
        try:
            if t.kind == OP and t.value in "+-":
                self.pos += 1
                inner = self.exponent()
                return inner if t.value == "+" else self.node("neg", inner)
            return self.power()
        finally:
            self.depth -= 1

    def postfix(self, base: tuple) -> tuple:
        while self.peek().kind == TR:
            self.pos += 1
            base = self.node("T", base)
        return base

    def group(self) -> tuple:
        """An operand of ``\\frac``/``\\sqrt``: a braced group or a single token."""
        t = self.peek()
        if t.kind == LP and t.value == "{":
            return self.atom()
        if t.kind in (NUM, NAME):
            self.pos += 1
            return self.leaf(t)
        if t.kind == FRAC or (t.kind == FUNC and t.value == "sqrt"):
            return self.atom()
        raise _ParseFail("expected a group")

    def leaf(self, t: _Tok) -> tuple:
        if t.kind == NUM:
            return self.node("num", t.value)
        name = t.value
        if t.flag == "const":
            return self.node("const", "pi" if name == "pi" else "E")
        if name == "pi" and name not in self.target_symbols:
            return self.node("const", "pi")
        return self.node("name", name)

    def atom(self) -> tuple:
        t = self.peek()
        kind = t.kind
        if kind == NUM:
            self.pos += 1
            return self.leaf(t)
        if kind == NAME:
            return self.name_atom(t)
        if kind == LP:
            closer = {"(": ")", "[": "]", "{": "}"}[t.value]
            self.pos += 1
            self.enter()
            saved_norm = self.norm_depth
            self.norm_depth = 0
            try:
                inner = self.sum()
            finally:
                self.depth -= 1
                self.norm_depth = saved_norm
            close = self.peek()
            if close.kind != RP or close.value != closer:
                raise _ParseFail("unbalanced bracket")
            self.pos += 1
            return inner
        if kind == NORM and self.norm_depth == 0:
            self.pos += 1
            self.enter()
            self.norm_depth += 1
            try:
                inner = self.sum()
            finally:
                self.depth -= 1
                self.norm_depth -= 1
            if self.peek().kind != NORM:
                raise _ParseFail("unclosed norm")
            self.pos += 1
            return self.node("norm", inner)
        if kind == FRAC:
            self.pos += 1
            self.enter()
            try:
                num = self.group()
                den = self.group()
            finally:
                self.depth -= 1
            return self.node("div", num, den)
        if kind == FUNC:
            return self.func_atom(t)
        raise _ParseFail(f"unexpected {t.value!r}")

    def name_atom(self, t: _Tok) -> tuple:
        self.pos += 1
        nxt = self.peek()
        if nxt.kind == LP and nxt.value == "(":
            if t.value == "e" and "e" not in self.target_symbols:
                pass
            elif t.flag == "multi" or (self.mode == "code" and self.strict_calls
                                       and t.value not in self.target_symbols and t.flag != "known"):
                raise _ParseFail(f"call of unknown function {t.value!r}")
            # ``\mu(x)``: dependence on an input, not a product, when ``x`` is not a target symbol.
            a, b = self.peek(1), self.peek(2)
            if (t.value in self.target_symbols and a.kind == NAME and a.value not in self.target_symbols
                    and b.kind == RP and b.value == ")" and len(a.value.split("_")[0]) == 1
                    and a.value[0].islower()):
                self.pos += 3
        if t.value == "e" and "e" not in self.target_symbols and self.peek().kind == OP and self.peek().value == "^":
            return self.node("const", "E")
        return self.leaf(t)

    def func_atom(self, t: _Tok) -> tuple:
        self.pos += 1
        name = t.value
        self.enter()
        try:
            index = None
            nxt = self.peek()
            if name == "sqrt" and nxt.kind == LP and nxt.value == "[" and self.mode == "latex":
                self.pos += 1
                index = self.sum()
                close = self.peek()
                if close.kind != RP or close.value != "]":
                    raise _ParseFail("bad root index")
                self.pos += 1
                nxt = self.peek()
            if nxt.kind == LP and nxt.value in "({":
                closer = ")" if nxt.value == "(" else "}"
                self.pos += 1
                args = [self.sum()]
                while self.peek().kind == COMMA and nxt.value == "(":
                    self.pos += 1
                    args.append(self.sum())
                close = self.peek()
                if close.kind != RP or close.value != closer:
                    raise _ParseFail("unbalanced call")
                self.pos += 1
            elif self.mode == "code" and name not in ("sqrt", "cbrt"):
                raise _ParseFail(f"{name} without parentheses")
            elif nxt.kind in (NAME, NUM, FRAC, FUNC, NORM, LP):
                # ``√d_model``, ``\log n``: the function applies to the next atom only.
                args = [self.postfix(self.atom())]
            else:
                raise _ParseFail(f"{name} without an argument")
        finally:
            self.depth -= 1
        if name == "pow":
            if len(args) != 2:
                raise _ParseFail("pow takes two arguments")
            return self.node("pow", args[0], args[1])
        if name == "dot":
            if len(args) != 2:
                raise _ParseFail("dot takes two arguments")
            return self.node("mul", self.node("T", args[0]), args[1])
        if len(args) != 1:
            raise _ParseFail(f"{name} takes one argument")
        arg = args[0]
        if index is not None:
            return self.node("pow", arg, self.node("div", ("num", "1"), index))
        if name == "rsqrt":
            return self.node("pow", arg, ("neg", ("div", ("num", "1"), ("num", "2"))))
        if name == "norm":
            return self.node("norm", arg)
        return self.node("func", name, arg)


# ---------------------------------------------------------------------------------------
# AST utilities: rendering, guards, symbol collection
# ---------------------------------------------------------------------------------------
_PREC = {"add": 1, "sub": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5, "T": 6, "num": 9, "name": 9, "const": 9,
         "func": 9, "norm": 9}


def _render(ast: tuple) -> str:
    """A readable, Python-like rendering of an AST (used in messages and as a key)."""
    kind = ast[0]
    if kind == "num":
        return ast[1]
    if kind == "name":
        return ast[1]
    if kind == "const":
        return ast[1]
    if kind == "func":
        return f"{ast[1]}({_render(ast[2])})"
    if kind == "norm":
        return f"‖{_render(ast[1])}‖"
    if kind == "T":
        return f"{_wrap(ast[1], 6)}^T"
    if kind == "neg":
        return f"-{_wrap(ast[1], 3)}"
    op = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "**"}[kind]
    prec = _PREC[kind]
    left = _wrap(ast[1], prec if kind != "pow" else prec + 1)
    right = _wrap(ast[2], prec + (0 if kind in ("add", "mul", "pow") else 1))
    return f"{left}{op}{right}"


def _wrap(ast: tuple, prec: int) -> str:
    text = _render(ast)
    return f"({text})" if _PREC[ast[0]] < prec else text


def _names(ast: tuple, out: set[str]) -> set[str]:
    kind = ast[0]
    if kind == "name":
        out.add(ast[1])
    elif kind in ("neg", "T", "norm"):
        _names(ast[1], out)
    elif kind == "func":
        _names(ast[2], out)
    elif kind in ("add", "sub", "mul", "div", "pow"):
        _names(ast[1], out)
        _names(ast[2], out)
    return out


def _transposed_lowercase(ast: tuple, out: set[str]) -> set[str]:
    """Lower-case names written with a transpose (``cᵀ``, ``c^T``, ``c^\\top``), and the
    lower-case name right after one (the ``b`` of ``aᵀb``, ``np.dot(a, b)``): vectors."""
    kind = ast[0]
    if kind == "T" and ast[1][0] == "name" and ast[1][1][:1].islower():
        out.add(ast[1][1])
    if kind == "mul" and ast[1][0] == "T" and ast[1][1][0] == "name" and ast[1][1][1][:1].islower() \
            and ast[2][0] == "name" and ast[2][1][:1].islower():
        out.add(ast[2][1])
    for child in ast[1:]:
        if isinstance(child, tuple):
            _transposed_lowercase(child, out)
    return out


def _has_transpose(ast: tuple) -> bool:
    kind = ast[0]
    if kind == "T":
        return True
    if kind in ("neg", "norm"):
        return _has_transpose(ast[1])
    if kind == "func":
        return _has_transpose(ast[2])
    if kind in ("add", "sub", "mul", "div", "pow"):
        return _has_transpose(ast[1]) or _has_transpose(ast[2])
    return False


def _size(ast: tuple) -> int:
    kind = ast[0]
    if kind in ("num", "name", "const"):
        return 1
    if kind == "func":
        return 1 + _size(ast[2])
    return 1 + sum(_size(a) for a in ast[1:] if isinstance(a, tuple))


def _guard(ast: tuple) -> float | None:
    """Refuse expressions whose evaluation could blow up; return the value if constant.

    Constant sub-expressions are folded in floating point (overflow is an error, not a
    hang), and every constant exponent must stay within ``_MAX_CONST_EXPONENT`` so that
    neither sympy nor CPython's integers ever compute something like ``10**10**10``.
    """
    kind = ast[0]
    if kind == "num":
        value = float(ast[1])
        if not math.isfinite(value) or abs(value) > _MAX_ABS_CONSTANT:
            raise _Pathological(f"number {ast[1]} is too large")
        return value
    if kind == "const":
        return math.pi if ast[1] == "pi" else math.e
    if kind == "name":
        return None
    if kind in ("neg", "T", "norm"):
        inner = _guard(ast[1])
        if inner is None:
            return None
        return -inner if kind == "neg" else (abs(inner) if kind == "norm" else inner)
    if kind == "func":
        inner = _guard(ast[2])
        if inner is None:
            return None
        try:
            return _apply_func(ast[1], inner)
        except (_EvalError, ValueError, OverflowError):
            return None
    a, b = _guard(ast[1]), _guard(ast[2])
    if kind == "pow":
        if b is not None and abs(b) > _MAX_CONST_EXPONENT:
            raise _Pathological("exponent is too large")
        if a is None or b is None:
            return None
        try:
            value = math.pow(a, b)
        except OverflowError:
            raise _Pathological("power is too large") from None
        except (ValueError, ZeroDivisionError):
            return None
    else:
        if a is None or b is None:
            return None
        try:
            value = {"add": a + b, "sub": a - b, "mul": a * b}.get(kind)
            if kind == "div":
                value = a / b if b != 0 else None
        except OverflowError:
            raise _Pathological("constant is too large") from None
    if value is not None and (not math.isfinite(value) or abs(value) > _MAX_ABS_CONSTANT):
        raise _Pathological("constant is too large")
    return value


def _max_symbolic_exponent(ast: tuple) -> float:
    """The largest constant exponent applied to a non-constant base in ``ast``."""
    kind = ast[0]
    best = 0.0
    if kind == "pow":
        try:
            base_const = _guard(ast[1]) is not None
            exponent = _guard(ast[2])
        except _ParseFail:
            return math.inf
        if not base_const and exponent is not None:
            best = abs(exponent)
    for child in ast[1:]:
        if isinstance(child, tuple):
            best = max(best, _max_symbolic_exponent(child))
    return best


def _apply_func(name: str, x: float) -> float:
    if name == "sqrt":
        if x < 0:
            raise _EvalError("sqrt of a negative number")
        return math.sqrt(x)
    if name == "cbrt":
        return math.copysign(abs(x) ** (1 / 3), x)
    if name == "exp":
        if x > 700:
            raise _EvalError("exp overflow")
        return math.exp(x)
    if name in ("log", "log2", "log10"):
        if x <= 0:
            raise _EvalError("log of a non-positive number")
        return {"log": math.log, "log2": math.log2, "log10": math.log10}[name](x)
    if name == "abs":
        return abs(x)
    if name in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
        if name in ("sinh", "cosh") and abs(x) > 700:
            raise _EvalError("overflow")
        return getattr(math, name)(x)
    raise _EvalError(f"unknown function {name}")


# ---------------------------------------------------------------------------------------
# Finding candidate expressions in an answer
# ---------------------------------------------------------------------------------------
class _Candidate:
    """An expression found in the answer, with where it is and what it is assigned to."""

    __slots__ = ("ast", "start", "end", "lhs", "lhs_start", "rhs_end", "negated", "bound", "mode", "result")

    def __init__(self, ast: tuple, start: int, end: int, lhs: tuple[str, ...], lhs_start: int | None,
                 mode: str) -> None:
        self.ast = ast
        self.start = start
        self.end = end
        self.lhs = lhs
        self.lhs_start = lhs_start
        self.rhs_end: int | None = None  # end of a name it is bound to on its right (``W_O W_V = W_OV``)
        self.mode = mode
        self.negated: str | None = None
        self.bound = False
        self.result: tuple[str, str] | None = None  # (status, method)

    @property
    def evidence_end(self) -> int:
        """Where the statement ends: after the name on the right of ``W_O W_V = W_OV``."""
        return self.end if self.rhs_end is None else max(self.end, self.rhs_end)

    def evidence(self, answer: str) -> str:
        start = self.lhs_start if self.lhs_start is not None else self.start
        return answer[start:self.evidence_end]


_FENCE_RE = _lazy_re(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_SPAN_RE = _lazy_re(
    r"(?P<dd>\$\$(?P<dd_body>.{1,6000}?)\$\$)"
    r"|(?P<br>\\\[(?P<br_body>.{1,6000}?)\\\])"
    r"|(?P<env>\\begin\{(?P<env_name>equation|align|aligned|gather|multline|displaymath)\*?\}"
    r"(?P<env_body>.{1,6000}?)\\end\{(?P=env_name)\*?\})"
    r"|(?P<pa>\\\((?P<pa_body>.{1,2000}?)\\\))"
    r"|(?P<d>(?<![\\$])\$(?!\$)(?P<d_body>(?:\\.|[^$\n\\]){1,1000}?)\$)"
    r"|(?P<bt>(?P<ticks>`{1,2})(?P<bt_body>[^`\n]{1,2000}?)(?P=ticks))",
    re.S,
)
_LIST_MARKER_RE = _lazy_re(r"[ \t]*(?:(?:[-*+•▪◦]|\d{1,3}[.)]|\(?[a-zA-Z]{1,4}\)|#{1,6}|>+)[ \t]+)+")


def _units(answer: str, deadline: Deadline) -> Iterable[tuple[list[tuple[str, int, int]], dict]]:
    """Split the answer into units (a line of prose with its inline spans, one code line, a
    display-math block with the prose around it), each a list of ``(mode, start, end)`` pieces.
    The dict carries what negation detection needs for code lines."""
    pos = 0
    length = len(answer)
    in_fence = False
    fence_lang = ""
    fence_mark = ""
    text_start: int | None = None
    prev_code_comment = ""
    while pos < length:
        deadline.check()
        nl = answer.find("\n", pos)
        line_end = length if nl < 0 else nl
        nxt = line_end + 1
        line = answer[pos:line_end]
        m = _FENCE_RE.match(line) if ("```" in line[:8] or "~~~" in line[:8]) else None
        if m and (not in_fence or m.group(1)[0] == fence_mark[:1]):
            if text_start is not None:
                yield from _text_units(answer, text_start, pos, deadline)
                text_start = None
            if in_fence:
                in_fence = False
            else:
                in_fence, fence_lang, fence_mark = True, (m.group(2) or "").lower(), m.group(1)
                prev_code_comment = ""
            pos = nxt
            continue
        if in_fence:
            info = {"code": True, "diff_removed": False, "comment": "", "prev_comment": prev_code_comment}
            code_start = pos
            body = line
            if fence_lang == "diff" and body[:1] in "+-" and not body.startswith(("+++", "---")):
                info["diff_removed"] = body[:1] == "-"
                code_start += 1
            hash_at = _comment_start(answer, code_start, line_end)
            pieces: list[tuple[str, int, int]] = []
            if hash_at is None:
                pieces.append(("code", code_start, line_end))
            else:
                pieces.append(("code", code_start, hash_at))
                pieces.append(("plain", hash_at + 1, line_end))
                info["comment"] = answer[hash_at + 1:line_end]
            code_text = answer[code_start:hash_at if hash_at is not None else line_end]
            prev_code_comment = info["comment"] if not code_text.strip() else ""
            for chunk in _chunk_pieces(pieces):
                yield chunk, info
            pos = nxt
            continue
        if text_start is None:
            text_start = pos
        pos = nxt
    if text_start is not None:
        yield from _text_units(answer, text_start, length, deadline)


def _comment_start(s: str, i: int, end: int) -> int | None:
    quote = ""
    while i < end:
        c = s[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "#":
            return i
        i += 1
    return None


def _chunk_pieces(pieces: list[tuple[str, int, int]]) -> Iterable[list[tuple[str, int, int]]]:
    """Cut overlong pieces at whitespace so no unit exceeds ``_MAX_UNIT_CHARS``."""
    total = sum(e - s for _, s, e in pieces)
    if total <= _MAX_UNIT_CHARS:
        yield pieces
        return
    for mode, s, e in pieces:
        while e - s > _MAX_UNIT_CHARS:
            yield [(mode, s, s + _MAX_UNIT_CHARS)]
            s += _MAX_UNIT_CHARS
        if e > s:
            yield [(mode, s, e)]


def _text_units(answer: str, start: int, end: int, deadline: Deadline) -> Iterable[tuple[list, dict]]:
    """Units of a stretch of Markdown outside code fences."""
    info = {"code": False}
    pieces: list[tuple[str, int, int]] = []
    size = 0

    def plain(a: int, b: int) -> Iterable[tuple[list, dict]]:
        nonlocal pieces, size
        while a < b:
            nl = answer.find("\n", a, b)
            stop = b if nl < 0 else nl
            if not pieces:
                m = _LIST_MARKER_RE.match(answer, a, stop)
                if m:
                    a = m.end()
            if stop > a:
                pieces.append(("plain", a, stop))
                size += stop - a
            if nl < 0:
                break
            if pieces:
                for chunk in _chunk_pieces(pieces):
                    yield chunk, info
            pieces, size = [], 0
            a = nl + 1

    cursor = start
    for m in _SPAN_RE.finditer(answer, start, end):
        deadline.check()
        yield from plain(cursor, m.start())
        kind = m.lastgroup
        if kind == "dd":
            pieces.append(("latex", m.start("dd_body"), m.end("dd_body")))
        elif kind == "br":
            pieces.append(("latex", m.start("br_body"), m.end("br_body")))
        elif kind == "env":
            pieces.append(("latex", m.start("env_body"), m.end("env_body")))
        elif kind == "pa":
            pieces.append(("latex", m.start("pa_body"), m.end("pa_body")))
        elif kind == "d":
            pieces.append(("latex", m.start("d_body"), m.end("d_body")))
        else:
            pieces.append(("code", m.start("bt_body"), m.end("bt_body")))
        size += m.end() - m.start()
        cursor = m.end()
        if size > _MAX_UNIT_CHARS:
            for chunk in _chunk_pieces(pieces):
                yield chunk, info
            pieces, size = [], 0
    yield from plain(cursor, end)
    if pieces:
        for chunk in _chunk_pieces(pieces):
            yield chunk, info


#: Words that link a name to the expression after it in prose ("std of 1/√d", "std is ...").
_CONNECTORS = {"of", "is", "be", "equals", "equal", "to", "as", "becomes", "become", "should", "must",
               "will", "would", "now", "then", "set", "being", "was", "are"}
_NOT_LHS_WORDS = {"the", "a", "an", "it", "this", "that", "which", "and", "or", "with", "of"}


#: Relations that may bind an expression to its left-hand side when the case opts in
#: (``relations=("=", "∝")``); ``=`` (and ``:=``, ``←``) always binds.
_RELATION_SPELLINGS = {
    "=": "=", "equals": "=", ":=": "=",
    "∝": "∝", "propto": "∝", "\\propto": "∝", "proportional": "∝",
    "≈": "≈", "≃": "≈", "≅": "≈", "approx": "≈", "\\approx": "≈", "simeq": "≈", "approxeq": "≈",
    "thickapprox": "≈", "approximately": "≈",
    "~": "~", "∼": "~", "sim": "~", "\\sim": "~",
}


def _binds_as(tok: _Tok, relations: frozenset[str]) -> bool:
    """Whether ``tok`` ties what follows it to the name before it (``=``, or an opted-in relation)."""
    if tok.kind == ASSIGN:
        return True
    return tok.kind == REL and _RELATION_SPELLINGS.get(tok.value) in relations


def _lhs_name_index(toks: list[_Tok], n: int) -> int:
    """``N_opt(C) =``: the index of the name before an argument list ending at ``n``, else ``n``."""
    if toks[n].kind != RP or toks[n].value != ")":
        return n
    m = n - 1
    while m >= 0 and n - m <= 8 and toks[m].kind in (NAME, NUM, COMMA):
        m -= 1
    if m >= 1 and m < n - 1 and toks[m].kind == LP and toks[m].value == "(" and toks[m - 1].kind == NAME:
        return m - 1
    return n


def _is_prose_word(tok: _Tok, math_names: frozenset[str]) -> bool:
    """Whether a NAME token is an English word read as a name only because a case listed it
    (``bound_to=("L", "logits")`` makes "logits" a name): "The logits L = …" names L, while
    ``k L = …`` (a product) names nothing."""
    value = tok.value
    return (tok.kind == NAME and len(value) >= 3 and value.isalpha() and value.islower()
            and value not in math_names and value not in _FUNCS and value not in _LATEX_GREEK)


def _binding(toks: list[_Tok], i: int, chains: dict[int, tuple[tuple[str, ...], int | None]],
             relations: frozenset[str] = frozenset({"="}),
             math_names: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], int | None]:
    """The name(s) the expression starting at token ``i`` is assigned to, and where that starts."""
    k = i - 1
    while k >= 0 and toks[k].kind == SPAN:
        k -= 1
    if k < 0:
        return (), None
    if _binds_as(toks[k], relations):
        n = k - 1
        while n >= 0 and toks[n].kind == SPAN:
            n -= 1
        if n >= 0:
            n = _lhs_name_index(toks, n)
        if n >= 0 and toks[n].kind in (NAME, WORD):
            before = n - 1
            while before >= 0 and toks[before].kind == SPAN:
                before -= 1
            if before < 0 or toks[before].kind in _BOUNDARIES or toks[before].kind == LP or (
                    toks[before].kind == WORD) or _is_prose_word(toks[before], math_names):
                return (toks[n].value,), toks[n].start
        return chains.get(k, ((), None))
    # Prose: "<name> [is|of|to|...] <expression>" and "<name>: <expression>".
    saw = False
    while k >= 0 and ((toks[k].kind == WORD and toks[k].value.lower() in _CONNECTORS)
                      or (toks[k].kind == SEP and toks[k].value == ":") or toks[k].kind == SPAN):
        saw = saw or toks[k].kind != SPAN
        k -= 1
    if not saw or k < 0 or toks[k].kind not in (NAME, WORD):
        return (), None
    first = toks[k].value
    if first.lower() in _NOT_LHS_WORDS:
        return (), None
    names = [first]
    start = toks[k].start
    j = k - 1
    while j >= 0 and toks[j].kind == SPAN:
        j -= 1
    if j >= 0 and toks[j].kind in (NAME, WORD):
        names.append(f"{toks[j].value} {first}")
        start_two = toks[j].start
        return tuple(names), start_two if toks[j].value.lower() not in _NOT_LHS_WORDS else start
    return tuple(names), start


#: What may follow the name on the right of ``W_O W_V = W_OV`` for the name to stand alone there.
_AFTER_RIGHT_NAME = {END, SEP, COMMA, SPAN, WORD, RP, REL, ASSIGN}


def _bound_on_right(toks: list[_Tok], j: int, relations: frozenset[str]) -> _Tok | None:
    """The name an expression ending before token ``j`` is equated with on its right
    (``W_O W_V = W_OV``), when ``toks[j]`` is ``=`` (or an opted-in symmetric relation) and the
    name stands alone after it; else None.

    Directional assignments (``:=``, ``←``) and code (where ``=`` assigns right to left) do not
    count, and neither does a name that goes on (``= W_OV^T``, ``= W_OV x``, ``= f(x)``).
    """
    if j >= len(toks):
        return None
    relation = toks[j]
    if not (relation.kind == ASSIGN and relation.value == "=") and not (
            relation.kind == REL and _binds_as(relation, relations)):
        return None
    k = j + 1
    while k < len(toks) and toks[k].kind == SPAN:
        k += 1
    if k >= len(toks) or toks[k].kind != NAME or toks[k].flag == "const":
        return None
    after = toks[k + 1].kind if k + 1 < len(toks) else END
    return toks[k] if after in _AFTER_RIGHT_NAME else None


#: Words that make ``(a times b)`` arithmetic rather than a note about the formula before it.
_MATH_WORDS = {"times", "plus", "minus", "over", "divided", "multiplied", "squared", "cubed", "to", "by"}
#: Words that no formula holds: a bracket containing one is a sentence ("(W_OV is low rank)").
_LINKING_WORDS = {"is", "are", "was", "were", "has", "have", "being", "which", "where", "see", "note"}
_NOTE_LOOKAHEAD = 12   # tokens of a bracket inspected for prose; notes are short


def _opens_prose_note(answer: str, toks: list[_Tok], j: int) -> bool:
    """Whether the bracket at token ``j`` opens a prose note ("(a low-rank matrix)", "(the
    fix)", "(i.e. …)", "(W_OV is d×d)") that ends the formula before it, rather than a factor.

    A note starts with a word, with "e.g."/"i.e.", or with the article "a" and holds a
    non-arithmetic word before it closes; or it holds a linking word ("is", "has", "which").
    A bracket that reads as math (``(m + l)``, ``(a times b)``, ``(T tokens)``) still makes the
    formula before it unreadable, so a formula is never cut to a prefix that happens to match.
    """
    if toks[j].kind != LP or toks[j].value not in "([" or j + 1 >= len(toks):
        return False
    first = toks[j + 1]
    if first.kind == WORD:
        return True
    second = toks[j + 2] if j + 2 < len(toks) else None
    if second is None:
        return False
    # ``e.g.`` and ``i.e.`` lex as a dotted name (``e.g`` like ``np.sqrt``) and a full stop.
    if first.kind == NAME and answer[first.start:first.end].lower() in ("e.g", "i.e") and second.value == ".":
        return True
    article = first.kind == NAME and first.value in ("a", "A") and second.kind != OP
    for tok in toks[j + 1:j + 1 + _NOTE_LOOKAHEAD]:
        if tok.kind in (RP, LP, SEP):
            break
        if tok.kind == WORD:
            word = tok.value.lower()
            if word in _LINKING_WORDS or (article and word not in _MATH_WORDS):
                return True
    return False


def _scan_unit(answer: str, pieces: list[tuple[str, int, int]], ctx: _LexContext,
               target_symbols: frozenset[str], found: list[_Candidate], bad: list[tuple[int, int, str]]) -> None:
    """Tokenize one unit and record every cleanly ending expression in it."""
    toks: list[_Tok] = []
    lexer = _Lexer(answer, ctx)
    modes: list[str] = []
    for mode, a, b in pieces:
        if toks:
            toks.append(_Tok(SPAN, "", a, a))
            modes.append(mode)
        before = len(toks)
        lexer.lex(a, b, mode, toks)
        modes.extend([mode] * (len(toks) - before))
    n = len(toks)
    if not n:
        return
    i = 0
    run_start = True
    chains: dict[int, tuple[tuple[str, ...], int | None]] = {}
    while i < n:
        ctx.tick()
        t = toks[i]
        if t.kind in _BOUNDARIES:
            run_start = True
            i += 1
            continue
        if run_start and (t.kind in _STARTERS or (t.kind == OP and t.value in "+-")):
            mode = modes[i]
            parser = _Parser(toks, i, target_symbols, mode)
            reason = ""
            try:
                ast = parser.parse()
                j = parser.pos
                _guard(ast)
            except _ParseFail as exc:
                ast, j, reason = None, max(parser.pos, i + 1), str(exc)
            stop = toks[j] if j < n else None
            clean = ast is not None and (
                stop is None or stop.kind in _TERMINATORS
                or (mode == "plain" and _opens_prose_note(answer, toks, j)))
            if clean:
                # A lone name before ``=`` is the left-hand side, not a candidate.
                is_lhs = ast[0] == "name" and stop is not None and _binds_as(stop, ctx.relations)
                lhs, lhs_start = _binding(toks, i, chains, ctx.relations, ctx.math_names)
                if stop is not None and _binds_as(stop, ctx.relations) and lhs and not is_lhs:
                    chains[j] = (lhs, lhs_start)  # ``x = a = b``: b is assigned to x too
                if not is_lhs and len(found) < _MAX_CANDIDATES:
                    cand = _Candidate(ast, t.start, toks[j - 1].end, lhs, lhs_start, mode)
                    right = _bound_on_right(toks, j, ctx.relations) if mode != "code" else None
                    if right is not None and right.value not in lhs:
                        cand.lhs, cand.rhs_end = lhs + (right.value,), right.end
                    found.append(cand)
                i = j
                run_start = False
                continue
            if len(bad) < 20:
                end_char = toks[min(j, n - 1)].end
                why = reason or (f"stopped at {stop.value!r}" if stop is not None else "incomplete")
                bad.append((t.start, max(end_char, t.end), why))
            i = max(j, i + 1)
            run_start = False
            continue
        run_start = False
        i += 1


# ---------------------------------------------------------------------------------------
# Negated or contrasted context
# ---------------------------------------------------------------------------------------
_CLAUSE_BREAK_RE = _lazy_re(
    r"[.;!?](?:\s|$)|,|\n|\b(?:but|when|whenever|if|so|because|since|where|which|then|thus|hence|therefore|"
    r"whereas|while|however)\b", re.I)
_NEG_BEFORE_RE = _lazy_re(
    r"\b(?:not|never|no\s+longer|instead\s+of|rather\s+than|as\s+opposed\s+to|without|avoid\w*|"
    r"\w+n't|cannot|wrong(?:ly)?|incorrect(?:ly)?|buggy|bug:|original|old|unlike|nor|neither|"
    r"mistaken(?:ly)?|erroneous(?:ly)?|false)\b|❌|✗|✘", re.I)
_NOT_ONLY_RE = _lazy_re(r"\bnot\s+(?:only|just|merely)\b", re.I)
_NEG_AFTER_RE = _lazy_re(
    r"^[\s`$)*]*(?:\(\s*(?:wrong|incorrect|bad|buggy|bug|old|original)\s*\)"
    r"|\(\s*(?:a|an|the|this\s+is)\s+(?:wrong|incorrect|bad|buggy|bug|old|original|mistake|typo)\b"
    r"|[—–-]?\s*(?:is|was|would\s+be|will\s+be|"
    r"are|were|'s)\s+(?:\w+\s+){0,2}?(?:wrong|incorrect|bad|buggy|the\s+bug|a\s+bug|the\s+problem|the\s+issue|"
    r"a\s+mistake|not\s+(?:correct|right|the\s+fix|it|enough))|(?:is|was|are|were|would)\s+not\b|isn't|wasn't|"
    r"aren't|won't\s+work|doesn't\s+work|does\s+not\s+work|❌|✗|✘|[—–-]\s*(?:wrong|incorrect))", re.I)
_COMMENT_NEG_RE = _lazy_re(r"\b(?:wrong|incorrect|bug|buggy|old|before|original|don't|do\s+not|not|avoid|"
                             r"problem|bad|broken|was)\b", re.I)
_COMMENT_POS_RE = _lazy_re(r"\b(?:fix|fixed|fixes|correct|new|after|solution|should\s+be|now|good|right)\b",
                             re.I)


def _negation_cue(answer: str, cand: _Candidate, info: dict) -> str | None:
    """The phrase that negates or contrasts the candidate, if any (None when it is asserted)."""
    start = cand.lhs_start if cand.lhs_start is not None else cand.start
    line_start = answer.rfind("\n", 0, start) + 1
    line_end = answer.find("\n", cand.evidence_end)
    line_end = len(answer) if line_end < 0 else line_end
    if info.get("code") and cand.mode == "code":
        if info.get("diff_removed"):
            return "a removed diff line"
        for comment in (info.get("comment", ""), info.get("prev_comment", "")):
            if comment and _COMMENT_NEG_RE.search(comment) and not _COMMENT_POS_RE.search(comment):
                return f"#{comment.strip()}"
        return None
    before = answer[max(line_start, start - 300):start]
    breaks = list(_CLAUSE_BREAK_RE.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    words = before.split()
    window = " ".join(words[-6:])
    window_clean = _NOT_ONLY_RE.sub(" ", window)
    m = _NEG_BEFORE_RE.search(window_clean)
    if m:
        return window.strip()
    after = answer[cand.evidence_end:min(line_end, cand.evidence_end + 120)]
    m = _NEG_AFTER_RE.search(after)
    if m:
        return after[:m.end()].strip()
    return None


# ---------------------------------------------------------------------------------------
# Numeric evaluation (floats, 3×3 matrices for non-commutative symbols, 3×1 columns for vectors)
# ---------------------------------------------------------------------------------------
def _is_matrix(v: Any) -> bool:
    return isinstance(v, tuple)


def _shape(a: tuple) -> tuple[int, int]:
    return len(a), len(a[0])


def _mat_mul(a: tuple, b: tuple) -> tuple:
    if _shape(a)[1] != _shape(b)[0]:
        raise _EvalError("matrix shapes do not agree")  # c c (a column times a column) is not defined
    inner = len(b)
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(inner)) for j in range(len(b[0])))
                 for i in range(len(a)))


def _mat_inv(a: tuple) -> tuple:
    if _shape(a) != (3, 3):
        raise _EvalError("only a square matrix has an inverse")  # 1/c for a vector c is not defined
    (p, q, r), (s, t, u), (v, w, x) = a
    det = p * (t * x - u * w) - q * (s * x - u * v) + r * (s * w - t * v)
    if abs(det) < 1e-9:
        raise _EvalError("singular matrix")
    adj = ((t * x - u * w, r * w - q * x, q * u - r * t),
           (u * v - s * x, p * x - r * v, r * s - p * u),
           (s * w - t * v, q * v - p * w, p * t - q * s))
    return tuple(tuple(c / det for c in row) for row in adj)


def _combine(kind: str, a: Any, b: Any) -> Any:
    value = _combine_values(kind, a, b)
    if _is_matrix(value) and _shape(value) == (1, 1):
        return value[0][0]   # cᵀc is a number
    return value


def _combine_values(kind: str, a: Any, b: Any) -> Any:
    ma, mb = _is_matrix(a), _is_matrix(b)
    if kind in ("add", "sub"):
        if ma != mb:
            raise _EvalError("adding a matrix and a scalar")
        sign = 1.0 if kind == "add" else -1.0
        if ma and _shape(a) != _shape(b):
            raise _EvalError("adding matrices of different shapes")
        if ma:
            return tuple(tuple(x + sign * y for x, y in zip(ra, rb)) for ra, rb in zip(a, b))
        return a + sign * b
    if kind == "mul":
        if ma and mb:
            return _mat_mul(a, b)
        if ma or mb:
            m, k = (a, b) if ma else (b, a)
            return tuple(tuple(x * k for x in row) for row in m)
        return a * b
    if kind == "div":
        if mb:
            return _combine("mul", a, _mat_inv(b))
        if b == 0:
            raise _EvalError("division by zero")
        if ma:
            return tuple(tuple(x / b for x in row) for row in a)
        return a / b
    if kind == "pow":
        if mb:
            raise _EvalError("matrix exponent")
        if ma:
            if b != int(b) or abs(b) > 20 or _shape(a) != (3, 3):
                raise _EvalError("non-integer power or power of a non-square matrix")
            base = a if b >= 0 else _mat_inv(a)
            result = tuple(tuple(1.0 if i == j else 0.0 for j in range(3)) for i in range(3))
            for _ in range(abs(int(b))):
                result = _mat_mul(result, base)
            return result
        if a < 0 and b != int(b):
            raise _EvalError("fractional power of a negative number")
        if a == 0 and b < 0:
            raise _EvalError("division by zero")
        try:
            return math.pow(a, b)
        except (OverflowError, ValueError) as exc:
            raise _EvalError(str(exc)) from None
    raise _EvalError(kind)  # pragma: no cover


def _evaluate(ast: tuple, value_of: Callable[[tuple], Any], depth: int = 0) -> Any:
    if depth > 4 * _MAX_NESTING:
        raise _EvalError("too deep")
    kind = ast[0]
    if kind == "num":
        return float(ast[1])
    if kind == "const":
        return math.pi if ast[1] == "pi" else math.e
    if kind in ("name", "norm"):
        return value_of(ast)
    if kind == "neg":
        v = _evaluate(ast[1], value_of, depth + 1)
        return _combine("mul", v, -1.0)
    if kind == "T":
        v = _evaluate(ast[1], value_of, depth + 1)
        return tuple(zip(*v)) if _is_matrix(v) else v
    if kind == "func":
        v = _evaluate(ast[2], value_of, depth + 1)
        if _is_matrix(v):
            raise _EvalError("function of a matrix")
        return _apply_func(ast[1], v)
    a = _evaluate(ast[1], value_of, depth + 1)
    b = _evaluate(ast[2], value_of, depth + 1)
    value = _combine(kind, a, b)
    if not _is_matrix(value) and (not math.isfinite(value) or abs(value) > 1e250):
        raise _EvalError("overflow")
    return value


def _close(a: Any, b: Any) -> bool:
    if _is_matrix(a) != _is_matrix(b):
        return False
    if _is_matrix(a) and _shape(a) != _shape(b):
        return False
    if _is_matrix(a):
        return all(_close(x, y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    return abs(a - b) <= _REL_TOL * max(1.0, abs(a), abs(b))


# ---------------------------------------------------------------------------------------
# Running sympy without letting it hang the caller
# ---------------------------------------------------------------------------------------
class _Timeout(Exception):
    pass


class _Budget(Deadline):
    """A :class:`Deadline` that can also say how much time is left."""

    def __init__(self, seconds: float, what: str) -> None:
        super().__init__(seconds, what)
        self._stop = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._stop - time.monotonic()


def _run_bounded(func: Callable[[], Any], seconds: float) -> Any:
    """Run ``func`` in a daemon thread and wait at most ``seconds`` for it.

    Python cannot kill a thread, so a runaway sympy call is abandoned (it keeps a CPU busy
    until it finishes) but the caller always gets control back. The guards in
    :func:`_guard` keep big-integer arithmetic, which would hold the GIL, out of sympy.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, name="hwcheck-expression", daemon=True)
    worker.start()
    worker.join(max(0.01, seconds))
    if worker.is_alive():
        raise _Timeout(f"sympy took longer than {seconds:.1f}s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# ---------------------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------------------
def _as_names(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value]


_DIGIT_SUBSCRIPT_RE = _lazy_re(r"([A-Za-z]+)_([0-9]{1,3})")
_DIGIT_SUFFIX_RE = _lazy_re(r"^([A-Za-z])([0-9]{1,3})$")


def _digit_aliases(symbols: Iterable[str]) -> dict[str, list[str]]:
    """``C0`` for ``C_0``, ``c1`` for ``c_1``: a subscript digit written right after the letter."""
    out: dict[str, list[str]] = {}
    for symbol in symbols:
        m = _DIGIT_SUBSCRIPT_RE.fullmatch(symbol)
        if m:
            out[symbol] = [m.group(1) + m.group(2)]
    return out


def _canon_spelling(spelling: str) -> str:
    """The canonical name of a spelling (``d_{\\text{model}}`` → d_model, ``σ`` → sigma);
    multi-word spellings ("standard deviation") are kept as lower-case words."""
    text = spelling.strip()
    toks: list[_Tok] = []
    _Lexer(text, _LexContext(set(), set())).lex(0, len(text), "code", toks)
    toks = [t for t in toks if t.kind != SPAN]
    if len(toks) == 1 and toks[0].kind in (NAME, WORD, FUNC):
        return toks[0].value
    if toks and all(t.kind in (NAME, WORD) for t in toks) and " " in text:
        return " ".join(t.value for t in toks).lower()
    return text


_RELATION_BEFORE_RE = _lazy_re(r"([≈∝~∼≃]|\\(?:propto|approx|sim|simeq))(?:[\s$`(\[{]|\\left|\\[Bb]igg?l?)*\Z")
_OPTIMAL_SUFFIX_RE = _lazy_re(r"_(?:opt|optimal|star|ast|\\*)$", re.I)


def _optimal_canon(name: str) -> str:
    """``N_optimal``, ``N_star``, ``N_*`` → ``N_opt``: one spelling of "the optimal N" for binding."""
    return _OPTIMAL_SUFFIX_RE.sub("_opt", name.strip())


def _parse_relations(relations: str | Iterable[str] | None) -> frozenset[str]:
    """The relations that bind (``"="`` always does) from ``relations=("=", "∝")`` and friends."""
    out = {"="}
    for spelling in _as_names(relations):
        key = _RELATION_SPELLINGS.get(str(spelling).strip())
        if key is None:
            key = _RELATION_SPELLINGS.get(str(spelling).strip().lower())
        if key is None:
            raise ValueError(f"unknown relation {spelling!r}; use '=', '∝' (proportional), '≈' (approx) or '~' (sim)")
        out.add(key)
    return frozenset(out)


def _parse_target(text: str, what: str) -> tuple:
    toks: list[_Tok] = []
    _Lexer(text, _LexContext(set(), set())).lex(0, len(text), "code", toks)
    if not toks:
        raise ValueError(f"{what} {text!r} is empty")
    parser = _Parser(toks, 0, frozenset(), "code", strict_calls=False)
    try:
        ast = parser.parse()
        _guard(ast)
    except _ParseFail as exc:
        raise ValueError(f"{what} {text!r} could not be parsed: {exc}") from None
    if parser.pos != len(toks):
        raise ValueError(f"{what} {text!r} could not be parsed past {toks[parser.pos].value!r}")
    return ast


class _Expression(Matcher):
    name = "expression"

    def __init__(self, target: str, *, aliases: Mapping[str, Iterable[str] | str] | None,
                 bound_to: str | Iterable[str] | None, variables: Mapping[str, str] | Iterable[str] | None,
                 noncommutative: bool | None, timeout: float, relations: str | Iterable[str] | None) -> None:
        super().__init__(target=target, aliases=aliases, bound_to=bound_to, variables=variables,
                         noncommutative=noncommutative, timeout=None if timeout == 2.0 else timeout,
                         relations=relations)
        self.relations = _parse_relations(relations)
        if not isinstance(target, str) or not target.strip():
            raise ValueError("expression() needs the target formula as a non-empty string")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.target_text = target
        self.timeout = float(timeout)
        self.target_ast = _parse_target(target, "target")
        self.target_symbols = frozenset(_names(self.target_ast, set()))
        self.noncommutative = _has_transpose(self.target_ast) if noncommutative is None else bool(noncommutative)

        # Definitions (``variables={"‖c‖": "sqrt(c_0**2 + c_1**2)"}``) and extra whole names.
        self.definitions: dict[str, tuple] = {}
        extra_names: set[str] = set()
        if isinstance(variables, Mapping):
            for key, definition in variables.items():
                key_ast = _parse_target(str(key), "variable name")
                if key_ast[0] not in ("name", "norm"):
                    raise ValueError(f"variable {key!r} must be a name or a norm like '‖c‖'")
                self.definitions[_render(key_ast)] = _parse_target(str(definition), f"definition of {key!r}")
                if key_ast[0] == "name":
                    extra_names.add(key_ast[1])
        elif variables is not None:
            extra_names.update(_canon_spelling(v) for v in _as_names(variables))

        # Alias map: canonical answer spelling → target symbol.
        merged: dict[str, list[str]] = {k: list(v) for k, v in DEFAULT_ALIASES.items()}
        for key, spellings in _digit_aliases(self.target_symbols).items():
            merged.setdefault(key, []).extend(spellings)
        for key, spellings in (aliases or {}).items():
            merged.setdefault(key, []).extend(_as_names(spellings))
        self.alias_map: dict[str, str] = {}
        alias_spellings: set[str] = set()
        protected = self.target_symbols | set(self.definitions)
        for key, spellings in merged.items():
            canon_key = _canon_spelling(key)
            for spelling in spellings:
                canon = _canon_spelling(spelling)
                alias_spellings.add(canon)
                if canon != canon_key and canon not in protected:
                    self.alias_map.setdefault(canon, canon_key)

        # Names an expression may be bound to.
        self.bound_names = [b for b in _as_names(bound_to)]
        binding: set[str] = set()
        for b in self.bound_names:
            canon = _canon_spelling(b)
            group = {canon, b.strip()}
            for table in (DEFAULT_BINDING_ALIASES, merged):
                for key, spellings in table.items():
                    names = {_canon_spelling(key)} | {_canon_spelling(s) for s in _as_names(spellings)}
                    if canon in names:
                        group |= names
            binding |= group
        self.binding = {_optimal_canon(b).casefold() for b in binding}

        self.known = (set(self.target_symbols) | alias_spellings | extra_names | set(self.alias_map)
                      | {b for b in binding if " " not in b} | {"pi"})
        self.single_letters = {s for s in self.target_symbols if len(s) == 1}
        self.target_vectors = frozenset(_transposed_lowercase(self.rename(self.target_ast), set()))
        self._sympy_targets: dict[frozenset[str], Any] = {}
        self._expected: str | None = None
        self._sympy_lock = threading.Lock()

    # -- names --------------------------------------------------------------------------
    def binds(self, lhs: str) -> bool:
        """Whether a left-hand side names one of ``bound_to`` (``N^*`` and ``N_{opt}(C)`` name
        ``N_opt``; a starred ``\\hat\\beta^*`` also names ``beta_hat``)."""
        canon = _optimal_canon(lhs).casefold()
        return canon in self.binding or (canon.endswith("_opt") and canon[:-4] in self.binding)

    def resolve(self, node: tuple, seen: frozenset[str] = frozenset()) -> tuple:
        """What a name or norm in an answer stands for: ("sym", name) or ("def", ast)."""
        if node[0] == "norm":
            inner = self.rename(node[1])
            key = f"‖{_render(inner)}‖"
            if key in self.definitions and key not in seen:
                return ("def", self.definitions[key], key)
            return ("sym", key, None)
        name = node[1]
        for _ in range(8):  # follow alias chains, bounded
            if name in self.target_symbols:
                return ("sym", name, None)
            if name in self.definitions and name not in seen:
                return ("def", self.definitions[name], name)
            if name in self.alias_map:
                name = self.alias_map[name]
                continue
            base, _, sub = name.partition("_")
            if sub and base in self.target_symbols and sub.split("_")[0] in ("theta", "phi", "psi", "omega"):
                # ``μ_θ``, ``\sigma_{\theta_e}``: the parameter subscript marks dependence only.
                name = base
                continue
            break
        return ("sym", name, None)

    def rename(self, ast: tuple) -> tuple:
        """The AST with every name replaced by the target symbol it is an alias of."""
        kind = ast[0]
        if kind == "name":
            res = self.resolve(ast)
            return ("name", res[1]) if res[0] == "sym" else ast
        if kind in ("neg", "T", "norm"):
            return (kind, self.rename(ast[1]))
        if kind == "func":
            return (kind, ast[1], self.rename(ast[2]))
        if kind in ("add", "sub", "mul", "div", "pow"):
            return (kind, self.rename(ast[1]), self.rename(ast[2]))
        return ast

    def is_matrix(self, name: str, vectors: frozenset[str] = frozenset()) -> bool:
        """Whether a name is non-commutative: a vector (a lower-case name written with a
        transpose) or, in non-commutative mode, an upper-case matrix or the derivative with
        respect to one (``dL/dW`` has W's shape, so ``(∇_W L) Bᵀ`` is not ``Bᵀ (∇_W L)``);
        the rest are scalars."""
        return name in vectors or (self.noncommutative and _upper_case_quantity(name))

    def vectors_in(self, ast: tuple) -> frozenset[str]:
        """The vectors of a comparison: lower-case names transposed in the target or in ``ast``,
        so ``cᵀc`` is a dot product and never collapses to c²."""
        return self.target_vectors | frozenset(_transposed_lowercase(self.rename(ast), set()))

    # -- numeric comparison ---------------------------------------------------------------
    def _numeric(self, ast: tuple) -> str:
        """'equal', 'different' or 'unknown', from random positive points."""
        valid = 0
        vectors = self.vectors_in(ast)
        for point in range(_NUMERIC_POINTS):
            cache: dict[str, Any] = {}

            def value_of(node: tuple, seen: frozenset[str] = frozenset(), _cache: dict = cache,
                         _point: int = point) -> Any:
                res = self.resolve(node, seen)
                if res[0] == "def":
                    return _evaluate(res[1], lambda n: value_of(n, seen | {res[2]}))
                if node[0] == "norm" and vectors and _names(self.rename(node[1]), set()) & vectors:
                    # ‖c‖ of a vector is its length, so c/‖c‖² equals c/(cᵀc).
                    inner = _evaluate(node[1], lambda n: value_of(n, seen))
                    return math.sqrt(sum(x * x for row in inner for x in row)) if _is_matrix(inner) else abs(inner)
                name = res[1]
                if name not in _cache:
                    rng = random.Random(f"{_point}:{name}")
                    if name in vectors:
                        _cache[name] = tuple((rng.uniform(-1.5, 1.5),) for _ in range(3))
                    elif self.is_matrix(name):
                        _cache[name] = tuple(tuple(rng.uniform(-1.5, 1.5) for _ in range(3)) for _ in range(3))
                    else:
                        _cache[name] = rng.uniform(0.4, 2.6)
                return _cache[name]

            try:
                got = _evaluate(ast, value_of)
                want = _evaluate(self.target_ast, value_of)
            except (_EvalError, ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
                continue
            valid += 1
            if not _close(got, want):
                return "different"
        return "equal" if valid >= _NUMERIC_MIN_VALID else "unknown"

    # -- sympy ----------------------------------------------------------------------------
    def _to_sympy(self, ast: tuple, sympy: Any, seen: frozenset[str] = frozenset(), substitute: bool = True,
                  vectors: frozenset[str] = frozenset()) -> Any:
        """The sympy expression for an AST (``substitute=False`` keeps defined names as written)."""
        kind = ast[0]
        if kind == "num":
            return sympy.Rational(ast[1])
        if kind == "const":
            return sympy.pi if ast[1] == "pi" else sympy.E
        if kind in ("name", "norm"):
            res = self.resolve(ast, seen)
            if res[0] == "def":
                if not substitute:
                    name = res[2]
                    if self.is_matrix(name, vectors):
                        return sympy.Symbol(name, commutative=False)
                    return sympy.Symbol(name, positive=True)
                return self._to_sympy(res[1], sympy, seen | {res[2]}, vectors=vectors)
            name = res[1]
            if self.is_matrix(name, vectors):
                return sympy.Symbol(name, commutative=False)
            return sympy.Symbol(name, positive=True)
        if kind == "neg":
            return -self._to_sympy(ast[1], sympy, seen, substitute, vectors)
        if kind == "T":
            return self._transpose(self._to_sympy(ast[1], sympy, seen, substitute, vectors), sympy)
        if kind == "func":
            arg = self._to_sympy(ast[2], sympy, seen, substitute, vectors)
            name = ast[1]
            table = {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "sin": sympy.sin, "cos": sympy.cos,
                     "tan": sympy.tan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
                     "abs": sympy.Abs, "cbrt": sympy.cbrt}
            if name in table:
                return table[name](arg)
            if name == "log2":
                return sympy.log(arg, 2)
            if name == "log10":
                return sympy.log(arg, 10)
            raise _ParseFail(f"unknown function {name}")  # pragma: no cover
        a = self._to_sympy(ast[1], sympy, seen, substitute, vectors)
        b = self._to_sympy(ast[2], sympy, seen, substitute, vectors)
        if kind == "add":
            return a + b
        if kind == "sub":
            return a - b
        if kind == "mul":
            return a * b
        if kind == "div":
            return a / b
        return sympy.Pow(a, b)

    def _transpose(self, expr: Any, sympy: Any) -> Any:
        """Transpose by the usual rules; a matrix symbol X becomes a distinct symbol X^T."""
        if expr.is_commutative:
            return expr
        if expr.is_Symbol:
            name = expr.name
            return sympy.Symbol(name[:-2] if name.endswith("^T") else name + "^T", commutative=False)
        if expr.is_Add:
            return sympy.Add(*[self._transpose(a, sympy) for a in expr.args])
        if expr.is_Mul:
            return sympy.Mul(*[self._transpose(a, sympy) for a in reversed(expr.args)])
        if expr.is_Pow:
            return sympy.Pow(self._transpose(expr.base, sympy), expr.exp)
        raise _ParseFail(f"cannot transpose {expr}")

    def _target_sympy(self, sympy: Any, vectors: frozenset[str] = frozenset()) -> Any:
        with self._sympy_lock:
            if vectors not in self._sympy_targets:
                self._sympy_targets[vectors] = self._to_sympy(self.target_ast, sympy, vectors=vectors)
            return self._sympy_targets[vectors]

    def _symbolic(self, ast: tuple) -> tuple[bool, str | None]:
        """Whether candidate − target simplifies to 0, and, when it reduces to a nonzero
        number instead, that number (rendered): then the two certainly differ, however
        close they are in floating point (``3**27 + 1`` vs ``3**27``)."""
        import sympy

        vectors = self.vectors_in(ast)
        candidate = self._to_sympy(ast, sympy, vectors=vectors)
        target = self._target_sympy(sympy, vectors)
        diff = candidate - target
        if diff == 0:
            return True, None
        residue = sympy.expand(diff) if self.noncommutative or vectors else sympy.simplify(diff)
        if residue == 0:
            return True, None
        if residue.is_number and not residue.free_symbols and residue.evalf(30) != 0:
            return False, shorten(str(residue), 40)
        return False, None

    def _sympy_str(self, ast: tuple, seconds: float) -> str:
        def build() -> str:
            import sympy

            return str(self._to_sympy(ast, sympy, substitute=False, vectors=self.vectors_in(ast)))

        try:
            return _run_bounded(build, seconds)
        except Exception:  # noqa: BLE001 - fall back to our own rendering
            return _render(self.rename(ast))

    def compare(self, cand: _Candidate, deadline: "_Budget", symbolic: bool = True,
                memo: dict | None = None) -> tuple[str, str]:
        """('equivalent'|'different'|'unknown', how it was decided).

        ``memo`` holds results by formula for one check, so a formula repeated throughout an
        answer is compared once.
        """
        if memo is not None and cand.result is None and cand.ast in memo:
            cand.result = memo[cand.ast]
        if cand.result is not None and (cand.result[0] != "unknown" or not symbolic):
            return cand.result
        result = self._compare(cand, deadline, symbolic)
        if memo is not None and symbolic:
            memo[cand.ast] = result
        return result

    def _compare(self, cand: _Candidate, deadline: "_Budget", symbolic: bool) -> tuple[str, str]:
        numeric = self._numeric(cand.ast)
        if numeric == "different":
            cand.result = ("different", "differs at a random point")
            return cand.result
        if not symbolic:
            return (numeric if numeric == "unknown" else "equivalent", "numerically equal at random points")
        if numeric == "unknown" and not self.noncommutative and _max_symbolic_exponent(cand.ast) > 16:
            # It overflowed at every point: a high power of a sum, which simplify would expand
            # for a long time in a thread we can abandon but not stop.
            cand.result = ("unknown", "too large to evaluate or simplify")
            return cand.result
        seconds = max(0.05, min(self.timeout, deadline.remaining()))
        try:
            zero, constant = _run_bounded(lambda: self._symbolic(cand.ast), seconds)
        except _Timeout:
            zero, constant = None, None
            note = f"simplify timed out after {seconds:.1f}s"
        except Exception as exc:  # noqa: BLE001 - sympy may reject odd input; numerics decide
            zero, constant = None, None
            note = f"sympy failed ({type(exc).__name__})"
        else:
            how = "expand" if self.noncommutative or self.vectors_in(cand.ast) else "simplify"
            note = f"{how}(candidate - target) == 0" if zero else f"{how} did not reach 0"
        if zero:
            cand.result = ("equivalent", "symbolically equivalent: " + note)
        elif zero is False and constant:
            # An exact nonzero difference outweighs floating-point agreement.
            cand.result = ("different", f"candidate - target = {constant}, not 0")
        elif numeric == "equal":
            cand.result = ("equivalent", f"numerically equal at {_NUMERIC_POINTS} random points ({note})")
        elif zero is False:
            cand.result = ("different", note)
        else:
            cand.result = ("unknown", note)
        return cand.result

    # -- grading --------------------------------------------------------------------------
    def check(self, answer: str) -> Verdict:
        # A longer per-formula timeout stretches the whole budget in proportion (a forced budget too).
        budget = current_time_budget() * max(1.0, 2 * self.timeout / DEFAULT_TIME_BUDGET_S)
        deadline = _Budget(budget, f"expression() ran out of its {budget:.0f}s budget")
        import sympy  # noqa: F401 - imported here, once, so worker threads never race on the import

        if self._expected is None:
            self._expected = self._sympy_str(self.target_ast, self.timeout)
        expected = self._expected
        candidates, bad, incomplete = self._find(answer, deadline)
        if self.bound_names:
            for cand in candidates:
                matched = [n for n in cand.lhs if self.binds(n)]
                cand.bound = bool(matched)
                if matched:  # report "standard deviation", not just "deviation"
                    cand.lhs = (max(matched, key=len),) + tuple(n for n in cand.lhs if n not in matched)
        eligible = [c for c in candidates if (c.bound or not self.bound_names) and not c.negated]
        eligible.sort(key=lambda c: (not c.bound, c.start))
        checked = 0
        memo: dict[tuple, tuple[str, str]] = {}
        for cand in eligible:
            if deadline.expired():
                break
            checked += 1
            status, how = self.compare(cand, deadline, memo=memo)
            if status == "equivalent":
                found = self._sympy_str(cand.ast, self.timeout)
                where = f" assigned to {cand.lhs[0]}" if cand.bound else ""
                return Verdict.ok(
                    f"found {found}{where}, equivalent to {expected} ({how})",
                    evidence=cand.evidence(answer), expected=expected, found=found,
                    details={"span": [cand.start, cand.end], "method": how, "lhs": list(cand.lhs),
                             "candidates": len(candidates)},
                )
        if checked < len(eligible):
            ran_out = f"ran out of time after checking {checked} of {len(eligible)} expressions"
            incomplete = f"{incomplete}; {ran_out}" if incomplete else ran_out
        verdict = self._failure(answer, expected, candidates, eligible[:checked], bad, deadline, incomplete)
        if incomplete:
            # An unread formula might have been the right one: undecided, never a plain fail.
            return replace(verdict, passed=False, score=0.0, gave_up=True)
        return verdict

    def _find(self, answer: str, deadline: Deadline) -> tuple[list[_Candidate], list[tuple[int, int, str]], str]:
        """Every expression in the answer, and why reading stopped early ("" if it did not)."""
        ctx = _LexContext(self.known, self.single_letters, deadline, self.relations,
                          frozenset(self.target_symbols | set(self.alias_map) | set(self.definitions)))
        candidates: list[_Candidate] = []
        bad: list[tuple[int, int, str]] = []
        incomplete = ""
        try:
            for pieces, info in _units(answer, deadline):
                before = len(candidates)
                _scan_unit(answer, pieces, ctx, self.target_symbols, candidates, bad)
                for cand in candidates[before:]:
                    cand.negated = _negation_cue(answer, cand, info)
                if len(candidates) >= _MAX_CANDIDATES:
                    incomplete = f"stopped reading after {_MAX_CANDIDATES} expressions"
                    break
        except (MatcherTimeout, RecursionError):  # out of time, or input odd enough to recurse deeply
            incomplete = f"gave up reading after {deadline.seconds:.0f}s"
        return candidates, bad, incomplete

    def _failure(self, answer: str, expected: str, candidates: list[_Candidate], eligible: list[_Candidate],
                 bad: list[tuple[int, int, str]], deadline: Deadline, incomplete: str) -> Verdict:
        details: dict[str, Any] = {"candidates": len(candidates)}
        bound_desc = " or ".join(self.bound_names)
        gave_up = f" ({incomplete}; the answer was not fully checked)" if incomplete else ""

        # Equivalent expressions that did not count, and why: they explain a failure best.
        eligible_ids = {id(c) for c in eligible}
        for cand in candidates[:200]:
            if id(cand) in eligible_ids or deadline.expired():
                continue
            status, _ = self.compare(cand, deadline, symbolic=False)
            if status != "equivalent":
                continue
            found = self._sympy_str(cand.ast, min(self.timeout, 1.0))
            evidence = cand.evidence(answer)
            if cand.negated:
                why = (f"{found} is equivalent to {expected} but appears in a negated or contrasted clause "
                       f"({shorten(cand.negated, 60)!r})")
            else:
                assigned = f"assigned to {cand.lhs[0]}" if cand.lhs else "not assigned to anything"
                why = f"{found} is equivalent to {expected} but is {assigned}, not to {bound_desc}"
                relation = _RELATION_BEFORE_RE.search(answer, max(0, cand.start - 16), cand.start)
                if not cand.lhs and relation:
                    # Tell the case author why "N ∝ ..." did not bind, and how to let it.
                    why += (f" (it follows {relation.group(1)!r}, which binds only when the case lists it "
                            f"in relations=...)")
            return Verdict.fail(why + gave_up, evidence=evidence, expected=expected, found=found,
                                details={**details, "span": [cand.start, cand.end]})

        if eligible:
            cand = max(eligible, key=lambda c: self._closeness(c))
            found = self._sympy_str(cand.ast, min(self.timeout, 1.0))
            status = cand.result[0] if cand.result else "unknown"
            relation = "which is not equivalent to" if status == "different" else "which could not be shown equal to"
            where = f" assigned to {cand.lhs[0]}" if cand.bound else ""
            others = len(eligible) - 1
            more = f" ({others} other expression{'s' if others != 1 else ''} checked)" if others else ""
            return Verdict.fail(f"found {found}{where}, {relation} {expected}{more}{gave_up}",
                                evidence=cand.evidence(answer), expected=expected, found=found,
                                details={**details, "span": [cand.start, cand.end]})

        if self.bound_names:
            unbound = [c for c in candidates if not c.negated]
            hint = ""
            if unbound:
                c = max(unbound, key=lambda c: self._closeness(c))
                hint = f"; the closest other expression is {_render(self.rename(c.ast))} in {shorten(c.evidence(answer), 60)!r}"
            negated = [c for c in candidates if c.bound and c.negated]
            if negated:
                c = negated[0]
                return Verdict.fail(
                    f"the only expressions assigned to {bound_desc} are in negated or contrasted clauses "
                    f"(e.g. {shorten(c.evidence(answer), 60)!r}); expected {expected}{gave_up}",
                    evidence=c.evidence(answer), expected=expected, found=_render(self.rename(c.ast)),
                    details=details)
            return Verdict.fail(f"expected {bound_desc} = {expected}, but no expression assigned to {bound_desc} "
                                f"was found{hint}{gave_up}", expected=expected, details=details)

        if candidates:
            c = candidates[0]
            return Verdict.fail(
                f"expected an expression equivalent to {expected}; every expression found is in a negated or "
                f"contrasted clause (e.g. {shorten(c.evidence(answer), 60)!r}){gave_up}",
                evidence=c.evidence(answer), expected=expected, found=_render(self.rename(c.ast)), details=details)
        reason = ""
        if bad:
            a, b, why = bad[0]
            reason = f" (could not parse {shorten(answer[a:b], 60)!r}: {why})"
        return Verdict.fail(f"expected an expression equivalent to {expected}; nothing parseable was found"
                            f"{reason}{gave_up}", expected=expected, details=details)

    def _closeness(self, cand: _Candidate) -> tuple:
        """How likely a candidate is the answer's attempt at the target (for failure messages)."""
        names = _names(self.rename(cand.ast), set())
        shared = len(names & self.target_symbols)
        trivial = cand.ast[0] in ("num", "name", "const")
        return (cand.bound, shared, not trivial, -len(names - self.target_symbols), min(_size(cand.ast), 40),
                -cand.start)


def expression(target: str, *, aliases: Mapping[str, Iterable[str] | str] | None = None,
               bound_to: str | Iterable[str] | None = None,
               variables: Mapping[str, str] | Iterable[str] | None = None,
               noncommutative: bool | None = None, timeout: float = 2.0,
               relations: str | Iterable[str] | None = None) -> Matcher:
    """Pass when the answer states a formula equivalent to ``target``.

    ``target`` is written in Python/sympy syntax (``"d_model**-0.5"``, ``"mu + sigma*V"``,
    ``"4*k*(m + l)"``, ``"W_Q^T*W_K"``); every symbol is a positive real. The answer may
    write the formula as code, LaTeX, Unicode math or prose; see the module docstring.

    - ``aliases``: extra spellings of target symbols, ``{"d_model": ["d", "D"]}``, on top of
      :data:`DEFAULT_ALIASES` (``dmodel``, ``d_{\\text{model}}``, ``σ``/``\\sigma``...) and of
      the digit spellings every ``X_0``/``c_1`` target symbol gets (``X0``, ``c1``).
    - ``bound_to``: a name (or names) the formula must be assigned to: ``std=...``,
      ``\\sigma = ...``, ``normal_(std=...)``, "a standard deviation of ...". Other
      expressions do not count. :data:`DEFAULT_BINDING_ALIASES` lets ``std`` match ``σ``.
      A left-hand side may carry arguments (``N_opt(C) = ...``) and an optimality mark:
      ``N^*``, ``N^{\\star}``, ``N_*``, ``N* =`` and ``N_{opt}`` all name ``N_opt``, and a
      starred name also counts for the plain one (``\\hat\\beta^* =`` for ``beta_hat``).
      Derivatives are named ``dL/dc_0``: ``bound_to="dL/dc_0"`` (or ``"∂L/∂c_0"``,
      ``"\\frac{\\partial L}{\\partial c_0}"``) accepts ``∂L/∂c₀ = ...``,
      ``\\frac{\\partial L}{\\partial c_0} = ...`` and ``dL/dc_0 = ...`` alike, and ``∇_A L`` or
      ``\\nabla_A L`` is ``dL/dA``. A prose word before the left-hand side does not hide it
      ("The logits L = ..." binds to L), and a bound name standing alone on the right binds
      too (``W_O W_V = W_OV``; not ``:=``, ``←`` or code, which assign one way only).
    - ``relations``: relations besides ``=`` that also bind a formula to its left-hand side,
      e.g. ``relations=("=", "∝")`` (or ``"proportional"``) accepts ``N^* \\propto ...``;
      ``"≈"`` (``"approx"``) and ``"~"`` (``"sim"``) likewise. Off by default: ``N ≈ ...`` and
      ``N ∝ ...`` do not state what N equals. The formula is still compared exactly, so with
      ``∝`` write the target without the dropped prefactor.
    - ``variables``: a mapping of names (or norms such as ``"‖c‖"``) to definitions in the
      target's symbols, substituted before comparing (``{"‖c‖": "sqrt(c_0**2 + c_1**2)"}``),
      or a list of extra names to keep whole instead of reading them as products of letters.
    - ``noncommutative``: compare with matrix semantics (upper-case names and derivatives with
      respect to them, ``dL/dW``, are matrices; ``X^T`` is a transpose; order matters).
      Defaults to on when the target has a transpose. Lower-case names written with a
      transpose, in the target or the answer, are vectors either way (``cᵀc`` is a dot
      product, ``1/c`` is undefined).
    - ``timeout``: seconds allowed for each sympy step (simplification runs in a worker
      thread and is abandoned, not awaited, past this).

    Example: ``expression("d_model**-0.5", bound_to="std")`` passes
    ``normal_(mean=0, std=d_model ** -0.5)`` and ``$\\sigma = 1/\\sqrt{d_{model}}$`` and fails
    ``std = d_model ** 0.5`` ("found sqrt(d_model) assigned to std, which is not equivalent to
    1/sqrt(d_model)").
    """
    return _Expression(target, aliases=aliases, bound_to=bound_to, variables=variables,
                       noncommutative=noncommutative, timeout=timeout, relations=relations)
