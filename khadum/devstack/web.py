"""Local only: serves the built dashboard (web/dist) and its runtime configuration.

The page reads `config.js` (window.KHADUM_CONFIG) before it starts. Locally the
dev server is the Supabase stand-in, so its own origin is the Supabase URL; for
a static deployment `khadum web-config` writes the same file from the settings
(`khadum.webconfig`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from khadum.paths import WEB_DIST_DIR
from khadum.settings import Settings
from khadum.webconfig import config_script

NOT_BUILT = """<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8">
<title>خدوم</title><body style="font-family:sans-serif;padding:2rem">
<h1>لوحة التحكم غير مبنية بعد · The dashboard is not built yet</h1>
<p><code>make bootstrap</code> (npm ci + npm run build in web/)</p>
<p><a href="/dev">/dev</a></p></body></html>"""


def router(settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.get("/config.js", include_in_schema=False)
    async def config_js(request: Request) -> Response:
        origin = str(request.base_url).rstrip("/")
        functions = settings.functions_url or f"{origin}/functions/v1"
        body = config_script(origin, settings.browser_api_key, functions,
                             settings.vapid_public_key)
        return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-store"})

    @api.get("/", include_in_schema=False, response_model=None)
    async def dashboard() -> FileResponse | HTMLResponse:
        return _page("index.html")

    # Web Push and the installed app: the service worker must be served from the
    # root to control the whole dashboard; the manifest and icons beside it.
    @api.get("/sw.js", include_in_schema=False, response_model=None)
    async def service_worker() -> FileResponse | HTMLResponse:
        return _static("sw.js", "text/javascript")

    @api.get("/manifest.webmanifest", include_in_schema=False, response_model=None)
    async def manifest() -> FileResponse | HTMLResponse:
        return _static("manifest.webmanifest", "application/manifest+json")

    @api.get("/icons/{name}", include_in_schema=False, response_model=None)
    async def icon(name: str) -> FileResponse | HTMLResponse:
        if name not in ICONS:
            return HTMLResponse("not found", status_code=404)
        return _static(f"icons/{name}", "image/png")

    # The operator console (staff only: the admin_api function decides).
    @api.get("/admin", include_in_schema=False, response_model=None)
    async def operator_console() -> FileResponse | HTMLResponse:
        return _page("admin.html")

    # The chat page: /chat/{token} for the client, /chats/{id} for the freelancer.
    @api.get("/chat/{token}", include_in_schema=False, response_model=None)
    async def client_chat(token: str) -> FileResponse | HTMLResponse:
        return _page("chat.html")

    @api.get("/chats/{chat_id}", include_in_schema=False, response_model=None)
    async def freelancer_chat(chat_id: str) -> FileResponse | HTMLResponse:
        return _page("chat.html")

    return api


def _page(name: str) -> FileResponse | HTMLResponse:
    page = WEB_DIST_DIR / name
    if not page.exists():
        return HTMLResponse(NOT_BUILT, status_code=503)
    return FileResponse(
        page, headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"}
    )


ICONS = frozenset({"icon-192.png", "icon-512.png", "icon-maskable-512.png",
                   "apple-touch-icon.png"})


def _static(name: str, media_type: str) -> FileResponse | HTMLResponse:
    path = WEB_DIST_DIR / name
    if not path.exists():
        return HTMLResponse("not built", status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


def assets() -> StaticFiles:
    return StaticFiles(directory=WEB_DIST_DIR / "assets", check_dir=False)
