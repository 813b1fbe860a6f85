"""Validation of names that become file paths and test ids (models, questions, parts, concepts)."""

from __future__ import annotations

import re

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class UnsafeNameError(ValueError):
    """A model, question, part or concept name that cannot safely become a path or test id."""


def check_name(kind: str, value: str) -> str:
    """Return ``value`` if it is letters, digits, ``.``, ``_`` and ``-`` only (and no ``..``), else raise.

    Names become paths (``cassettes/<model>/<question>.yaml``) and node ids, so
    ``../x`` or ``a/b`` must never get through.
    """
    if not isinstance(value, str) or not _SAFE_NAME.match(value) or ".." in value:
        raise UnsafeNameError(
            f"invalid {kind} name {value!r}: use letters, digits, '.', '_' and '-' only "
            "(it becomes a file name and a test id)"
        )
    return value
