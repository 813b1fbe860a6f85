"""Aggregating concept results into per-part grades, the terminal matrix and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STATUS_MARK = {"passed": "✓", "failed": "✗", "error": "E", "skipped": "–"}


def build_report(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-ready report: models -> score and parts -> status and concepts.

    A part is ``passed`` when all its concepts pass; ``failed`` when any fails; ``error``
    when none fails but one could not be graded (an unreadable cassette, a matcher that
    gave up); ``skipped`` when the model did not answer it. A model's score is the points
    it earned over the points of the parts that were graded (passed or failed): a part in
    error is left out of the score, never counted as zero, and ``unreadable_parts`` says
    how many were left out.
    """
    models: dict[str, Any] = {}
    for result in results:
        model = models.setdefault(result["model"], {"parts": {}})
        part = model["parts"].setdefault(result["part"], {"question": result["question"], "concepts": []})
        if any(c["id"] == result["concept"] for c in part["concepts"]):
            continue  # every phase of a test (and a rerun) reports again; keep the first
        part["concepts"].append({
            "id": result["concept"],
            "status": result["status"],
            "matcher": result["matcher"],
            "reason": result["reason"],
            "points": result["points"],
            "score": result["score"],
            **({"evidence": result["evidence"]} if result.get("evidence") else {}),
            **({"turn": result["turn"]} if result.get("turn") else {}),
            **({"section": result["section"]} if result.get("section") else {}),
        })
    for model in models.values():
        earned = possible = 0.0
        for part in model["parts"].values():
            part["status"] = _part_status({c["status"] for c in part["concepts"]})
            # A failed part is wrong whatever its undecided concepts say, so they count as 0 there.
            graded = [c for c in part["concepts"] if c["status"] != "skipped"] if part["status"] in ("passed", "failed") else []
            part_possible = sum(c["points"] for c in graded)
            part_earned = sum(c["points"] * (c["score"] if c["status"] == "passed" else 0.0) for c in graded)
            part["points"] = {"earned": part_earned, "possible": part_possible}
            earned += part_earned
            possible += part_possible
        model["points"] = {"earned": earned, "possible": possible}
        model["score"] = earned / possible if possible else 0.0
        model["unreadable_parts"] = sum(1 for p in model["parts"].values() if p["status"] == "error")
        model["parts"] = dict(sorted(model["parts"].items(), key=lambda kv: _part_order(kv[0])))
    return {"models": dict(sorted(models.items()))}


def _part_status(statuses: set[str]) -> str:
    if statuses <= {"skipped"}:
        return "skipped"
    if "failed" in statuses:
        return "failed"
    if "error" in statuses:
        return "error"
    return "passed"


def _part_order(part_id: str) -> tuple:
    import re

    return tuple(int(tok) if tok.isdigit() else tok for tok in re.split(r"(\d+)", part_id))


def render_matrix(report: dict[str, Any]) -> list[str]:
    """Parts as rows, models as columns, ✓ / ✗ / – per cell, and a score per model."""
    models = list(report["models"])
    parts = sorted({p for m in report["models"].values() for p in m["parts"]}, key=_part_order)
    width = max([len("part")] + [len(p) for p in parts])
    cols = [max(len(m), 6) for m in models]
    lines = ["  ".join(["part".ljust(width)] + [m.center(c) for m, c in zip(models, cols)])]
    for part in parts:
        cells = []
        for model, col in zip(models, cols):
            status = report["models"][model]["parts"].get(part, {}).get("status")
            cells.append((STATUS_MARK.get(status, " ") if status else " ").center(col))
        lines.append("  ".join([part.ljust(width)] + cells))
    scores = []
    for model, col in zip(models, cols):
        data = report["models"][model]
        scores.append((f"{data['score']:.0%}" if data["points"]["possible"] else "–").center(col))
    lines.append("  ".join(["score".ljust(width)] + scores))
    counts = []
    for model, col in zip(models, cols):
        statuses = [p["status"] for p in report["models"][model]["parts"].values()]
        counts.append(f"{statuses.count('passed')}/{len([s for s in statuses if s in ('passed', 'failed')])}".center(col))
    lines.append("  ".join(["parts ✓".ljust(width)] + counts))
    legend = "✓ every concept stated   ✗ a concept missing or wrong   – not answered"
    errors = {m: d.get("unreadable_parts", 0) for m, d in report["models"].items()}
    if any(errors.values()):
        legend += "   E could not be graded (see the errors above)"
    lines.append(legend)
    for model, count in errors.items():
        if count:
            lines.append(f"{model}: {count} part{'s' if count != 1 else ''} could not be graded and "
                         f"{'are' if count != 1 else 'is'} left out of its score")
    return lines


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the report as JSON (atomically)."""
    from .cassettes import write_atomically

    write_atomically(Path(path), json.dumps(report, indent=2, ensure_ascii=False) + "\n")
