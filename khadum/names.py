"""A freelancer's name in the reader's language, decided once: the English name
when the reader reads English and the freelancer gave one, else the Arabic
name. The bot, the matcher and the follow-ups all ask `display_name`."""

from __future__ import annotations


def display_name(arabic: str | None, english: str | None, language: str) -> str:
    return (english if language == "en" and english else arabic) or ""
