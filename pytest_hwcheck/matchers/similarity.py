"""``similar()``: does some passage of the answer say what the reference statement says?

The answer is cut into sentences; every run of 1..``window`` consecutive
sentences is embedded and compared (cosine) with the reference statement, and
the best-matching passage is the evidence. The concept passes when that best
cosine reaches the threshold.

The threshold is either given (``threshold=0.6``) or calibrated from example
answers: each good and bad example is scored the same way (its best passage
against the reference) and the threshold is the midpoint between the lowest good
score and the highest bad score. When those overlap (some bad example scores at
least as high as some good one) similarity cannot separate them: the threshold is
put just above the highest bad score, so no bad example would pass, and every
verdict of the concept says it is *not separable*.

Embedding similarity measures topic, not truth: "forward KL is mode-seeking" and
"forward KL is mass-covering" are near neighbours. So ``similar()`` may not be the
only evidence for a concept: pass ``also=<matcher>`` (it must pass too; make it the
check that rejects the wrong twin, e.g. a keyword/negation matcher), or state
``topic_only=True`` when the concept really is only about the topic.
"""

from __future__ import annotations

import re
from operator import mul
from typing import Any, Sequence

from ..verdict import Verdict, shorten
from .base import Deadline, Matcher, as_matcher

#: At most this many passages of one answer are embedded. Embedding is the cost that no
#: deadline can interrupt (2,000 passages of a 1 MB answer took 30 s on 2 CPU cores; 512 short
#: ones take about 1 s), so the cap is what bounds similar() in time. When an answer has more
#: and none of the first ones matches, the matcher gives up rather than fail on a partial read.
MAX_PASSAGES = 512

#: A passage longer than this is cut before embedding (MiniLM reads ~256 tokens anyway).
MAX_PASSAGE_CHARS = 1000

#: Above any bad example by this much when good and bad examples overlap.
_NOT_SEPARABLE_MARGIN = 1e-6


# -- sentences -----------------------------------------------------------------------------------
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|\(?[a-zA-Z0-9]{1,4}\))\s+")
_TABLE_ROW = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^[\s|:\-+]*$")
# One pass over a paragraph finds math delimiters and candidate sentence ends together, so the
# scan is linear however the text is built ("$" * 10**5 or "a" * 10**5 + "!").
_SCAN = re.compile(r"\$\$|\\\[|\\\]|\\\(|\\\)|\$|\n|[.!?]+[\"'”’)\]*_]*[ \t\n]+")
_ABBREVIATIONS = {
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "fig.", "figs.", "eq.", "eqs.", "approx.", "resp.", "al.", "dr.",
    "mr.", "mrs.", "ms.", "no.", "sec.", "ch.", "p.", "pp.", "vol.", "viz.", "ca.", "st.", "ref.", "def.", "thm.",
}
_LAST_WORD = re.compile(r"(\S+)$")
# Only line-leading markers are dropped: "**" and "|" also occur inside code and math (d_model**-0.5, P||Q).
_MARKUP = re.compile(r"^\s{0,3}#{1,6}\s+|^\s*>\s?|^\s*(?:[-*+•]|\d{1,3}[.)])\s+", re.M)
_ENUMERATOR = re.compile(r"^\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)]$")


def _split_paragraph(paragraph: str, out: list[str]) -> None:
    """Append the sentences of one paragraph; never split inside $...$, $$...$$, \\[...\\] or \\(...\\)."""
    inline_math = display_math = False
    start = 0
    for match in _SCAN.finditer(paragraph):
        token = match.group()
        if token == "$$":
            display_math = not display_math
        elif token in ("\\[", "\\("):
            display_math = True
        elif token in ("\\]", "\\)"):
            display_math = False
        elif token == "$":
            inline_math = not inline_math
        else:  # a newline, or a candidate sentence end (which may end in a newline)
            in_math = inline_math or display_math
            if "\n" in token:
                inline_math = False  # inline math never spans lines: an unpaired "$5" must not eat the paragraph
            if token == "\n" or in_math:
                continue
            end = match.start() + len(token.rstrip())
            following = paragraph[match.end() : match.end() + 1]
            last_word = _LAST_WORD.search(paragraph, max(start, end - 20), end)
            if following and following.islower():
                continue  # "e.g. the" or "3. then": not a sentence end
            if last_word and last_word.group(1).lower().lstrip("(") in _ABBREVIATIONS:
                continue
            piece = paragraph[start:end].strip()
            if _ENUMERATOR.match(piece):
                continue  # "1. Compute ...": the list number is not a sentence
            if piece:
                out.append(piece)
            start = match.end()
    piece = paragraph[start:].strip()
    if piece:
        out.append(piece)


def split_sentences(text: str, deadline: Deadline | None = None) -> list[str]:
    """Sentences of a Markdown/LaTeX answer, as substrings of it (stripped).

    Headings, list items and table rows are units of their own; paragraphs are split
    at ``.``/``!``/``?`` followed by space (not after "e.g." and the like, not inside
    math); a fenced code block is one unit. The matcher uses the shared
    ``pytest_hwcheck.matchers.text.sentences`` and falls back on this one only when
    that module is missing.
    """
    out: list[str] = []
    paragraph: list[str] = []
    fence: list[str] | None = None

    def flush() -> None:
        if paragraph:
            _split_paragraph("\n".join(paragraph), out)
            paragraph.clear()

    for count, line in enumerate(text.splitlines()):
        if deadline is not None and count % 512 == 0:
            deadline.check()
        if fence is not None:
            if _FENCE.match(line):
                code = "\n".join(fence).strip()
                if code:
                    out.append(code)
                fence = None
            else:
                fence.append(line)
            continue
        if _FENCE.match(line):
            flush()
            fence = []
        elif not line.strip():
            flush()
        elif _TABLE_ROW.match(line):
            flush()
            if not _TABLE_RULE.match(line):
                out.append(line.strip())
        elif _HEADING.match(line):
            flush()
            out.append(line.strip())
        elif _LIST_ITEM.match(line):
            flush()
            paragraph.append(line)
        else:
            paragraph.append(line)
    if fence:
        code = "\n".join(fence).strip()
        if code:
            out.append(code)
    flush()
    return out


def _sentences(text: str, deadline: Deadline | None) -> list[str]:
    """The answer's sentences (original text), as every text matcher sees them: ``matchers.text.sentences``.

    :func:`split_sentences` is the fallback for a build without the shared text module.
    """
    try:
        from .text import sentences as shared
    except ImportError:  # pragma: no cover - the text module ships with the package
        return split_sentences(text, deadline)
    return [unit.text.strip() for unit in shared(text, deadline=deadline) if unit.text.strip()]


def embedding_text(passage: str) -> str:
    """What is embedded for a passage: line-leading Markdown markers, table pipes and extra spaces removed, length capped."""
    cleaned = _MARKUP.sub(" ", passage)
    if cleaned.lstrip().startswith("|"):  # a table row: cells become words
        cleaned = cleaned.replace("|", " ")
    cleaned = " ".join(cleaned.split())
    return cleaned[:MAX_PASSAGE_CHARS]


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# -- the matcher ---------------------------------------------------------------------------------
class _Passage:
    __slots__ = ("evidence", "text", "size")

    def __init__(self, evidence: str, text: str, size: int) -> None:
        self.evidence = evidence
        self.text = text
        self.size = size


class _Similar(Matcher):
    name = "similar"

    def __init__(self, reference: str, threshold: float | None, good: tuple[str, ...], bad: tuple[str, ...],
                 also: Matcher | None, topic_only: bool, window: int) -> None:
        super().__init__(reference=reference, threshold=threshold, good=list(good) or None, bad=list(bad) or None,
                         also=also, topic_only=topic_only or None, window=window if window != 2 else None)
        self.reference = reference
        self.reference_text = embedding_text(reference)
        self.threshold = threshold
        self.good = good
        self.bad = bad
        self.also = also
        self.topic_only = topic_only
        self.window = window
        self._calibration: dict[str, dict[str, Any]] = {}  # per embedding model

    # -- passages ---------------------------------------------------------------------------------
    def passages(self, answer: str, deadline: Deadline | None = None) -> tuple[list[_Passage], bool]:
        """Runs of 1..window consecutive sentences of ``answer`` (and whether the list was cut)."""
        sentences = [s for s in _sentences(answer, deadline) if _has_words(s)]
        out: list[_Passage] = []
        truncated = False
        for i in range(len(sentences)):
            if deadline is not None and i % 256 == 0:
                deadline.check()
            for size in range(1, self.window + 1):
                if i + size > len(sentences):
                    break
                if len(out) >= MAX_PASSAGES:
                    truncated = True
                    break
                group = sentences[i : i + size]
                evidence = " ".join(group)
                out.append(_Passage(evidence, embedding_text(evidence), size))
            if truncated:
                break
        return out, truncated

    def texts_to_embed(self, answer: str) -> list[str]:
        """The reference, the answer's passages, the examples' passages and ``also``'s texts."""
        try:
            texts = [self.reference_text]
            for text in (answer, *self.good, *self.bad):
                texts.extend(p.text for p in self.passages(text, Deadline())[0])
            if self.also is not None:
                texts.extend(self.also.texts_to_embed(answer))
            return list(dict.fromkeys(texts))
        except Exception:  # noqa: BLE001 - prefetch is an optimisation; check() reports real problems
            return []

    def children(self) -> list[Matcher]:
        return [self.also] if self.also is not None else []

    # -- scoring ----------------------------------------------------------------------------------
    def best_passage(self, answer: str, deadline: Deadline | None = None) -> tuple[float, _Passage | None, bool]:
        """(best cosine, its passage, whether passages were cut) for ``answer``; (0.0, None, False) when it has none."""
        from ..embeddings import _unit, get_embedder

        passages, truncated = self.passages(answer, deadline)
        if not passages:
            return 0.0, None, truncated
        embedder = get_embedder()
        texts = [self.reference_text] + [p.text for p in passages]
        # Embedder subclasses hand out float32 arrays; a duck-typed embedder only has embed().
        if hasattr(embedder, "vectors"):
            vectors = embedder.vectors(texts)
        else:
            vectors = [_unit(v) for v in embedder.embed(texts)]
        reference, rest = vectors[0], vectors[1:]
        if deadline is not None:
            # Loading the model and embedding may take seconds on a cold cache; only the scoring loop is timed here.
            deadline = Deadline(deadline.seconds, deadline.what)
        best_score, best = -2.0, passages[0]
        for index, (passage, vector) in enumerate(zip(passages, rest)):
            if deadline is not None and index % 256 == 0:
                deadline.check()
            # Vectors are unit length, so the dot product is the cosine.
            score = sum(map(mul, reference, vector))
            if score > best_score + 1e-9:
                best_score, best = score, passage
        return max(-1.0, min(1.0, best_score)), best, truncated

    def calibration(self) -> dict[str, Any]:
        """Threshold and how it was set, for the current embedding model (computed once per model)."""
        from ..embeddings import get_embedder

        model = get_embedder().model_name
        cached = self._calibration.get(model)
        if cached is not None:
            return cached
        good = [self.best_passage(text)[0] for text in self.good]
        bad = [self.best_passage(text)[0] for text in self.bad]
        info: dict[str, Any] = {"embedding_model": model}
        separable = None
        if good and bad:
            info["lowest_good"], info["highest_bad"] = min(good), max(bad)
            separable = min(good) > max(bad)
        info["separable"] = separable
        if self.threshold is not None:
            info["threshold"], info["rule"] = float(self.threshold), "given"
        elif separable:
            info["threshold"] = (min(good) + max(bad)) / 2
            info["rule"] = "midpoint of lowest good and highest bad example"
        else:
            info["threshold"] = max(bad) + _NOT_SEPARABLE_MARGIN
            info["rule"] = "just above the highest bad example (good and bad examples overlap)"
        self._calibration[model] = info
        return info

    def check(self, answer: str) -> Verdict:
        from ..embeddings import get_embedder

        deadline = Deadline(what="similar() ran out of time splitting and scoring the answer")
        info = self.calibration()
        threshold = info["threshold"]
        score, passage, truncated = self.best_passage(answer, deadline)
        details = {
            "similarity": score, "threshold": threshold, "threshold_rule": info["rule"],
            "separable": info["separable"], "embedding_model": get_embedder().model_name,
        }
        for key in ("lowest_good", "highest_bad"):
            if key in info:
                details[key] = info[key]
        notes = []
        if info["separable"] is False:
            notes.append(
                f"NOT SEPARABLE: this concept's good and bad examples overlap in similarity (lowest good "
                f"{info['lowest_good']:.3f} <= highest bad {info['highest_bad']:.3f}), so similarity alone cannot tell them apart"
            )
        if truncated:
            notes.append(f"only the first {MAX_PASSAGES} passages of this very long answer were compared")
        note = ("; " + "; ".join(notes)) if notes else ""
        if truncated and (passage is None or score < threshold):
            # A passage past the cap might have matched: undecided, never a plain fail.
            return Verdict.give_up(
                f"similar() gave up: the answer has more than {MAX_PASSAGES} passages and none of the first "
                f"{MAX_PASSAGES} reaches the threshold{note}",
                expected=f"a passage like {shorten(self.reference, 100)!r}", details=details,
            )
        expected = f"a passage like {shorten(self.reference, 100)!r} (cosine >= {threshold:.3f}, {info['rule']})"
        if passage is None:
            return Verdict.fail(
                f"the answer has no sentence to compare with the reference {shorten(self.reference, 100)!r}{note}",
                expected=expected, found="no sentence with words", details=details,
            )
        details["window_sentences"] = passage.size
        found = f"cosine {score:.3f}: {shorten(passage.evidence, 120)!r}"
        if score < threshold:
            return Verdict.fail(
                f"no passage of the answer is close enough to the reference: best cosine {score:.3f} is below the "
                f"threshold {threshold:.3f} ({info['rule']}); the nearest passage is the evidence{note}",
                evidence=passage.evidence, expected=expected, found=found, details=details,
            )
        topic = f"a passage matches the reference with cosine {score:.3f} >= threshold {threshold:.3f} ({info['rule']})"
        if self.also is None:
            return Verdict.ok(f"{topic} [topic only: similarity is not checked for truth]{note}",
                              evidence=passage.evidence, expected=expected, found=found, details=details)
        companion = self.also(answer)
        details["also"] = {"matcher": repr(self.also), "passed": companion.passed, "explanation": companion.explanation}
        if companion.gave_up:
            return Verdict.give_up(f"{topic}, but the required companion check {self.also!r} gave up: "
                                   f"{companion.explanation}{note}", expected=companion.expected, details=details)
        if not companion.passed:
            return Verdict.fail(
                f"{topic}, but the required companion check {self.also!r} failed: {companion.explanation}{note}",
                evidence=companion.evidence or passage.evidence, expected=companion.expected or expected,
                found=companion.found or found, details=details,
            )
        return Verdict.ok(f"{topic}; and {self.also!r}: {companion.explanation}{note}",
                          evidence=passage.evidence, expected=expected, found=found, details=details)


def similar(
    reference: str,
    *,
    threshold: float | None = None,
    good: Sequence[str] = (),
    bad: Sequence[str] = (),
    also: Any = None,
    topic_only: bool = False,
    window: int = 2,
) -> Matcher:
    """Pass when some passage (1..``window`` consecutive sentences) of the answer is close to ``reference``.

    Closeness is the cosine of sentence embeddings (the run's embedder, see
    :mod:`pytest_hwcheck.embeddings`). ``threshold`` sets the bar explicitly;
    without it the bar is calibrated from ``good`` and ``bad`` example answers
    (midpoint between the lowest good and the highest bad best-passage score; when
    they overlap, just above the highest bad and the verdict is flagged *not
    separable*). Similarity says the answer is on the reference's topic, not that
    it is right, so a concept must also pass ``also`` (a matcher that rejects the
    wrong twin), unless ``topic_only=True`` says the topic is all that matters.

    Example: ``similar("forward KL is mass-covering", threshold=0.6,
    also=not_(keywords(any_of=["mode-seeking"])))``.
    """
    if not isinstance(reference, str) or not _has_words(reference):
        raise ValueError("similar() needs a reference statement with words in it")
    if isinstance(good, str) or isinstance(bad, str):
        raise TypeError("similar(good=..., bad=...) take lists of example answers, not a single string")
    good_t, bad_t = tuple(good), tuple(bad)
    for example in (*good_t, *bad_t):
        if not isinstance(example, str):
            raise TypeError(f"similar() examples must be strings, got {type(example).__name__}")
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 10:
        raise ValueError(f"similar(window=...) must be an int from 1 to 10, got {window!r}")
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not -1.0 <= threshold <= 1.0:
            raise ValueError(f"similar(threshold=...) must be a cosine in [-1, 1], got {threshold!r}")
        threshold = float(threshold)
    elif not (good_t and bad_t):
        raise ValueError(
            "similar() needs threshold=<cosine> or both good=[...] and bad=[...] example answers to calibrate one "
            f"(got {len(good_t)} good and {len(bad_t)} bad)"
        )
    if also is None and not topic_only:
        raise ValueError(
            "similar() measures topic, not truth: an answer stating the opposite or the wrong twin scores high too. "
            "Pass also=<a matcher that rejects the wrong twin> (e.g. a keywords/negation check), "
            "or topic_only=True if being on topic really is the whole concept"
        )
    return _Similar(reference, threshold, good_t, bad_t, as_matcher(also) if also is not None else None,
                    bool(topic_only), window)


__all__ = ["similar", "split_sentences", "embedding_text"]
