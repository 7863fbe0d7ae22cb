"""The dashboard's runtime configuration, `config.js` (window.KHADUM_CONFIG), read
by every page before it starts. A static deployment writes it from the settings
(`khadum web-config > web/dist/config.js`); the local server answers it itself,
with its own origin as the Supabase URL (`khadum.devstack.web`)."""

from __future__ import annotations

import json

from khadum.settings import Settings


def config_script(supabase_url: str, anon_key: str, functions_url: str,
                  vapid_public_key: str | None = None) -> str:
    config = {
        "supabaseUrl": supabase_url.rstrip("/"),
        "supabaseAnonKey": anon_key,
        "functionsUrl": functions_url.rstrip("/"),
        # Web Push: browsers subscribe with it (absent: the dashboard offers no push).
        "vapidPublicKey": vapid_public_key or "",
    }
    return f"window.KHADUM_CONFIG = {json.dumps(config)};\n"


def deployed_config(settings: Settings) -> str:
    """`config.js` for a deployment: the project's URL, publishable key and functions."""
    return config_script(
        settings.supabase_url, settings.browser_api_key, settings.functions_base_url,
        settings.vapid_public_key,
    )
