"""Aggregating concept results into per-part grades, the terminal matrix and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STATUS_MARK = {"passed": "✓", "failed": "✗", "skipped": "–"}


def build_report(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-ready report: models -> score and parts -> status and concepts.

    A part is ``passed`` when all its concepts pass, ``failed`` when any fails or
    errors, ``skipped`` when the model did not answer it. A model's score is the
    points earned over the points of the parts it answered.
    """
    models: dict[str, Any] = {}
    for result in results:
        model = models.setdefault(result["model"], {"parts": {}})
        part = model["parts"].setdefault(result["part"], {"question": result["question"], "concepts": []})
        if any(c["id"] == result["concept"] for c in part["concepts"]):
            continue  # a rerun of the same test reports again; keep the first
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
            statuses = {c["status"] for c in part["concepts"]}
            if statuses <= {"skipped"}:
                part["status"] = "skipped"
            elif statuses & {"failed", "error"}:
                part["status"] = "failed"
            else:
                part["status"] = "passed"
            graded = [c for c in part["concepts"] if c["status"] != "skipped"]
            part_possible = sum(c["points"] for c in graded)
            part_earned = sum(c["points"] * (c["score"] if c["status"] == "passed" else 0.0) for c in graded)
            part["points"] = {"earned": part_earned, "possible": part_possible}
            earned += part_earned
            possible += part_possible
        model["points"] = {"earned": earned, "possible": possible}
        model["score"] = earned / possible if possible else 0.0
        model["parts"] = dict(sorted(model["parts"].items(), key=lambda kv: _part_order(kv[0])))
    return {"models": dict(sorted(models.items()))}


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
        scores.append(f"{data['score']:.0%}".center(col))
    lines.append("  ".join(["score".ljust(width)] + scores))
    counts = []
    for model, col in zip(models, cols):
        statuses = [p["status"] for p in report["models"][model]["parts"].values()]
        counts.append(f"{statuses.count('passed')}/{len([s for s in statuses if s != 'skipped'])}".center(col))
    lines.append("  ".join(["parts ✓".ljust(width)] + counts))
    lines.append("✓ every concept stated   ✗ a concept missing or wrong   – not answered")
    return lines


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the report as JSON (atomically)."""
    from .cassettes import write_atomically

    write_atomically(Path(path), json.dumps(report, indent=2, ensure_ascii=False) + "\n")
