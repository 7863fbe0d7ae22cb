"""Issue 10, item 4: the suggested reason speaks of the chosen freelancer's own
expertise, the summary and the stored request agree after an edit, a budget under
the freelancer's minimum gets a gentle word, English clients read English, and the
freelancer is referred to without a gender."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg.rows import dict_row

from khadum.bot.catalogue import MESSAGES
from tests.bot.flows import PICK_MOHAMMED, pick_ids
from tests.factories import opened_row
from tests.whatsapp.meta import WhatsAppUser, bot_settings, rows_of, text_of, webhook_client

PHONE = "+966503334455"
ARABIC = re.compile("[\u0600-\u06ff]")


def freelancers(url: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "select id::text, categories, skills, headline from freelancers "
            "where id = any(%s::uuid[])",
            ([i.removeprefix("pick:") for i in ids],),
        ).fetchall()
    return {f"pick:{r['id']}": r for r in rows}


async def test_the_suggested_reason_is_the_chosen_freelancers_own_expertise(
    clean_db: str,
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        listing = (await user.say("أبي إعلان تسويقي لساعة ذكية للشباب"))[1]
        other = None
        for _ in range(6):  # down the pages to someone whose main field is not ads
            found = freelancers(clean_db, pick_ids(listing))
            other = next((i for i, f in found.items() if f["categories"][0] != "marketing_ads"),
                         None)
            if other:
                break
            listing = (await user.tap("more", "", "list_reply"))[0]
        assert other is not None
        await user.tap(other, "", "list_reply")
        await user.tap("confirm_choice")
        for answer in ("سارة", "sara@example.com", "لا يوجد", "2000"):
            reply = await user.say(answer)
        reason = text_of(reply[0])
        assert "سبب اختيارك" in reason
        assert "الإعلانات التسويقية" not in reason  # the request's category, not theirs
        own = [found[other]["headline"], *found[other]["skills"]]
        assert any(words in reason for words in own), (reason, own)


async def test_an_edited_budget_leaves_no_old_figure_and_a_low_one_is_flagged(
    clean_db: str,
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await user.say("أبي إعلان تسويقي لساعة ذكية للشباب، الميزانية 100 ريال")
        await user.tap(PICK_MOHAMMED, "محمد الغامدي", "list_reply")
        await user.tap("confirm_choice")
        for answer in ("سارة", "sara@example.com", "لا يوجد"):
            await user.say(answer)
        summary = text_of((await user.tap("use_suggested"))[0])
        assert "الميزانية: 100 ريال" in summary
        assert "تبدأ عادةً من 250 ريال" in summary  # محمد starts at 250 SAR: a gentle word
        await user.tap("edit")
        await user.tap("edit:budget", "الميزانية", "list_reply")
        summary = text_of((await user.say("٥٠٠ ريال"))[0])
        assert "الميزانية: 500 ريال" in summary and "100" not in summary
        assert "تبدأ عادةً" not in summary
        await user.tap("submit")
    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        request = opened_row(conn.execute(
            "select service_description, budget_range, project_details from client_requests"
        ).fetchone())
    assert request is not None
    assert request["service_description"] == "أبي إعلان تسويقي لساعة ذكية للشباب"
    assert request["budget_range"] == "500 ريال"
    assert request["project_details"]["budget"] == {"min": 500, "max": 500, "currency": "SAR"}


async def test_english_clients_read_english_headlines_and_cities(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "John")
        seen: list[str] = []
        listing = (await user.say("I need a professional logo and brand identity for my cafe"))[1]
        for _ in range(3):
            rows = [r for r in rows_of(listing) if r["id"].startswith("pick:")]
            seen.extend(r["id"] for r in rows)
            for row in rows:
                assert not ARABIC.search(row["description"]), row
            more = await user.tap("more", "More freelancers", "list_reply")
            if more[0]["type"] != "interactive":
                break
            listing = more[0]
        card = text_of((await user.tap(seen[-1], "", "list_reply"))[0])
        assert "Send your request to" in card
        assert not ARABIC.search(card.split("\n", 1)[1]), card  # headline, city: English


def test_the_freelancer_is_referred_to_without_a_gender() -> None:
    masculine = ("رده", "عنده", "قبل طلبك", "اعتذر عن", "معه", "قيّمه", "يسأل", "أبشر")
    for key, entry in MESSAGES.items():
        if key.startswith("followup.") or key in {"submitted", "waiting_reminder"}:
            assert not any(word in entry["ar"] for word in masculine), key
