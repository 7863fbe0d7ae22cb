"""chat: the private chat (sessions from chat links, messages, files, completion).

Deploy: `uvicorn functions.chat.main:app`; the routes: khadum.apps.ROUTERS["chat"]."""

from khadum.apps import create_app

app = create_app("chat")
