"""Graph API errors as classes: each knows whether a retry could succeed."""

from __future__ import annotations

from typing import Any

from khadum.errors import KhadumError

# Meta error codes worth retrying (throttling, temporary outages).
TRANSIENT_CODES = frozenset(
    {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
)
REENGAGEMENT = 131047


class GraphError(KhadumError):
    status = 502
    code = "whatsapp_error"

    def __init__(
        self, message: str, *, graph_code: int | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.graph_code = graph_code
        self.http_status = http_status


class GraphTransientError(GraphError):
    """Rate limits (130429), 5xx, timeouts: try again later."""

    code = "whatsapp_transient"
    transient = True


class GraphOutcomeUnknown(GraphTransientError):
    """The request may have reached Meta (a read timeout, a dropped answer): sending
    it again blindly could deliver it twice, so the row waits to be reconciled."""

    code = "whatsapp_outcome_unknown"


class GraphPermanentError(GraphError):
    """Bad request, unknown recipient, bad token: retrying cannot help."""

    code = "whatsapp_permanent"


class ReengagementRequired(GraphPermanentError):
    """131047: more than 24 hours since the client wrote; only a template may go."""

    code = "whatsapp_window_closed"


def error_from_response(http_status: int, body: Any) -> GraphError:
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    graph_code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    details = (
        (error.get("error_data") or {}).get("details")
        if isinstance(error.get("error_data"), dict)
        else None
    )
    message = f"Graph API {http_status}: {error.get('message') or 'error'}" + (
        f" ({details})" if details else ""
    )
    if graph_code == REENGAGEMENT:
        return ReengagementRequired(message, graph_code=graph_code, http_status=http_status)
    if http_status >= 500 or http_status == 429 or graph_code in TRANSIENT_CODES:
        return GraphTransientError(message, graph_code=graph_code, http_status=http_status)
    return GraphPermanentError(message, graph_code=graph_code, http_status=http_status)
