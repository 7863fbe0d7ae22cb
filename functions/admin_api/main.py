"""admin_api: the operator console's KPIs and review queues, staff only.

Deploy: `uvicorn functions.admin_api.main:app`; the routes: khadum.apps.ROUTERS["admin_api"]."""

from khadum.apps import create_app

app = create_app("admin_api")
