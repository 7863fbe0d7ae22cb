"""Text of the local start page, Arabic first with English beside it."""

START_PAGE: dict[str, dict[str, str]] = {
    "title": {"ar": "خدوم — البيئة المحلية", "en": "Khadum — local stack"},
    "intro": {
        "ar": "كل أجزاء منصة خدوم تعمل على جهازك: قاعدة البيانات، الدوال، لوحة المستقل، "
        "المحادثة الخاصة، لوحة المشغّل، محاكي واتساب وصندوق البريد.",
        "en": "Every part of Khadum runs on this machine: the database, the functions, the "
        "freelancer dashboard, the private chat, the operator console, the WhatsApp "
        "simulator and the mailbox.",
    },
    "running": {"ar": "ما يعمل الآن", "en": "What is running"},
    "database": {"ar": "قاعدة البيانات", "en": "Database"},
    "freelancers": {"ar": "المستقلون في قاعدة البيانات", "en": "Freelancers in the database"},
    "expiry": {"ar": "انتهاء صلاحية الطلبات", "en": "Request expiry"},
    "expiry_dev": {
        "ar": "يشغّلها خادم التطوير كل دقيقة (pg_cron غير متوفر محليًا)",
        "en": "run by the dev server every minute (pg_cron is not available locally)",
    },
    "expiry_cron": {
        "ar": "مجدولة بـ pg_cron كل دقيقة",
        "en": "scheduled with pg_cron every minute",
    },
    "endpoints": {"ar": "الروابط", "en": "Endpoints"},
    "signins": {"ar": "حسابات تجريبية للمستقلين", "en": "Demo freelancer sign-ins"},
    "signins_note": {
        "ar": "كل المستقلين التجريبيين يدخلون بالبريد الظاهر وكلمة المرور نفسها:",
        "en": "Every demo freelancer signs in with their email and the same password:",
    },
    "name": {"ar": "الاسم", "en": "Name"},
    "email": {"ar": "البريد", "en": "Email"},
    "headline": {"ar": "التخصص", "en": "Headline"},
    "rating": {"ar": "التقييم", "en": "Rating"},
    "show_all": {"ar": "عرض الجميع", "en": "show all"},
}


def text(key: str) -> dict[str, str]:
    return START_PAGE[key]


SIMULATOR: dict[str, dict[str, str]] = {
    "title": {"ar": "محاكي واتساب — خدوم", "en": "WhatsApp simulator — Khadum"},
    "phone": {"ar": "رقم العميل", "en": "Client phone"},
    "name": {"ar": "اسم العميل", "en": "Client name"},
    "start": {"ar": "ابدأ", "en": "Start"},
    "placeholder": {"ar": "اكتب رسالة", "en": "Type a message"},
    "send": {"ar": "إرسال", "en": "Send"},
    "attach": {"ar": "مرفق", "en": "Attach"},
    "image": {"ar": "📷 صورة", "en": "📷 Image"},
    "voice": {"ar": "🎙️ رسالة صوتية", "en": "🎙️ Voice note"},
    "sticker": {"ar": "😀 ملصق", "en": "😀 Sticker"},
    "location": {"ar": "📍 موقع", "en": "📍 Location"},
    "bot": {"ar": "خدوم", "en": "Khadum"},
    "online": {"ar": "متصل", "en": "online"},
    "template": {"ar": "رسالة قالب معتمد", "en": "Approved template message"},
    "close": {"ar": "إغلاق", "en": "Close"},
    "hint": {
        "ar": "يرسل كل ما تكتبه أو تضغطه كطلب Webhook موقّع بنفس شكل Meta إلى /functions/v1/whatsapp_webhook، ويعرض رسائل البوت كما استلمها Graph API المحلي.",
        "en": "Everything you type or tap is sent as a Meta-shaped, signed webhook call to /functions/v1/whatsapp_webhook; the bot's messages are shown as the local Graph API received them.",
    },
}


def simulator_text(key: str) -> dict[str, str]:
    return SIMULATOR[key]
