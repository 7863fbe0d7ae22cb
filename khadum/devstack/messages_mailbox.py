"""Text of the local mailbox page, Arabic first with English beside it."""

MAILBOX_PAGE: dict[str, dict[str, str]] = {
    "title": {"ar": "صندوق البريد المحلي", "en": "Local mailbox"},
    "intro": {
        "ar": "كل رسالة أرسلتها خدوم إلى بديل Resend المحلي، كما ستصل إلى صاحبها، مع حالة تسليمها.",
        "en": "Every email Khadum handed to the local Resend stand-in, as its recipient would see it, with its delivery state.",
    },
    "empty": {"ar": "لا توجد رسائل بعد.", "en": "No emails yet."},
    "refresh": {"ar": "تحديث", "en": "refresh"},
    "from": {"ar": "من", "en": "From"},
    "to": {"ar": "إلى", "en": "To"},
    "sent_at": {"ar": "وقت الإرسال", "en": "Sent"},
    "state": {"ar": "الحالة", "en": "State"},
    "html": {"ar": "النسخة المنسّقة", "en": "HTML"},
    "text": {"ar": "النص العادي", "en": "Plain text"},
    "pending": {"ar": "رسائل لم تُرسل بعد أو فشلت", "en": "Not sent yet, or failed"},
    "attempts": {"ar": "المحاولات", "en": "Attempts"},
    "error": {"ar": "آخر خطأ", "en": "Last error"},
    "subject": {"ar": "الموضوع", "en": "Subject"},
}

STATES: dict[str, dict[str, str]] = {
    "queued": {"ar": "في الانتظار", "en": "queued"},
    "sending": {"ar": "قيد الإرسال", "en": "sending"},
    "sent": {"ar": "أُرسلت", "en": "sent"},
    "delivered": {"ar": "وصلت", "en": "delivered"},
    "delayed": {"ar": "تأخر التسليم", "en": "delayed"},
    "bounced": {"ar": "ارتدّت", "en": "bounced"},
    "complained": {"ar": "أُبلغ عنها كمزعجة", "en": "complained"},
    "failed": {"ar": "فشلت", "en": "failed"},
    "unknown": {"ar": "غير معروفة", "en": "unknown"},
}


def mailbox_text(key: str) -> dict[str, str]:
    return MAILBOX_PAGE[key]


def state_text(state: str | None) -> dict[str, str]:
    return STATES.get(state or "unknown", STATES["unknown"])
