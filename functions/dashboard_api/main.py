"""dashboard_api: the freelancer dashboard's reads, through RLS as the signed-in freelancer.

Deploy: `uvicorn functions.dashboard_api.main:app`;
the routes: khadum.apps.ROUTERS["dashboard_api"]."""

from khadum.apps import create_app

app = create_app("dashboard_api")
