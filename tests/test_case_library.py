"""The shipped case library tests itself: its keys accept their own good answers and reject the bad ones,
and replaying the seeded cassettes reproduces the expert verdicts of the answer key.

The verdict table below is the answer key's "What the seed transcripts got right", kept in the
project (a user's clone has no copy of the key's source).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_hwcheck.cassettes import cassette_path, replay
from pytest_hwcheck.collect import load_case_module
from pytest_hwcheck.conversation import answer_for_part
from pytest_hwcheck.selftest import grade_example, misgrading
from pytest_hwcheck.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CASSETTES = ROOT / "cassettes"
TRANSCRIPTS = ROOT / "transcripts"

# ✓ right, ✗ wrong, – not answered. For ✗, the words the failure message must contain to name the wrong claim.
V, X, N = "✓", "✗", "–"
VERDICTS: dict[str, dict[str, str]] = {
    #                gemini-flash  gemini-pro  grok  claude-sonnet
    "hw12.q1":  dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, V, V))),
    "hw12.q2a": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, V, X))),
    "hw12.q2b": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, V, V))),
    "hw12.q3a": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, V, V))),
    "hw12.q3b": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, V, V))),
    "hw12.q3c": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, V, X, V))),
    "hw12.q3d": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (V, X, X, V))),
    "hw12.q5a": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (N, N, V, N))),
    "hw12.q5b": dict(zip(("gemini-flash", "gemini-pro", "grok", "claude-sonnet"), (N, N, V, N))),
}
_HW11_RIGHT = ["hw11.q1a", "hw11.q1b", "hw11.q1c", "hw11.q1d", "hw11.q1.followup", "hw11.q2a", "hw11.q2b", "hw11.q2c",
               "hw11.q2e", "hw11.q5c", "hw11.q5d", "hw11.q5e", "hw11.q5f", "hw11.q5g", "hw11.q5h", "hw11.q5j",
               "hw11.q5b", "hw11.q6b", "hw11.q6c", "hw11.q6d"]
for _part in _HW11_RIGHT:
    VERDICTS[_part] = {"gemini-flash": N, "gemini-pro": V, "grok": N, "claude-sonnet": N}
# hw11.q6a is left out of verdict comparisons: the seeds do not hold the exact expected token indices.

# Words the failing verdicts' own explanation, evidence, expected or found must contain: what the model got wrong,
# as the grader says it (never the concept's id or description, which would match whatever the answer said).
WRONG_CLAIMS = {
    ("claude-sonnet", "hw12.q2a"): "gaussian",
    ("grok", "hw12.q3c"): "(a)",
    ("gemini-pro", "hw12.q3d"): "never mentions (a)",
    ("grok", "hw12.q3d"): "(a) ↔ small β",
}


def verdict_words(verdict: Verdict) -> str:
    """The verdict's own account of the answer, lower-cased: explanation, evidence, expected and found."""
    fields = (verdict.explanation, verdict.evidence, verdict.expected, verdict.found)
    return " | ".join(f for f in fields if f).lower()


def _questions():
    questions = {}
    for path in sorted(CASES.glob("*.py")):
        if not path.name.startswith("_"):
            for question in load_case_module(path):
                questions[question.id] = question
    return questions


QUESTIONS = _questions()
PARTS = {part.id: (question, part) for question in QUESTIONS.values() for part in question.parts}


def test_the_library_covers_every_part_of_the_answer_key():
    assert set(VERDICTS) | {"hw11.q6a"} <= set(PARTS)


@pytest.mark.parametrize("part_id", sorted(PARTS))
def test_each_part_has_a_reference_and_three_good_and_three_bad_examples(part_id):
    _, part = PARTS[part_id]
    assert part.reference.strip()
    assert len(part.good_examples) >= 3 and len(part.bad_examples) >= 3


EXAMPLES = [(pid, kind, i) for pid, (_, part) in sorted(PARTS.items())
            for kind, texts in (("reference", [part.reference]), ("good", part.good_examples), ("bad", part.bad_examples))
            for i in range(len(texts))]


@pytest.mark.parametrize("part_id, kind, index", EXAMPLES, ids=[f"{p}-{k}{i + 1}" for p, k, i in EXAMPLES])
def test_the_key_accepts_its_good_answers_and_its_guards_reject_the_bad_ones(part_id, kind, index):
    _, part = PARTS[part_id]
    if kind == "bad":
        example = part.bad_examples[index]
        text, caught_by = example.text, example.caught_by
    else:
        text, caught_by = ([part.reference] if kind == "reference" else part.good_examples)[index], None
    problem = misgrading(part, f"{kind}[{index + 1}]", text, expect_pass=kind != "bad", caught_by=caught_by)
    assert problem is None, problem


def test_every_shipped_bad_example_names_the_concept_that_must_catch_it():
    unnamed = [f"{pid} bad[{i}]" for pid, (_, part) in sorted(PARTS.items())
               for i, example in enumerate(part.bad_examples, 1) if example.caught_by is None]
    assert not unnamed, f"bad examples without caught_by=: {unnamed}"


_CONVERSATIONS: dict = {}


def _conversation(model, question):
    key = (model, question.id)
    if key not in _CONVERSATIONS:
        path = cassette_path(CASSETTES, model, question.id)
        _CONVERSATIONS[key] = replay(path, question, model) if path.exists() else None
    return _CONVERSATIONS[key]


SEEDED = [(part_id, model) for part_id, row in VERDICTS.items() for model in row]
NOT_ANSWERED = [(part_id, model) for part_id, model in SEEDED if VERDICTS[part_id][model] == N]


def _manifests():
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(TRANSCRIPTS.glob("*.yaml"))]


MANIFESTS = _manifests()


def test_the_verdict_table_has_one_column_per_seeded_model():
    columns = {model for row in VERDICTS.values() for model in row}
    assert columns == {m["model"] for m in MANIFESTS} == {p.name for p in TRANSCRIPTS.iterdir() if p.is_dir()} - {"prompts"}


def test_every_transcript_file_is_listed_by_its_seeds_manifest():
    """No answer can hide from the manifests: each file under transcripts/<model>/ is some turn's response or thinking."""
    listed = {(m["model"], Path(f).relative_to(m["model"]).as_posix())
              for m in MANIFESTS for turn in m["turns"] for f in (turn["response"], turn.get("thinking")) if f}
    files = {(d.name, f.name) for d in TRANSCRIPTS.iterdir() if d.is_dir() and d.name != "prompts" for f in d.iterdir()}
    assert files == listed


@pytest.mark.parametrize("part_id, model", NOT_ANSWERED, ids=[f"{p}-{m}" for p, m in NOT_ANSWERED])
def test_a_part_marked_not_answered_is_answered_nowhere_in_that_models_seeds(part_id, model):
    """A "–" in the table is a fact about the seeds, not the absence of a cassette."""
    question, _ = PARTS[part_id]
    turns = [turn for m in MANIFESTS if m["model"] == model for turn in m["turns"]]
    assert turns, f"no seed manifest for {model}"
    answering = [f"{turn['response']} (turn {turn['turn']})" for turn in turns if part_id in turn["parts"]]
    assert not answering, f"the table says {model} never answered {part_id}, but its seeds do: {answering}"
    # The turns of this question (if any) answer other parts; no transcript file of it is left unlisted.
    files = sorted(p.name for p in (TRANSCRIPTS / model).glob(f"{question.id}.turn*.md"))
    of_question = sorted(Path(f).name for turn in turns if turn["question"] == question.id
                         for f in (turn["response"], turn.get("thinking")) if f)
    assert files == of_question


@pytest.mark.parametrize("part_id, model", SEEDED, ids=[f"{p}-{m}" for p, m in SEEDED])
def test_replaying_the_seeds_reproduces_the_expert_verdict(part_id, model):
    question, part = PARTS[part_id]
    expected = VERDICTS[part_id][model]
    conversation = _conversation(model, question)
    answer = answer_for_part(question, conversation.plans, conversation.replies, part_id) if conversation else None
    if expected == N:
        assert answer is None, f"{model} was not expected to answer {part_id}"
        return
    assert answer is not None, f"{model} has no recorded answer to {part_id}"
    graded = grade_example(part, answer.text)
    failed = [(c, v) for c, v in graded if not v.passed]
    if expected == V:
        assert not failed, "\n".join(f"{c.id}: {v.summary()}" for c, v in failed)
    else:
        assert failed, f"the key grades {model} on {part_id} ✗ but every concept passed"
        claim = WRONG_CLAIMS.get((model, part_id))
        if claim:
            said = " || ".join(verdict_words(v) for _, v in failed)
            assert claim.lower() in said, f"no failing verdict names the wrong claim ({claim!r}): {said}"


def test_every_wrong_answer_in_the_table_has_a_claim_to_name():
    wrong = {(model, part_id) for part_id, model in SEEDED if VERDICTS[part_id][model] == X}
    assert set(WRONG_CLAIMS) == wrong


def test_the_claim_search_reads_the_verdict_not_the_concept():
    verdict = Verdict.fail("expected a pair with one infinite KL", expected="valid", found="both finite")
    assert "gaussian" not in verdict_words(verdict)
    assert "both finite" in verdict_words(verdict)


CASSETTE_FILES = sorted(CASSETTES.glob("*/*.yaml"))


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=[f"{p.parent.name}-{p.stem}" for p in CASSETTE_FILES])
def test_each_seeded_cassette_records_the_endpoint_its_model_registry_names(path):
    from pytest_hwcheck.providers import PROVIDER_CLASSES
    from pytest_hwcheck.registry import load_registry

    spec = load_registry(ROOT)[path.parent.name]
    endpoint = (spec.base_url or PROVIDER_CLASSES[spec.provider].default_base_url).rstrip("/")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["metadata"]["hwcheck"].get("base_url", endpoint) == endpoint
    uris = [interaction["request"]["uri"] for interaction in data["interactions"]]
    assert all(uri.startswith(endpoint + "/") for uri in uris), uris
