"""Email subjects and the few words the templates share, Arabic first, English beside."""

from __future__ import annotations

SUBJECTS: dict[str, dict[str, str]] = {
    "client_request_accepted": {
        "ar": "تم قبول طلبك من المستقل {freelancer_name} ✅ - منصة خدوم",
        "en": "Your request was accepted by {freelancer_name} ✅ - Khadum",
    },
    "freelancer_new_client": {
        "ar": "عميل جديد ينتظرك في المحادثة 🎉 - منصة خدوم",
        "en": "A new client is waiting for you in the chat 🎉 - Khadum",
    },
    "freelancer_request_alert:unopened": {
        "ar": "طلب جديد من {client_name} بانتظارك ⏰ - منصة خدوم",
        "en": "A new request from {client_name} is waiting for you ⏰ - Khadum",
    },
    "freelancer_request_alert:expiry_reminder": {
        "ar": "طلب {client_name} ينتهي قريباً ⏳ - منصة خدوم",
        "en": "The request from {client_name} expires soon ⏳ - Khadum",
    },
}

SAR: dict[str, str] = {"ar": "ريال", "en": "SAR"}


def subject(template: str, locale: str, **params: str) -> str:
    entry = SUBJECTS[template]
    return entry.get(locale, entry["ar"]).format(**params)
