"""How long a full replay takes, with an empty and a warm embedding cache, and with 10x the answers.

    python benchmarks/replay_benchmark.py [--repeat 1]

Runs ``pytest --hw-model=all`` on a copy of the shipped cases and cassettes in a
temporary folder, so nothing in the repository is touched. The "10x answers" run
copies every model's cassettes under nine more model names. Timings are
wall-clock seconds of the whole pytest process (interpreter start-up included) on
this machine; they are a report, not a test: nothing here fails on a number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _project(scale: int) -> Path:
    work = Path(tempfile.mkdtemp(prefix="hwcheck-bench-"))
    shutil.copytree(ROOT / "cases", work / "cases")
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
    for model_dir in sorted((ROOT / "cassettes").iterdir()):
        if not model_dir.is_dir():
            continue
        shutil.copytree(model_dir, work / "cassettes" / model_dir.name)
        for copy in range(1, scale):
            shutil.copytree(model_dir, work / "cassettes" / f"{model_dir.name}-copy{copy}")
    return work


def _run(work: Path, cache: Path) -> tuple[float, int, bool]:
    env = dict(os.environ, DEEPEVAL_TELEMETRY_OPT_OUT="1", DEEPEVAL_DISABLE_DOTENV="1", HF_HUB_OFFLINE="1",
               PYTHONPROFILEIMPORTTIME="1")
    start = time.perf_counter()
    proc = subprocess.run(
        # --capture=sys: fd-level capture would swallow the import-time log written while tests run.
        [sys.executable, "-m", "pytest", "--hw-model=all", "-q", "-p", "no:cacheprovider", "--capture=sys",
         "-o", f"hw_embedding_cache={cache}"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    imported_torch = any(line.startswith("import time:") and line.split("|")[-1].strip() == "torch"
                         for line in proc.stderr.splitlines())
    return elapsed, proc.returncode, imported_torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (the best is reported)")
    args = parser.parse_args()
    print(f"{'answers':>8}  {'cache':>6}  {'seconds':>8}  {'torch imported':>14}  exit")
    for scale in (1, 10):
        work = _project(scale)
        cache = work / ".cache"
        try:
            for label in ("empty", "warm"):
                best = None
                for _ in range(args.repeat):
                    if label == "empty" and cache.exists():
                        shutil.rmtree(cache)
                    result = _run(work, cache)
                    best = result if best is None or result[0] < best[0] else best
                seconds, code, torch_loaded = best
                print(f"{f'{scale}x':>8}  {label:>6}  {seconds:8.2f}  {str(torch_loaded):>14}  {code}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("exit 1 = some model missed some concept (a grade, not an error)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
