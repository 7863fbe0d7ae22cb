"""send_emails: drain the email outbox (service key) and take Resend's delivery events.

Deploy: `uvicorn functions.send_emails.main:app`;
the routes: khadum.apps.ROUTERS["send_emails"]."""

from khadum.apps import create_app

app = create_app("send_emails")
