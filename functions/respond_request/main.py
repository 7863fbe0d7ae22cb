"""respond_request: a freelancer accepts, rejects or asks for details (DESIGN.md §4).

Deploy: `uvicorn functions.respond_request.main:app`;
the routes: khadum.apps.ROUTERS["respond_request"]."""

from khadum.apps import create_app

app = create_app("respond_request")
