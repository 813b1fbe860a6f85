"""How long each matcher takes on a 1 MB answer, and what it decides there.

    python benchmarks/matcher_bounds.py [--repeat 1] [--only keywords,numbers]

A matcher has a time budget per answer (``DEFAULT_TIME_BUDGET_S``, 5 s): when it runs
out the matcher *gives up* (an error verdict), so no answer can stall a run. This
script shows how close each matcher comes to that budget on 1 MB answers built from
the patterns the property tests use at a few kB (``tests/matchers/test_*_properties.py``):
the tests check the verdict, this measures the time. Figures are wall-clock seconds
of one call, in this process, on this machine (best of ``--repeat``); the shared
read of an answer's numbers is cleared before each call, so every matcher pays for
reading the whole answer (in a run, several number() concepts share one read). They are a
report, not a test: nothing here fails on a number.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_hwcheck.matchers.associations import association, mapping  # noqa: E402
from pytest_hwcheck.matchers.base import DEFAULT_TIME_BUDGET_S  # noqa: E402
from pytest_hwcheck.matchers.choices import choice, true_false  # noqa: E402
from pytest_hwcheck.matchers.expressions import expression  # noqa: E402
from pytest_hwcheck.matchers.keywords import keywords  # noqa: E402
from pytest_hwcheck.matchers import numbers as numbers_module  # noqa: E402
from pytest_hwcheck.matchers.numbers import number  # noqa: E402
from pytest_hwcheck.matchers.text import MAX_CHARS, Document  # noqa: E402
from pytest_hwcheck.sections import find_section  # noqa: E402

MB = 1_000_000


def _mb(unit: str, head: str = "") -> str:
    """``unit`` repeated to (just under) 1 MB, after ``head``."""
    return head + unit * ((MB - len(head)) // len(unit))


#: family -> (matchers, {text name: 1 MB text})
FAMILIES: dict[str, tuple[list[Any], dict[str, str]]] = {
    "keywords": ([
        keywords(all_of=["forward KL", "mass-covering"], none_of=["mode-seeking"]),
        keywords(any_of=[("β = 10^-6", "beta = 1e-6")]),
        keywords(all_of=["std = d_model^-0.5"]),
        keywords(all_of=[r"a.*b"], regex=True),
    ], {
        "sentences": _mb("Forward KL is mass-covering. "),
        "nots": _mb("not "),
        "one-letter": _mb("a"),
        "betas": _mb("β = 10^{-6} "),
    }),
    "choices": ([
        choice("b", options="abcd"),
        choice(["task loss", "latent regularizer"], multiple=True, options=["task loss", "latent regularizer"]),
        true_false({"i": True, "ii": False}),
    ], {
        "answer-lines": _mb("Answer: (b)\n"),
        "not-only": _mb("not only (a) but also "),
        "option-lines": _mb("(a) x\n"),
        "true-false": _mb("(i) True (ii) False "),
        "headings": _mb("### (c)\n\nCurve (b). It dips.\n\nii. (a): separated.\n"),
        "figures": _mb("The best latent space for prediction: Figure (a), since "),
    }),
    "associations": ([
        association("Plot A", "forward KL", conflicts=["reverse KL"]),
        association("decoder", "task loss", conflicts=["latent regularizer"], within="block"),
        mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6", "(c)": "β = 10^0"}, within="item"),
        mapping({"Plot A": "forward KL", "Plot B": "reverse KL"}),
    ], {
        "bindings": _mb("Plot A is forward KL. "),
        "beta-items": _mb("- (a) β = 10^{-6} β = 10^{-3}\n"),
        "negations": _mb("The decoder does not get the latent regularizer; "),
        "table": _mb("| A | forward KL |\n| B | reverse KL |\n", head="| plot | loss |\n|---|---|\n"),
        "headings": _mb("### (b) Reverse vs. Forward KL\n\n**(a)** Forward KL\n"),
        "blocks": _mb("For decoder parameters θ_d:\n\ntask loss\n\nlatent regularizer\n\n"),
        "clauses": _mb("The decoder sees the task loss: the regularizer does not involve it. "),
    }),
    "numbers": ([
        number(1e30, unit="FLOPs", bound_to=("compute", "FLOPs", "C =")),
        number("2 TB"),
        number("$10,000", near="SSD"),
        number(1e-6, bound_to="beta"),
    ], {
        "digits": "9" * MB,
        "newlines": "\n" * MB,
        "spaces-then-number": " " * (MB - 5) + "10^30",
        "prose": _mb("The compute is 10^{29} FLOPs, not 10^{28}; the dataset is 1.7 × 10^15 tokens, "
                     "costing $10,000 per year. "),
        "number-flood": _mb("1 "),
        "negated": _mb("not 10^30 FLOPs "),
        "answer-at-the-end": _mb("Lorem ipsum dolor sit amet. ") + "\nCompute (C): 10^{30} FLOPs.",
    }),
    "expressions": ([
        expression("d_model**-0.5", bound_to="std"),
        expression("mu + sigma*V"),
    ], {
        "prose": _mb("The loss falls as training goes on. "),
        "fix-first": _mb("The loss falls as training goes on. ", head="Fix: `std = d_model ** -0.5`.\n"),
        "formulas": _mb("std = d (a "),
        "math": _mb("$\\sigma = \\frac{1}{\\sqrt{d}}$ "),
    }),
}

#: Readers under the matchers: function of the text -> what it returned, in a few words.
READERS: dict[str, tuple[Callable[[str], str], dict[str, str]]] = {
    "Document units": (lambda text: f"{sum(1 for _ in Document(text).units('clause'))} clauses", {
        "sentences": _mb("The bug is on line 9. "),
        "items": _mb("(a) x\n"),
        "pipes": "|" * MB,
        "backslashes": "\\" * MB,
        "matrices": _mb("\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix} N^* "),
        "bullets": _mb("- **Plot A** is $D_{KL}(P\\|Q)$; not reverse.\n"),
    }),
    "find_section": (lambda text: "found" if find_section(text, "c") else "none", {
        "one-long-part": _mb("The answer is here. ", head="## Part (c)\n"),
        "items": _mb("(a) x\n"),
        "bullets": _mb("- (c) bullet\n"),
    }),
}


def _forget_reads() -> None:
    # number() keeps the last few answers' reads so concepts on one answer share them;
    # a cached read would time the cache, not the matcher.
    numbers_module._SCANS.clear()


def _time(func: Callable[[str], Any], text: str, repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        _forget_reads()
        start = time.perf_counter()
        result = func(text)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per matcher and text (the best is reported)")
    parser.add_argument("--only", default="", help="comma-separated families, e.g. keywords,numbers")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    print(f"time budget per matcher and answer: {DEFAULT_TIME_BUDGET_S:.1f}s; answers of ~{MB:,} characters "
          f"(MAX_CHARS = {MAX_CHARS:,})")
    print(f"{'family':<14} {'text':<20} {'matcher':<58} {'seconds':>8}  outcome")
    worst = 0.0
    for family, (matchers, texts) in FAMILIES.items():
        if only and family not in only:
            continue
        for text_name, text in texts.items():
            for matcher in matchers:
                seconds, verdict = _time(matcher, text, args.repeat)
                worst = max(worst, seconds)
                print(f"{family:<14} {text_name:<20} {repr(matcher)[:58]:<58} {seconds:8.2f}  {verdict.status}")
    for reader, (func, texts) in READERS.items():
        if only and reader not in only:
            continue
        for text_name, text in texts.items():
            seconds, result = _time(func, text, args.repeat)
            worst = max(worst, seconds)
            print(f"{'reader':<14} {text_name:<20} {reader:<58} {seconds:8.2f}  {result}")
    print(f"slowest call: {worst:.2f}s (a matcher past its budget gives up: outcome 'error')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
