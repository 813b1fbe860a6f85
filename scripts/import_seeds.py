"""Rebuild the shipped cassettes from the cleaned seed transcripts in ``transcripts/``.

Each ``transcripts/<seed>.yaml`` manifest lists, turn by turn, which file holds the
model's words and which parts they answer; this script feeds them to
``hwcheck import`` in conversation order, with the provenance the manifest gives.
Turns that answer only parts the case library does not grade (no reference answer
in the key, e.g. hw11.q2d) are left out and reported.

Each model is imported against its entry in the project's model registry
(``[tool.hwcheck.models]`` in ``pyproject.toml``): provider, provider model id and
base URL, so a cassette records the endpoint the registry names (grok's
``https://api.x.ai/v1``, not the OpenAI default) whatever the current directory or
the ``*_BASE_URL`` variables of the shell that runs the script.

    python scripts/import_seeds.py                    # every seed
    python scripts/import_seeds.py hw12.q3 hw11.q5    # only these questions
    python scripts/import_seeds.py --model grok       # only this model's cassettes
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTS = ROOT / "transcripts"


@contextlib.contextmanager
def registry_endpoint(spec) -> Iterator[list[str]]:
    """Arguments naming the registry's provider and model id, with its base URL in force.

    ``hwcheck import`` builds its provider from the provider and model id alone, and the
    provider then takes its base URL from ``$<PROVIDER>_BASE_URL`` or its default. This sets
    that variable to the registry's ``base_url`` (or the provider's default when the
    registry names none) for the duration of one import, so the recorded request URL
    is the registry's and never whatever the shell happens to export.
    """
    from pytest_hwcheck.providers import PROVIDER_CLASSES

    if spec is None:
        yield []
        return
    cls = PROVIDER_CLASSES[spec.provider]
    env = cls.default_base_url_env
    saved = os.environ.get(env)
    os.environ[env] = spec.base_url or cls.default_base_url
    try:
        yield ["--provider", spec.provider, "--provider-model", spec.model]
    finally:
        if saved is None:
            os.environ.pop(env, None)
        else:
            os.environ[env] = saved


def main(argv: list[str]) -> int:
    from pytest_hwcheck.cli import CliError, find_question
    from pytest_hwcheck.cli import main as hwcheck
    from pytest_hwcheck.registry import load_registry

    parser = argparse.ArgumentParser(description="Rebuild the seeded cassettes from transcripts/.")
    parser.add_argument("questions", nargs="*", help="only these question ids (default: all)")
    parser.add_argument("--model", action="append", default=[], help="only this model alias (repeatable)")
    options = parser.parse_args(argv)
    only = set(options.questions)
    only_models = set(options.model)
    registry = load_registry(ROOT)
    graded: dict[str, set[str]] = {}
    failures = 0
    for manifest_path in sorted(TRANSCRIPTS.glob("*.yaml")):
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
        model = manifest["model"]
        if only_models and model not in only_models:
            continue
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
            with registry_endpoint(registry.get(model)) as provider_args:
                if hwcheck(args + provider_args) != 0:
                    failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
