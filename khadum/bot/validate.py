"""Checks on the client's answers (name, email, details, reason)."""

from __future__ import annotations

import re

from khadum.analysis.pleasantries import is_pleasantry
from khadum.analysis.text import normalize
from khadum.rules import is_email

_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*$")
_NONE_WORDS = {
    "لا يوجد",
    "لا",
    "ما فيه",
    "مافيه",
    "لايوجد",
    "none",
    "no",
    "nothing",
    "skip",
    "تخطي",
    "-",
}
_YES = {
    "نعم",
    "ايه",
    "ايوه",
    "اي",
    "تمام",
    "اكيد",
    "موافق",
    "ارسل",
    "اوكي",
    "ok",
    "okay",
    "yes",
    "y",
    "sure",
    "send",
    "confirm",
    "يب",
}
_NO = {"لا", "no", "n", "لا شكرا", "غير"}

DESCRIPTION_MAX = 2000  # the whole description, over however many messages
DETAILS_MAX = 1500
REASON_MAX = 500


_NAME_OPENERS = ("انا اسمي", "اسمي", "انا", "الاسم", "my name is", "my name's", "i'm", "i am",
                 "name", "it's", "its")


def clean_name(text: str) -> str | None:
    """A person's name: letters only, 2-60 characters, never a yes/no word or a
    greeting («اي» is not a name); «اسمي سارة» gives «سارة»."""
    name = " ".join(text.split()).strip(" .!،,:")
    folded = normalize(name)
    for opener in _NAME_OPENERS:
        if folded.startswith(opener + " "):
            name = " ".join(name.split()[len(opener.split()) :]).strip(" .!،,:")
            break
    if is_yes(name) or is_no(name) or is_none(name) or is_pleasantry(name):
        return None
    if 2 <= len(name) <= 60 and _NAME.match(name):
        return name
    return None


def clean_email(text: str) -> str | None:
    email = text.strip().strip("<>").strip()
    return email.lower() if is_email(email) else None


def is_none(text: str) -> bool:
    return normalize(text).strip(" .!") in _NONE_WORDS


def is_yes(text: str) -> bool:
    return normalize(text).strip(" .!👍") in _YES


def is_no(text: str) -> bool:
    return normalize(text).strip(" .!") in _NO
