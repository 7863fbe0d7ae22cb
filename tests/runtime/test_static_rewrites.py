"""The static dashboard's rewrite files (copied into web/dist by Vite) send both
chat routes to chat.html on Netlify, Cloudflare Pages and Vercel."""

from __future__ import annotations

import json

from tests.runtime.support import ROOT

PUBLIC = ROOT / "web" / "public"


def test_netlify_and_cloudflare_rewrite_both_chat_routes() -> None:
    rules = [line.split() for line in (PUBLIC / "_redirects").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert ["/chat/*", "/chat.html", "200"] in rules
    assert ["/chats/*", "/chat.html", "200"] in rules


def test_vercel_rewrites_both_chat_routes() -> None:
    config = json.loads((PUBLIC / "vercel.json").read_text())
    targets = {r["source"].rsplit("/", 1)[0]: r["destination"] for r in config["rewrites"]}
    assert targets == {"/chat": "/chat.html", "/chats": "/chat.html"}
