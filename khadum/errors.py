"""One small error hierarchy: each error knows its HTTP status and whether a
retry could succeed (the transient flag drives outbox retries)."""

from __future__ import annotations


class KhadumError(Exception):
    status = 500
    code = "internal_error"
    transient = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(KhadumError):
    status = 400
    code = "bad_request"


class Unauthorized(KhadumError):
    status = 401
    code = "unauthorized"


class Forbidden(KhadumError):
    status = 403
    code = "forbidden"


class NotFound(KhadumError):
    status = 404
    code = "not_found"


class Conflict(KhadumError):
    status = 409
    code = "conflict"


class Invalid(KhadumError):
    status = 422
    code = "invalid"


class TransientError(KhadumError):
    status = 503
    code = "temporarily_unavailable"
    transient = True


class Gone(KhadumError):
    status = 410
    code = "gone"


class TooManyRequests(KhadumError):
    status = 429
    code = "rate_limited"
    transient = True


class PayloadTooLarge(KhadumError):
    status = 413
    code = "too_large"
