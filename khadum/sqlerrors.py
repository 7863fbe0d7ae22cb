"""SQL functions raise on purpose with a stable errcode (KH + the HTTP status) and
a stable message (the error code); this turns those into the HTTP error hierarchy.
The one translation for every caller (admin, requests, bot, chat); a row-level
security denial (42501) is a 403 as well."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg

from khadum.errors import (
    Conflict,
    Forbidden,
    Invalid,
    KhadumError,
    NotFound,
    TooManyRequests,
)

SQLSTATE_ERRORS: dict[str, type[KhadumError]] = {
    "KH403": Forbidden,
    "KH404": NotFound,
    "KH409": Conflict,
    "KH422": Invalid,
    "KH429": TooManyRequests,
}


def translate(exc: psycopg.Error, messages: Mapping[str, str] | None = None
              ) -> KhadumError | None:
    """The KhadumError a SQL function raised on purpose, or None (a real fault).
    `messages` gives a readable sentence per code; otherwise the code is spelled out."""
    if exc.sqlstate == "42501":  # a row-level security policy or a grant said no
        return Forbidden("not allowed", code="not_allowed")
    kind = SQLSTATE_ERRORS.get(exc.sqlstate or "")
    if kind is None:
        return None
    code = (exc.diag.message_primary or kind.code).strip()
    return kind((messages or {}).get(code, code.replace("_", " ")), code=code)
