"""Render the acceptance emails from Jinja2 templates (Arabic RTL HTML + plain text).

Pure: a context in, rendered emails out. The respond function queues them in
the email outbox; the email sender only sends what it finds there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from khadum.email.messages import subject

_env = Environment(
    loader=PackageLoader("khadum.email", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

CLIENT_TEMPLATE = "client_request_accepted"
FREELANCER_TEMPLATE = "freelancer_new_client"
LOCALES = ("ar", "en")


@dataclass(frozen=True)
class AcceptanceContext:
    """What both acceptance emails say (everything already display-ready)."""

    client_name: str
    client_email: str | None
    client_locale: str
    freelancer_name: str
    freelancer_email: str | None
    freelancer_rating: str
    service_title: str
    service_type: str
    project_summary: str
    budget: str
    audience: str | None
    client_chat_url: str
    freelancer_chat_url: str


@dataclass(frozen=True)
class RenderedEmail:
    template: str
    to_email: str
    locale: str
    subject: str
    html_body: str
    text_body: str
    params: dict[str, Any]

    def as_outbox_row(self) -> dict[str, Any]:
        return asdict(self)


def render(template: str, locale: str, to_email: str, context: AcceptanceContext) -> RenderedEmail:
    locale = locale if locale in LOCALES else "ar"
    values = asdict(context)
    chat_url = (
        context.client_chat_url if template == CLIENT_TEMPLATE else context.freelancer_chat_url
    )
    values["chat_url"] = chat_url
    html = _env.get_template(f"{template}.{locale}.html").render(**values)
    text = _env.get_template(f"{template}.{locale}.txt").render(**values)
    return RenderedEmail(
        template=template,
        to_email=to_email,
        locale=locale,
        subject=subject(template, locale, freelancer_name=context.freelancer_name),
        html_body=html,
        text_body=text,
        params={"chat_url": chat_url, "freelancer_name": context.freelancer_name,
                "client_name": context.client_name},
    )


def acceptance_emails(context: AcceptanceContext) -> list[RenderedEmail]:
    """The spec's two emails: to the client (if they gave an address) and the freelancer."""
    emails = []
    if context.client_email:
        emails.append(render(CLIENT_TEMPLATE, context.client_locale, context.client_email, context))
    if context.freelancer_email:
        emails.append(render(FREELANCER_TEMPLATE, "ar", context.freelancer_email, context))
    return emails
