"""Rebuild the shipped cassettes from the cleaned seed transcripts in ``transcripts/``.

Each ``transcripts/<seed>.yaml`` manifest lists, turn by turn, which file holds the
model's words and which parts they answer; this script feeds them to
``hwcheck import`` in conversation order, with the provenance the manifest gives.
Turns that answer only parts the case library does not grade (no reference answer
in the key, e.g. hw11.q2d) are left out and reported.

    python scripts/import_seeds.py                 # every seed
    python scripts/import_seeds.py hw12.q3 hw11.q5 # only these questions
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTS = ROOT / "transcripts"


def main(argv: list[str]) -> int:
    from pytest_hwcheck.cli import CliError, find_question
    from pytest_hwcheck.cli import main as hwcheck

    only = set(argv)
    graded: dict[str, set[str]] = {}
    failures = 0
    for manifest_path in sorted(TRANSCRIPTS.glob("*.yaml")):
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
        model = manifest["model"]
        started: set[str] = set()
        for turn in sorted(manifest["turns"], key=lambda t: (t["question"], t["turn"])):
            question = turn["question"]
            if only and question not in only:
                continue
            if question not in graded:
                try:
                    graded[question] = set(find_question(ROOT / "cases", question).part_ids)
                except CliError as exc:
                    print(f"skipping {model} {question}: {exc}", file=sys.stderr)
                    graded[question] = set()
            parts = [p for p in turn["parts"] if p in graded[question]]
            if not parts:
                # A turn answering only parts the case library does not grade (no reference answer).
                print(f"{model} {question} turn {turn['turn']}: not imported, the case does not grade "
                      f"{', '.join(turn['parts'])}", file=sys.stderr)
                continue
            source = f"{manifest['source']} (seed {manifest['seed']}, transcripts/{turn['response']})"
            if turn.get("user_message"):
                source += f"; the student's chat message was: {turn['user_message']!r}"
            args = [
                "import", "--model", model, "--question", question,
                "--parts", ",".join(parts),
                "--response-file", str(TRANSCRIPTS / turn["response"]),
                "--cassette-dir", str(ROOT / "cassettes"), "--cases-dir", str(ROOT / "cases"),
                "--source", source, "--edits", turn.get("edits") or "none",
            ]
            if turn.get("thinking"):
                args += ["--thinking-file", str(TRANSCRIPTS / turn["thinking"])]
            if question in started:
                args.append("--append")
            started.add(question)
            if hwcheck(args) != 0:
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
