"""The ``hwcheck`` console script: import chat transcripts as cassettes, list what is recorded, check cases.

    hwcheck import --model gemini-pro --question hw12.q3 --parts a,b --response-file answer.md
    hwcheck list
    hwcheck check-cases
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .ids import UnsafeNameError, check_name


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hwcheck`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"hwcheck {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `hwcheck list | head`: the reader stopped, which is fine
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hwcheck", description="pytest-hwcheck companion commands")
    sub = parser.add_subparsers(dest="command")

    imp = sub.add_parser("import", help="write a chat answer into a cassette as if the API had sent it")
    imp.add_argument("--model", required=True, help="model alias (the cassette folder name)")
    imp.add_argument("--question", required=True, help="question id, e.g. hw12.q3")
    imp.add_argument("--parts", default=None, help="parts the text answers: letters or ids, comma-separated (default: all)")
    imp.add_argument("--response-file", required=True, type=Path, help="the model's answer text (Markdown)")
    imp.add_argument("--thinking-file", type=Path, default=None, help="visible reasoning shown before the answer (kept, never graded)")
    imp.add_argument("--prompt-file", type=Path, default=None,
                     help="the literal follow-up message of this turn, when the case cannot rebuild it")
    imp.add_argument("--cassette-dir", type=Path, default=Path("cassettes"))
    imp.add_argument("--cases-dir", type=Path, default=Path("cases"))
    imp.add_argument("--provider", choices=("anthropic", "gemini", "openai"), default=None,
                     help="provider format (default: from the model registry)")
    imp.add_argument("--provider-model", default=None, help="provider model id (default: from the registry, else the alias)")
    imp.add_argument("--append", action="store_true", help="add a turn to the existing cassette instead of replacing it")
    imp.add_argument("--source", default="", help="where the text came from (provenance)")
    imp.add_argument("--edits", default="", help="what was edited in the text (provenance)")
    imp.set_defaults(handler=cmd_import)

    lst = sub.add_parser("list", help="which models have answers for which parts")
    lst.add_argument("--cassette-dir", type=Path, default=Path("cassettes"))
    lst.add_argument("-v", "--verbose", action="store_true", help="show provenance in full (default: shortened)")
    lst.set_defaults(handler=cmd_list)

    chk = sub.add_parser("check-cases", help="check every case's examples and reference answer against its concepts")
    chk.add_argument("--cases-dir", type=Path, default=Path("cases"))
    chk.add_argument("pytest_args", nargs="*", help="extra pytest arguments (e.g. -k hw13)")
    chk.set_defaults(handler=cmd_check_cases)
    return parser


def find_question(cases_dir: Path, question_id: str) -> Any:
    """Load the case files under ``cases_dir`` and return the Question with this id."""
    from .case import CaseDefinitionError
    from .collect import load_case_module

    if not cases_dir.is_dir():
        raise CliError(f"no case folder at {cases_dir} (use --cases-dir)")
    seen: list[str] = []
    for path in sorted(cases_dir.rglob("*.py")):
        if path.name.startswith(("_", "conftest")):
            continue
        try:
            questions = load_case_module(path)
        except CaseDefinitionError as exc:
            if exc.question == question_id:
                raise CliError(f"{path}: {exc}") from None
            continue
        except Exception:  # noqa: BLE001 - a broken unrelated case file must not block an import
            continue
        for question in questions:
            seen.append(question.id)
            if question.id == question_id:
                return question
    raise CliError(f"no case defines question {question_id!r} under {cases_dir} (found: {', '.join(sorted(seen)) or 'none'})")


def _find_registry() -> dict[str, Any]:
    from .registry import RegistryError, load_registry

    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "pyproject.toml").is_file():
            try:
                return load_registry(folder)
            except RegistryError as exc:
                raise CliError(str(exc)) from None
    return {}


def _parts(question: Any, spec: str | None) -> list[str]:
    if not spec:
        return [p.id for p in question.parts if not p.prompt]
    chosen: list[str] = []
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        match = next((p.id for p in question.parts if token in (p.id, p.label)), None)
        if match is None:
            labels = ", ".join(f"{p.label or '-'} ({p.id})" for p in question.parts)
            raise CliError(f"question {question.id} has no part {token!r}; its parts: {labels}")
        chosen.append(match)
    return chosen


def cmd_import(args: argparse.Namespace) -> int:
    """``hwcheck import``: write or extend a cassette from a transcript."""
    import datetime as _dt

    from .cassettes import CassetteError, cassette_path, import_turn
    from .providers import MAX_RESPONSE_BYTES, Reply, make_provider
    from .registry import ModelSpec

    try:
        check_name("model", args.model)
        check_name("question", args.question)
    except UnsafeNameError as exc:
        raise CliError(str(exc)) from None
    question = find_question(args.cases_dir, args.question)
    parts = _parts(question, args.parts)
    registry = _find_registry()
    spec = registry.get(args.model)
    provider_name = args.provider or (spec.provider if spec else None)
    if provider_name is None:
        raise CliError(f"{args.model!r} is not in [tool.hwcheck.models]; pass --provider anthropic|gemini|openai")
    if spec is not None and spec.provider == provider_name:
        # Keep the registry's endpoint settings, so the cassette records the URL it names.
        spec = spec.model_copy(update={"model": args.provider_model or spec.model})
    else:
        spec = ModelSpec(alias=args.model, provider=provider_name, model=args.provider_model or args.model)
    model_id = spec.model
    text = _read(args.response_file)
    if not text.strip():
        raise CliError(f"{args.response_file} is empty")
    if len(text.encode("utf-8")) > MAX_RESPONSE_BYTES:
        raise CliError(
            f"{args.response_file} holds {len(text.encode('utf-8')):,} bytes, more than the "
            f"{MAX_RESPONSE_BYTES:,} bytes pytest-hwcheck reads as one answer"
        )
    thinking = _read(args.thinking_file) if args.thinking_file else ""
    prompt = _read(args.prompt_file) if args.prompt_file else None
    path = cassette_path(args.cassette_dir, args.model, question.id)
    if path.exists() and not args.append:
        print(f"hwcheck import: replacing {path} (use --append to add a turn)", file=sys.stderr)
    provenance = {
        "origin": "imported",
        "source": args.source or str(args.response_file),
        "edits": args.edits or "none",
        "imported_at": _dt.date.today().isoformat(),
    }
    try:
        data = import_turn(path, question, make_provider(spec), parts, Reply(text.strip("\n"), thinking.strip("\n")),
                           append=args.append, provenance=provenance, prompt=prompt)
    except CassetteError as exc:
        raise CliError(str(exc)) from None
    turns = len(data["interactions"])
    print(f"{path}: turn {turns} answers {', '.join(parts)} ({provider_name}/{model_id})")
    return 0


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None


def cmd_list(args: argparse.Namespace) -> int:
    """``hwcheck list``: models, questions, parts answered per turn, and provenance."""
    from .cassettes import CassetteError, read_cassette

    root = args.cassette_dir
    if not root.is_dir():
        raise CliError(f"no cassette folder at {root} (use --cassette-dir)")
    models = sorted(p for p in root.iterdir() if p.is_dir())
    if not models:
        print(f"no cassettes under {root}")
        return 0
    for model_dir in models:
        print(f"{model_dir.name}")
        for path in sorted(model_dir.glob("*.yaml")):
            try:
                meta = read_cassette(path)["metadata"]["hwcheck"]
            except CassetteError as exc:
                print(f"  {path.stem}: UNREADABLE: {exc}")
                continue
            answered = sorted({p for t in meta["turns"] for p in t["parts"]})
            print(f"  {path.stem}  ({meta['provider']}/{meta['provider_model']}): {', '.join(answered)}")
            for number, turn in enumerate(meta["turns"], 1):
                origin = turn.get("origin", "?")
                line = f"    turn {number}: {', '.join(turn['parts'])} [{origin}"
                if turn.get("source"):
                    line += f"; source: {_shown(turn['source'], args.verbose)}"
                if turn.get("edits") and turn.get("edits") != "none":
                    line += f"; edits: {_shown(turn['edits'], args.verbose)}"
                print(line + "]")
    return 0


def _shown(text: str, verbose: bool, width: int = 100) -> str:
    from .verdict import shorten

    return " ".join(str(text).split()) if verbose else shorten(str(text), width)


def cmd_check_cases(args: argparse.Namespace) -> int:
    """``hwcheck check-cases``: run ``pytest --hw-selftest`` on a case folder."""
    import pytest

    if not args.cases_dir.is_dir():
        raise CliError(f"no case folder at {args.cases_dir} (use --cases-dir)")
    return int(pytest.main(["-p", "no:deepeval", "--hw-selftest", "--hw-cases", str(args.cases_dir),
                            str(args.cases_dir), *args.pytest_args]))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
