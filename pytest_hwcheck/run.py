"""One hwcheck run: resolved options, collection of case files, the answers cache and the results.

Registered as a plugin object by ``plugin.pytest_configure`` only when a ``--hw-*``
option is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .ids import UnsafeNameError, check_name

RUN_KEY = pytest.StashKey["HwRun"]()


class HwRun:
    """State and hooks of an active run (a plugin object)."""

    def __init__(self, config: pytest.Config, *, models: list[str], cases_dir: Path, cassettes_dir: Path,
                 record_mode: str, report_path: Path | None, selftest: bool) -> None:
        self.config = config
        self.models = models
        self.cases_dir = cases_dir
        self.cassettes_dir = cassettes_dir
        self.record_mode = record_mode
        self.report_path = report_path
        self.selftest = selftest
        self._conversations: dict[tuple[str, str], Any] = {}
        self._question_files: dict[str, Path] = {}
        self._prefetched = False
        self.results: list[dict[str, Any]] = []
        config.stash[RUN_KEY] = self

    # -- options --------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: pytest.Config) -> "HwRun":
        """Resolve and validate the ``--hw-*`` options (usage errors are raised here)."""
        opt = config.option
        # Precedence for folders: command-line option (relative to the invocation dir)
        # > ini value (relative to the rootdir) > the default name under the rootdir.
        cases_dir = _folder(config, opt.hw_cases, "hw_cases")
        cassettes_dir = _folder(config, opt.hw_cassettes, "hw_cassettes")
        record_mode = opt.hw_record or "none"
        report_path = Path(opt.hw_report).resolve() if opt.hw_report else None
        if report_path is not None:
            _check_writable(report_path)
        requested = [name.strip() for value in opt.hw_model for name in value.split(",") if name.strip()]
        if not requested and not opt.hw_selftest:
            raise pytest.UsageError(
                "pytest-hwcheck: --hw-model is required to grade (e.g. --hw-model=claude-sonnet or --hw-model=all); "
                "use --hw-selftest to check the case files themselves"
            )
        run = cls(config, models=[], cases_dir=cases_dir, cassettes_dir=cassettes_dir,
                  record_mode=record_mode, report_path=report_path, selftest=opt.hw_selftest)
        run.models = run._resolve_models(requested)
        if record_mode != "none":
            run._check_can_record()
        if config.args_source != pytest.Config.ArgsSource.ARGS:
            # No paths given: grade the case folder rather than the project's test suite.
            config.args = [str(cases_dir)]
        # A broken case file is reported as a collection error while the other cases still run.
        config.option.continue_on_collection_errors = True
        return run

    def known_models(self) -> list[str]:
        """Models that have a folder of cassettes."""
        if not self.cassettes_dir.is_dir():
            return []
        return sorted(p.name for p in self.cassettes_dir.iterdir() if p.is_dir() and any(p.glob("*.yaml")))

    def registry(self) -> dict[str, Any]:
        """The model registry (alias -> ModelSpec) via ``pytest_hwcheck_load_models``."""
        from .registry import RegistryError

        try:
            return self.config.hook.pytest_hwcheck_load_models(config=self.config) or {}
        except RegistryError as exc:
            raise pytest.UsageError(f"pytest-hwcheck: {exc}") from None

    def _resolve_models(self, requested: list[str]) -> list[str]:
        known = self.known_models()
        models: list[str] = []
        for name in requested:
            if name == "all":
                models.extend(m for m in known if m not in models)
                continue
            try:
                check_name("model", name)
            except UnsafeNameError as exc:
                raise pytest.UsageError(f"pytest-hwcheck: --hw-model: {exc}") from None
            if name not in known and not (self.record_mode != "none" and name in self.registry()):
                listed = ", ".join(known) or "none"
                raise pytest.UsageError(
                    f"pytest-hwcheck: unknown model {name!r}: no cassettes under {self.cassettes_dir}. "
                    f"Models with cassettes: {listed}. To record a model listed in [tool.hwcheck.models], "
                    "add --hw-record=new."
                )
            if name not in models:
                models.append(name)
        if requested and not models:
            raise pytest.UsageError(f"pytest-hwcheck: --hw-model=all found no cassettes under {self.cassettes_dir}")
        return models

    def _check_can_record(self) -> None:
        if hasattr(self.config, "workerinput") or getattr(self.config.option, "numprocesses", None):
            raise pytest.UsageError(
                "pytest-hwcheck: --hw-record cannot run under pytest-xdist (-n): every worker would call the API. "
                "Record without -n, then replay in parallel."
            )
        registry = self.registry()
        from .providers import MissingApiKeyError

        for model in self.models:
            spec = registry.get(model)
            if spec is None:
                raise pytest.UsageError(
                    f"pytest-hwcheck: cannot record {model!r}: it is not in the model registry "
                    f"([tool.hwcheck.models.{model}] in pyproject.toml)"
                )
            try:
                self.provider(spec).require_api_key()
            except MissingApiKeyError as exc:
                raise pytest.UsageError(f"pytest-hwcheck: {exc}") from None

    def provider(self, spec: Any) -> Any:
        """The provider client for a spec, via ``pytest_hwcheck_make_provider``."""
        return self.config.hook.pytest_hwcheck_make_provider(config=self.config, spec=spec)

    # -- collection -------------------------------------------------------------------------
    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
        """Collect every ``.py`` file under the case folder (helpers named ``_*.py`` excepted)."""
        if file_path.suffix != ".py" or file_path.name.startswith(("_", "conftest")):
            return None
        try:
            file_path.resolve().relative_to(self.cases_dir.resolve())
        except ValueError:
            return None
        from .collect import CaseFile

        return CaseFile.from_parent(parent, path=file_path)

    def claim_question(self, question_id: str, path: Path) -> Path | None:
        """Remember which file defines a question; return the earlier file if it is a duplicate."""
        earlier = self._question_files.get(question_id)
        if earlier is not None and earlier != path:
            return earlier
        self._question_files[question_id] = path
        return None

    # -- answers ------------------------------------------------------------------------------
    def conversation(self, model: str, question: Any) -> Any:
        """The conversation of ``model`` on ``question``: replayed, or recorded when asked to.

        Cached per run, so every concept of a question shares one replay; a problem
        (missing, corrupt or stale cassette) is cached too and reported by each test.
        """
        key = (model, question.id)
        if key not in self._conversations:
            try:
                self._conversations[key] = self._load_conversation(model, question)
            except Exception as exc:  # noqa: BLE001 - re-raised for every concept of the question
                self._conversations[key] = exc
        value = self._conversations[key]
        if isinstance(value, Exception):
            raise value
        return value

    def _load_conversation(self, model: str, question: Any) -> Any:
        from . import cassettes

        path = cassettes.cassette_path(self.cassettes_dir, model, question.id)
        if self.record_mode == "rewrite" or (self.record_mode == "new" and not path.exists()):
            spec = self.registry()[model]
            return cassettes.record(path, question, self.provider(spec))
        if not path.exists():
            raise cassettes.CassetteMissing(
                f"{model} has no recorded answer to {question.id} ({path} does not exist); record it with "
                f"--hw-record=new or import a transcript with 'hwcheck import'"
            )
        return cassettes.replay(path, question, model)

    def part_answer(self, model: str, question: Any, part: Any) -> Any:
        """The text ``part`` is graded on for ``model`` (None when no turn answers it)."""
        from .conversation import answer_for_part

        conv = self.conversation(model, question)
        return answer_for_part(question, conv.plans, conv.replies, part.id)

    def judging(self, model: str, question: Any) -> Any:
        """Route LLM-judge calls made while grading (model, question) through its cassette.

        Only when a case uses ``llm_judge`` (its module is then imported); otherwise a no-op.
        """
        import contextlib
        import sys

        interop = sys.modules.get("pytest_hwcheck.deepeval_interop")
        if interop is None:
            return contextlib.nullcontext()
        from . import cassettes

        path = cassettes.cassette_path(self.cassettes_dir, model, question.id)
        record = self.record_mode != "none"

        def hook(call: Any) -> Any:
            return cassettes.judge_calls(path, call.key, record=record, api_key=call.has_api_key)

        @contextlib.contextmanager
        def scope() -> Any:
            previous = interop.get_judge_cassette()
            interop.set_judge_cassette(hook)
            try:
                yield
            finally:
                interop.set_judge_cassette(previous)

        return scope()

    def prefetch_embeddings(self, items: list[Any]) -> None:
        """Embed, in one batch, every text the run's similarity matchers will need (once per run)."""
        if self._prefetched:
            return
        self._prefetched = True
        texts: list[str] = []
        for item in items:
            if hasattr(item, "texts_to_embed"):
                texts.extend(item.texts_to_embed())
        if texts:
            # Only now, when some concept needs embeddings, is the embedder made (and maybe a model loaded).
            from . import embeddings

            embedder = self.config.hook.pytest_hwcheck_make_embedder(config=self.config)
            if embedder is not None:
                embeddings.set_embedder(embedder)
            embeddings.get_embedder().prefetch(list(dict.fromkeys(texts)))

    # -- start ----------------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Remove what killed recordings left behind (``.<question>.recording.*``, ``.*.tmp``) and say so."""
        if hasattr(self.config, "workerinput"):
            return
        from .cassettes import remove_stale_leftovers

        removed = remove_stale_leftovers(self.cassettes_dir)
        if not removed:
            return
        shown = ", ".join(str(p.relative_to(self.cassettes_dir)) for p in removed[:5])
        more = f" and {len(removed) - 5} more" if len(removed) > 5 else ""
        message = (f"hwcheck: removed {len(removed)} temporary file(s) left by an interrupted recording "
                   f"under {self.cassettes_dir}: {shown}{more}")
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(message)

    # -- results --------------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Collect concept results (also those sent back by xdist workers)."""
        for name, value in report.user_properties:
            if name == "hwcheck" and isinstance(value, dict):
                self.results.append(value)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """End the run with the matrix: parts as rows, models as columns."""
        if hasattr(self.config, "workerinput") or not self.results:
            return
        from .results import build_report, render_matrix

        report = build_report(self.results)
        terminalreporter.write_sep("=", "hwcheck: concepts stated per part")
        for line in render_matrix(report):
            terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write ``--hw-report`` (on the controller only, so ``-n`` writes one complete file)."""
        if self.report_path is None or hasattr(self.config, "workerinput"):
            return
        from .results import build_report, write_report

        report = build_report(self.results)
        self.config.hook.pytest_hwcheck_modify_report(config=self.config, report=report)
        write_report(self.report_path, report)


    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Forget the run's embedder, so an in-process pytest run leaves no global state behind."""
        import sys

        embeddings = sys.modules.get("pytest_hwcheck.embeddings")
        if embeddings is not None:
            embeddings.reset_embedder()


def _check_writable(path: Path) -> None:
    """Refuse an unwritable ``--hw-report`` path before any test runs, so no grading is lost at the end."""
    import os
    import tempfile

    folder = path.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    problem = None
    if path.is_dir():
        problem = "it is a folder"
    elif existing is not None and not existing.is_dir():
        problem = f"{existing} is a file, not a folder"
    elif existing is not None and existing != folder and not os.access(existing, os.W_OK | os.X_OK):
        problem = f"cannot create {folder} inside {existing}"
    elif folder.is_dir():
        try:
            # The report is written by a rename from a temporary file in the same folder: probe exactly that.
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".hwcheck-probe-"):
                pass
        except OSError as exc:
            problem = exc.strerror or str(exc)
    if problem:
        raise pytest.UsageError(f"pytest-hwcheck: --hw-report={path}: cannot write the report there ({problem}); "
                                "choose another path")


def _folder(config: pytest.Config, option: str | None, ini: str) -> Path:
    if option:
        return Path(config.invocation_params.dir, option).resolve()
    return Path(config.rootpath, config.getini(ini)).resolve()
