"""Dates as a client in Saudi Arabia reads them: Riyadh time, month in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from khadum.bot.catalogue import t

RIYADH = ZoneInfo("Asia/Riyadh")


def riyadh_words(moment: datetime, language: str) -> str:
    """"1 December 2026 - 2:15 AM", in the client's language (the spec's format)."""
    local = moment.astimezone(RIYADH)
    month = t("months", language).split()[local.month - 1]
    period = t("time_am" if local.hour < 12 else "time_pm", language)
    return f"{local.day} {month} {local.year} - {local.hour % 12 or 12}:{local.minute:02d} {period}"


def riyadh_clock(moment: datetime, language: str) -> str:
    """"10:41:05 PM" in Riyadh time, to the second (when a short wait ends)."""
    local = moment.astimezone(RIYADH)
    period = t("time_am" if local.hour < 12 else "time_pm", language)
    return f"{local.hour % 12 or 12}:{local.minute:02d}:{local.second:02d} {period}"
