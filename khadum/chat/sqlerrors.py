"""Chat SQL refusals as HTTP errors: the shared KH errcodes, plus RLS denials."""

from __future__ import annotations

import psycopg

from khadum.errors import Forbidden, KhadumError
from khadum.sqlerrors import translate as translate_raised


def translate(exc: psycopg.Error) -> KhadumError | None:
    """The KhadumError for a deliberate SQL refusal, else None (a real fault)."""
    if exc.sqlstate == "42501":  # a row-level security policy said no
        return Forbidden("not allowed in this chat", code="not_a_party")
    return translate_raised(exc)
