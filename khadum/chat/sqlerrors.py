"""SQL raises with stable errcodes; this maps them to the HTTP error hierarchy."""

from __future__ import annotations

import psycopg

from khadum.errors import (
    Conflict,
    Forbidden,
    Invalid,
    KhadumError,
    NotFound,
    TooManyRequests,
)

_BY_SQLSTATE: dict[str, type[KhadumError]] = {
    "KHN01": Forbidden,
    "KHS01": Conflict,
    "KHV01": Invalid,
    "KHF01": NotFound,
    "KHR01": TooManyRequests,
    "42501": Forbidden,
}


def translate(exc: psycopg.Error) -> KhadumError | None:
    """The KhadumError for a SQL error raised on purpose, else None (a real fault)."""
    kind = _BY_SQLSTATE.get(exc.sqlstate or "")
    if kind is None:
        return None
    reason = exc.diag.message_primary or kind.code
    if exc.sqlstate == "42501":
        reason = "not allowed in this chat"
    return kind(reason, code=reason if reason.replace("_", "").isalpha() else None)
