"""Words that point to each service category (Gulf dialect, MSA, English).

Arabic stems are written normalised (see `text.normalize`) and match with the
usual clitics in front (و ف ب ل ك ال لل) and any ending; English stems match at
a word start. Each entry: (stem, weight, skill label ar, skill label en); a label
of "" adds no skill.
"""

from __future__ import annotations

Entry = tuple[str, float, str, str]

CATEGORY_WORDS: dict[str, list[Entry]] = {
    "marketing_ads": [
        ("اعلان", 2, "إعلانات تسويقية", "advertising"), ("دعايه", 2, "إعلانات تسويقية", "advertising"),
        ("تسويق", 1.5, "تسويق", "marketing"), ("حمله", 1, "حملات إعلانية", "ad campaigns"),
        ("برومو", 1, "إعلانات تسويقية", "advertising"), ("ad", 2, "إعلانات تسويقية", "advertising"),
        ("ads", 2, "إعلانات تسويقية", "advertising"), ("advert", 2, "إعلانات تسويقية", "advertising"),
        ("marketing", 1.5, "تسويق", "marketing"), ("campaign", 1, "حملات إعلانية", "ad campaigns"),
        ("copywrit", 1.5, "كتابة إعلانات", "copywriting"), ("promo", 1, "إعلانات تسويقية", "advertising"),
    ],
    "social_media": [
        ("سوشيال", 2, "إدارة حسابات", "social media management"), ("سوشل", 2, "إدارة حسابات", "social media management"),
        ("انستقرام", 1.5, "Instagram", "Instagram"), ("انستا", 1.5, "Instagram", "Instagram"),
        ("تيك توك", 1.5, "TikTok", "TikTok"), ("سناب", 1.5, "Snapchat", "Snapchat"),
        ("تويتر", 1, "X", "X"), ("منصات التواصل", 2, "إدارة حسابات", "social media management"),
        ("حسابات", 1, "إدارة حسابات", "social media management"), ("متابعين", 1, "", ""),
        ("social media", 2, "إدارة حسابات", "social media management"), ("instagram", 1.5, "Instagram", "Instagram"),
        ("tiktok", 1.5, "TikTok", "TikTok"), ("snapchat", 1.5, "Snapchat", "Snapchat"),
        ("followers", 1, "", ""), ("content calendar", 1, "", ""),
    ],
    "graphic_design": [
        ("شعار", 2, "تصميم شعارات", "logo design"), ("لوقو", 2, "تصميم شعارات", "logo design"),
        ("لوجو", 2, "تصميم شعارات", "logo design"), ("هويه", 2, "هوية بصرية", "brand identity"),
        ("تصميم", 1, "تصميم جرافيك", "graphic design"), ("يصمم", 1, "تصميم جرافيك", "graphic design"), ("بوستر", 1.5, "تصميم جرافيك", "graphic design"),
        ("بروشور", 1.5, "تصميم مطبوعات", "print design"), ("منيو", 1, "تصميم مطبوعات", "print design"),
        ("logo", 2, "تصميم شعارات", "logo design"), ("brand identity", 2, "هوية بصرية", "brand identity"),
        ("graphic", 2, "تصميم جرافيك", "graphic design"), ("poster", 1.5, "تصميم جرافيك", "graphic design"),
        ("flyer", 1.5, "تصميم مطبوعات", "print design"), ("design", 1, "تصميم جرافيك", "graphic design"),
    ],
    "video_motion": [
        ("فيديو", 2, "مونتاج", "video editing"), ("مونتاج", 2, "مونتاج", "video editing"),
        ("موشن", 2, "موشن جرافيك", "motion graphics"), ("انيميشن", 2, "موشن جرافيك", "motion graphics"),
        ("ريلز", 1.5, "مونتاج", "video editing"), ("video", 2, "مونتاج", "video editing"),
        ("motion", 2, "موشن جرافيك", "motion graphics"), ("animation", 2, "موشن جرافيك", "motion graphics"),
        ("editing", 1, "مونتاج", "video editing"), ("reels", 1.5, "مونتاج", "video editing"),
    ],
    "photography": [
        ("تصوير", 2, "تصوير", "photography"), ("مصور", 2, "تصوير", "photography"),
        ("صور منتجات", 2, "تصوير منتجات", "product photography"), ("درون", 1.5, "تصوير درون", "drone footage"),
        ("photo", 2, "تصوير", "photography"), ("photographer", 2, "تصوير", "photography"),
        ("shoot", 1.5, "تصوير", "photography"), ("drone", 1.5, "تصوير درون", "drone footage"),
    ],
    "writing_content": [
        ("كتابه محتوي", 2, "كتابة محتوى", "content writing"), ("محتوي", 1.5, "كتابة محتوى", "content writing"),
        ("مقال", 2, "كتابة مقالات", "article writing"), ("مدونه", 1.5, "كتابة مقالات", "article writing"),
        ("كاتب", 1, "كتابة محتوى", "content writing"), ("نصوص", 1, "كتابة محتوى", "content writing"),
        ("سكربت", 1.5, "كتابة سكربتات", "scriptwriting"), ("تدقيق", 1.5, "تدقيق لغوي", "proofreading"),
        ("article", 2, "كتابة مقالات", "article writing"), ("blog", 1.5, "كتابة مقالات", "article writing"),
        ("content", 1.5, "كتابة محتوى", "content writing"), ("writer", 1, "كتابة محتوى", "content writing"),
        ("script", 1.5, "كتابة سكربتات", "scriptwriting"), ("proofread", 1.5, "تدقيق لغوي", "proofreading"),
    ],
    "translation": [
        ("ترجمه", 2.5, "ترجمة", "translation"), ("مترجم", 2.5, "ترجمة", "translation"),
        ("ترجم", 2, "ترجمة", "translation"), ("translat", 2.5, "ترجمة", "translation"),
        ("localiz", 2, "توطين", "localization"),
    ],
    "web_development": [
        ("موقع", 2, "تطوير مواقع", "web development"), ("ويب", 1.5, "تطوير مواقع", "web development"),
        ("ووردبريس", 2, "WordPress", "WordPress"), ("صفحه هبوط", 2, "صفحات هبوط", "landing pages"),
        ("برمج", 1, "برمجة", "programming"), ("website", 2, "تطوير مواقع", "web development"),
        ("web", 1.5, "تطوير مواقع", "web development"), ("wordpress", 2, "WordPress", "WordPress"),
        ("landing page", 2, "صفحات هبوط", "landing pages"), ("backend", 1.5, "برمجة", "programming"),
        ("frontend", 1.5, "واجهات أمامية", "front-end"),
    ],
    "mobile_apps": [
        ("تطبيق", 2, "تطبيقات جوال", "mobile apps"), ("ابلكيشن", 2, "تطبيقات جوال", "mobile apps"),
        ("جوال", 1, "تطبيقات جوال", "mobile apps"), ("ايفون", 1, "iOS", "iOS"),
        ("اندرويد", 1.5, "Android", "Android"), ("app", 2, "تطبيقات جوال", "mobile apps"),
        ("mobile", 1.5, "تطبيقات جوال", "mobile apps"), ("ios", 1.5, "iOS", "iOS"),
        ("android", 1.5, "Android", "Android"), ("flutter", 2, "Flutter", "Flutter"),
    ],
    "ui_ux": [
        ("واجهه", 2, "تصميم واجهات", "UI design"), ("واجهات", 2, "تصميم واجهات", "UI design"),
        ("تجربه المستخدم", 2.5, "تجربة المستخدم", "UX"), ("فيقما", 1.5, "Figma", "Figma"),
        ("ui", 2, "تصميم واجهات", "UI design"), ("ux", 2, "تجربة المستخدم", "UX"),
        ("figma", 1.5, "Figma", "Figma"), ("wireframe", 1.5, "نماذج أولية", "wireframes"),
        ("prototype", 1.5, "نماذج أولية", "prototypes"),
    ],
    "voice_over": [
        ("تعليق صوتي", 3, "تعليق صوتي", "voice over"), ("صوتي", 1.5, "تعليق صوتي", "voice over"),
        ("فويس", 2, "تعليق صوتي", "voice over"), ("بودكاست", 1.5, "بودكاست", "podcast"),
        ("voice", 2, "تعليق صوتي", "voice over"), ("voiceover", 3, "تعليق صوتي", "voice over"),
        ("narrat", 1.5, "تعليق صوتي", "voice over"), ("podcast", 1.5, "بودكاست", "podcast"),
    ],
    "data_entry": [
        ("ادخال بيانات", 3, "إدخال بيانات", "data entry"), ("بيانات", 1, "إدخال بيانات", "data entry"),
        ("اكسل", 1.5, "Excel", "Excel"), ("تفريغ", 1.5, "تفريغ صوتي", "transcription"),
        ("data entry", 3, "إدخال بيانات", "data entry"), ("excel", 1.5, "Excel", "Excel"),
        ("spreadsheet", 1.5, "Excel", "Excel"), ("transcri", 1.5, "تفريغ صوتي", "transcription"),
    ],
    "business_consulting": [
        ("استشار", 2, "استشارات أعمال", "business consulting"), ("خطه عمل", 2.5, "خطط أعمال", "business plans"),
        ("دراسه جدوي", 2.5, "دراسات جدوى", "feasibility studies"), ("مشروعي", 0.5, "", ""),
        ("نموذج مالي", 2, "نماذج مالية", "financial models"), ("consult", 2, "استشارات أعمال", "business consulting"),
        ("business plan", 2.5, "خطط أعمال", "business plans"), ("feasibility", 2.5, "دراسات جدوى", "feasibility studies"),
        ("strategy", 1.5, "استراتيجية", "strategy"),
    ],
    "seo": [
        ("سيو", 3, "SEO", "SEO"), ("محركات البحث", 3, "SEO", "SEO"), ("قوقل", 1, "", ""),
        ("seo", 3, "SEO", "SEO"), ("search engine", 3, "SEO", "SEO"), ("google ranking", 2, "SEO", "SEO"),
        ("keywords", 1.5, "كلمات مفتاحية", "keyword research"),
    ],
    "ecommerce": [
        ("متجر", 1.5, "متاجر إلكترونية", "online stores"), ("سله", 1, "سلة", "Salla"),
        ("شوبيفاي", 2, "Shopify", "Shopify"),
        ("store", 2, "متاجر إلكترونية", "online stores"), ("shop", 1.5, "متاجر إلكترونية", "online stores"),
        ("shopify", 2, "Shopify", "Shopify"), ("ecommerce", 2.5, "متاجر إلكترونية", "online stores"),
        ("e-commerce", 2.5, "متاجر إلكترونية", "online stores"),
    ],
    "interior_architecture": [
        ("ديكور", 2.5, "تصميم داخلي", "interior design"), ("تصميم داخلي", 3, "تصميم داخلي", "interior design"),
        ("معماري", 2.5, "تصميم معماري", "architecture"), ("مجلس", 1.5, "تصميم داخلي", "interior design"),
        ("فيلا", 1.5, "تصميم معماري", "architecture"), ("شقه", 1, "تصميم داخلي", "interior design"),
        ("interior", 3, "تصميم داخلي", "interior design"), ("architect", 2.5, "تصميم معماري", "architecture"),
        ("3d render", 2, "تصاميم ثلاثية الأبعاد", "3D rendering"),
    ],
}

# Who the work is for: (stem, label ar, label en).
AUDIENCES: list[tuple[str, str, str]] = [
    ("شباب", "شباب", "young people"), ("youth", "شباب", "young people"),
    ("young", "شباب", "young people"), ("بنات", "نساء", "women"), ("نساء", "نساء", "women"),
    ("سيدات", "نساء", "women"), ("women", "نساء", "women"), ("اطفال", "أطفال", "children"),
    ("kids", "أطفال", "children"), ("children", "أطفال", "children"), ("طلاب", "طلاب", "students"),
    ("students", "طلاب", "students"), ("شركات", "شركات", "businesses"), ("b2b", "شركات", "businesses"),
    ("businesses", "شركات", "businesses"), ("عائلات", "عائلات", "families"), ("families", "عائلات", "families"),
    ("رجال", "رجال", "men"), ("men", "رجال", "men"),
]

# Openers people put before the need ("أبي", "I need") — dropped from summaries.
OPENERS: tuple[str, ...] = (
    "السلام عليكم", "مرحبا", "هلا", "اهلا", "ابي", "ابغي", "ابغا", "ودي", "احتاج", "اريد", "نبي",
    "نحتاج", "محتاج", "i need", "i want", "i'm looking for", "looking for", "we need", "hi", "hello",
)
