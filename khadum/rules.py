"""The few rule values Python needs before it reaches the database, each a
mirror of the one definition in SQL (the source of truth).

tests/db/test_one_rule.py holds every value here equal to SQL's, so a change on
either side alone fails the suite. Nothing else in Python restates them."""

from __future__ import annotations

import re
from typing import Literal, get_args

# public.is_email(text): what an email address looks like (at most 254 characters).
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
EMAIL_MAX = 254


def is_email(text: str) -> bool:
    """public.is_email(): use with fullmatch semantics, as SQL anchors the pattern."""
    return len(text) <= EMAIL_MAX and EMAIL_PATTERN.fullmatch(text) is not None


# public.text_limit(name): how long a typed text may be, in characters.
TEXT_LIMITS: dict[str, int] = {
    "request_message": 1000,
    "chat_message": 4000,
    "chat_cancel_reason": 1000,
    "chat_rating_comment": 2000,
}

# The client_requests.status check constraint (effective_status adds nothing new).
RequestStatus = Literal["pending", "accepted", "rejected", "expired"]
REQUEST_STATUSES: tuple[str, ...] = get_args(RequestStatus)
