"""All bot text lives in the catalogue, in both languages, within WhatsApp's limits."""

from __future__ import annotations

import re
from pathlib import Path

from khadum.analysis.models import CATEGORY_SLUGS
from khadum.bot.catalogue import EXPERTISE, MESSAGES, TEMPLATES, t

BOT_DIR = Path(__file__).resolve().parents[2] / "khadum" / "bot"


def test_every_message_has_arabic_and_english_with_the_same_placeholders() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"ar", "en"}, key
        assert set(re.findall(r"{(\w+)}", entry["ar"])) == set(re.findall(r"{(\w+)}", entry["en"]))
    assert set(EXPERTISE) == set(CATEGORY_SLUGS)
    assert set(TEMPLATES) == {
        "request_expired",
        "request_rejected",
        "request_accepted",
        "details_requested",
        "chat_unread",
        "rating_request",
    }


def test_titles_fit_whatsapp_limits() -> None:
    for key in [k for k in MESSAGES if k.startswith("btn_")] + ["list_button", "edit_button"]:
        for lang in ("ar", "en"):
            assert len(t(key, lang)) <= 20, (key, lang)
    for key in [k for k in MESSAGES if k.startswith(("row_", "edit_", "list_section"))]:
        if key in {"row_description", "row_more_desc", "row_redescribe_desc", "edit_prompt"}:
            continue
        for lang in ("ar", "en"):
            assert len(t(key, lang)) <= 24, (key, lang)


def test_the_bot_logic_holds_no_arabic_text() -> None:
    for path in BOT_DIR.glob("*.py"):
        if path.name == "catalogue.py":
            continue
        strings = re.findall(r'"[^"\n]*[\u0600-\u06ff][^"\n]*"', path.read_text())
        # Only words the bot *recognises* (commands, yes/no, greetings) may appear there.
        assert (
            path.name in {"commands.py", "validate.py", "engine.py", "choosing.py"} or not strings
        ), path
