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
        ("اعلانات قوقل", 2.5, "Google Ads", "Google Ads"), ("معدل التحويل", 2, "تحسين معدل التحويل", "conversion rate optimisation"),
        ("conversion rate", 2, "تحسين معدل التحويل", "conversion rate optimisation"),
        ("ممول", 2, "إعلانات ممولة", "paid ads"), ("قوقل ادز", 2.5, "Google Ads", "Google Ads"),
        ("google ads", 2.5, "Google Ads", "Google Ads"), ("ppc", 2, "PPC", "PPC"),
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
        ("رسم", 1.5, "رسم رقمي", "illustration"), ("رسام", 2, "رسم رقمي", "illustration"),
        ("illustrat", 2, "رسم رقمي", "illustration"), ("تغليف", 2, "تصميم تغليف", "packaging design"),
        ("packaging", 2, "تصميم تغليف", "packaging design"), ("pitch deck", 2.5, "عروض تقديمية", "pitch decks"),
        ("عرض تقديمي", 2, "عروض تقديمية", "pitch decks"), ("انفوجرافيك", 2, "إنفوجرافيك", "infographics"),
        ("شعار", 2, "تصميم شعارات", "logo design"), ("لوقو", 2, "تصميم شعارات", "logo design"),
        ("لوجو", 2, "تصميم شعارات", "logo design"), ("هويه", 2, "هوية بصرية", "brand identity"),
        ("تصميم", 1, "تصميم جرافيك", "graphic design"), ("يصمم", 1, "تصميم جرافيك", "graphic design"), ("بوستر", 1.5, "تصميم جرافيك", "graphic design"),
        ("بروشور", 1.5, "تصميم مطبوعات", "print design"), ("منيو", 1, "تصميم مطبوعات", "print design"),
        ("logo", 2, "تصميم شعارات", "logo design"), ("brand identity", 2, "هوية بصرية", "brand identity"),
        ("graphic", 2, "تصميم جرافيك", "graphic design"), ("poster", 1.5, "تصميم جرافيك", "graphic design"),
        ("flyer", 1.5, "تصميم مطبوعات", "print design"), ("design", 1, "تصميم جرافيك", "graphic design"),
    ],
    "video_motion": [
        ("2d animation", 2.5, "رسوم متحركة", "2D animation"), ("cartoon", 1.5, "رسوم متحركة", "2D animation"),
        ("رسوم متحركه", 2.5, "رسوم متحركة", "2D animation"),
        ("اخراج", 2.5, "إخراج إعلانات", "ad directing"), ("directing", 2, "إخراج إعلانات", "ad directing"),
        ("youtube", 1, "مونتاج", "video editing"), ("يوتيوب", 1, "مونتاج", "video editing"),
        ("ugc", 2, "UGC", "UGC"),
        ("فيديو", 2, "مونتاج", "video editing"), ("مونتاج", 2, "مونتاج", "video editing"),
        ("موشن", 2, "موشن جرافيك", "motion graphics"), ("انيميشن", 2, "موشن جرافيك", "motion graphics"),
        ("ريلز", 1.5, "مونتاج", "video editing"), ("video", 2, "مونتاج", "video editing"),
        ("motion", 2, "موشن جرافيك", "motion graphics"), ("animation", 2, "موشن جرافيك", "motion graphics"),
        ("editing", 1, "مونتاج", "video editing"), ("reels", 1.5, "مونتاج", "video editing"),
    ],
    "photography": [
        ("بورتريه", 2.5, "تصوير بورتريه", "portraits"), ("portrait", 2.5, "تصوير بورتريه", "portraits"),
        ("headshot", 2.5, "تصوير بورتريه", "portraits"), ("مصوره", 2, "تصوير", "photography"),
        ("زواج", 1.5, "تصوير مناسبات", "event photography"), ("اعراس", 1.5, "تصوير مناسبات", "event photography"),
        ("wedding", 1.5, "تصوير مناسبات", "event photography"), ("real estate", 1, "تصوير عقاري", "real estate photography"),
        ("تصوير", 2, "تصوير", "photography"), ("مصور", 2, "تصوير", "photography"),
        ("صور منتجات", 2, "تصوير منتجات", "product photography"), ("درون", 1.5, "تصوير درون", "drone footage"),
        ("photo", 2, "تصوير", "photography"), ("photographer", 2, "تصوير", "photography"),
        ("shoot", 1.5, "تصوير", "photography"), ("drone", 1.5, "تصوير درون", "drone footage"),
    ],
    "writing_content": [
        ("سيناريو", 2.5, "كتابة سيناريو", "scriptwriting"), ("تاليف", 2, "كتابة إبداعية", "creative writing"),
        ("قصص", 1.5, "كتابة إبداعية", "creative writing"), ("documentation", 2.5, "توثيق", "documentation"),
        ("توثيق", 2, "توثيق", "documentation"), ("technical writ", 2.5, "كتابة تقنية", "technical writing"),
        ("رساله ماجستير", 1.5, "تدقيق لغوي", "proofreading"), ("story", 1.5, "كتابة إبداعية", "creative writing"),
        ("كتابه محتوي", 2, "كتابة محتوى", "content writing"), ("محتوي", 1.5, "كتابة محتوى", "content writing"),
        ("مقال", 2, "كتابة مقالات", "article writing"), ("مدونه", 1.5, "كتابة مقالات", "article writing"),
        ("كاتب", 1, "كتابة محتوى", "content writing"), ("نصوص", 1, "كتابة محتوى", "content writing"),
        ("سكربت", 1.5, "كتابة سكربتات", "scriptwriting"), ("تدقيق", 1.5, "تدقيق لغوي", "proofreading"),
        ("article", 2, "كتابة مقالات", "article writing"), ("blog", 1.5, "كتابة مقالات", "article writing"),
        ("content", 1.5, "كتابة محتوى", "content writing"), ("writer", 1, "كتابة محتوى", "content writing"),
        ("script", 1.5, "كتابة سكربتات", "scriptwriting"), ("proofread", 1.5, "تدقيق لغوي", "proofreading"),
    ],
    "translation": [
        ("عقد", 1, "ترجمة قانونية", "legal translation"), ("عقود", 1, "ترجمة قانونية", "legal translation"),
        ("قانوني", 1.5, "ترجمة قانونية", "legal translation"), ("معتمد", 1, "ترجمة معتمدة", "certified translation"),
        ("contract", 1, "ترجمة قانونية", "legal translation"), ("legal", 1.5, "ترجمة قانونية", "legal translation"),
        ("certified", 1, "ترجمة معتمدة", "certified translation"), ("subtitl", 3.5, "سبتايتل", "subtitling"),
        ("سبتايتل", 3, "سبتايتل", "subtitling"), ("ترجمه فيديو", 2, "سبتايتل", "subtitling"),
        ("فرنسي", 1, "ترجمة فرنسي", "French translation"), ("french", 1, "ترجمة فرنسي", "French translation"),
        ("اردو", 1.5, "ترجمة أردو", "Urdu translation"), ("urdu", 1.5, "ترجمة أردو", "Urdu translation"),
        ("ترجمه", 2.5, "ترجمة", "translation"), ("مترجم", 2.5, "ترجمة", "translation"),
        ("ترجم", 2, "ترجمة", "translation"), ("translat", 2.5, "ترجمة", "translation"),
        ("localiz", 2, "توطين", "localization"),
    ],
    "web_development": [
        ("django", 2, "Django", "Django"), ("react", 1.5, "React", "React"), ("full-stack", 2, "برمجة", "programming"),
        ("fullstack", 2, "برمجة", "programming"), ("next.js", 2, "Next.js", "Next.js"), ("front-end", 2, "واجهات أمامية", "front-end"),
        ("بايثون", 2, "Python", "Python"), ("python", 2, "Python", "Python"), ("اتمته", 2, "أتمتة", "automation"),
        ("automat", 2, "أتمتة", "automation"), ("سحب البيانات", 2, "سحب البيانات", "web scraping"),
        ("scrap", 2, "سحب البيانات", "web scraping"), ("laravel", 2, "Laravel", "Laravel"), ("باك اند", 2, "برمجة", "programming"),
        ("بوابه دفع", 2, "بوابات الدفع", "payment gateways"), ("payment gateway", 2, "بوابات الدفع", "payment gateways"),
        ("موقع", 2, "تطوير مواقع", "web development"), ("ويب", 1.5, "تطوير مواقع", "web development"),
        ("ووردبريس", 2, "WordPress", "WordPress"), ("صفحه هبوط", 2, "صفحات هبوط", "landing pages"),
        ("برمج", 1, "برمجة", "programming"), ("website", 2, "تطوير مواقع", "web development"),
        ("web", 1.5, "تطوير مواقع", "web development"), ("wordpress", 2, "WordPress", "WordPress"),
        ("landing page", 2, "صفحات هبوط", "landing pages"), ("backend", 1.5, "برمجة", "programming"),
        ("frontend", 1.5, "واجهات أمامية", "front-end"),
    ],
    "mobile_apps": [
        ("فلاتر", 2, "Flutter", "Flutter"), ("swift", 2, "Swift", "Swift"), ("kotlin", 2, "Kotlin", "Kotlin"),
        ("كوتلن", 2, "Kotlin", "Kotlin"), ("react native", 2.5, "React Native", "React Native"),
        ("تطبيق", 2, "تطبيقات جوال", "mobile apps"), ("ابلكيشن", 2, "تطبيقات جوال", "mobile apps"),
        ("جوال", 1, "تطبيقات جوال", "mobile apps"), ("ايفون", 1, "iOS", "iOS"),
        ("اندرويد", 1.5, "Android", "Android"), ("app", 2, "تطبيقات جوال", "mobile apps"),
        ("mobile", 1.5, "تطبيقات جوال", "mobile apps"), ("ios", 1.5, "iOS", "iOS"),
        ("android", 1.5, "Android", "Android"), ("flutter", 2, "Flutter", "Flutter"),
    ],
    "ui_ux": [
        ("تصميم واجه", 2, "تصميم واجهات", "UI design"), ("قابليه الاستخدام", 3, "اختبارات قابلية الاستخدام", "usability testing"),
        ("usability", 3, "اختبارات قابلية الاستخدام", "usability testing"), ("مقابلات المستخدمين", 2, "بحث المستخدم", "UX research"),
        ("لوحه تحكم", 1.5, "لوحات تحكم", "dashboard design"), ("dashboard", 1.5, "لوحات تحكم", "dashboard design"),
        ("واجهه", 2, "تصميم واجهات", "UI design"), ("واجهات", 2, "تصميم واجهات", "UI design"),
        ("تجربه المستخدم", 2.5, "تجربة المستخدم", "UX"), ("فيقما", 1.5, "Figma", "Figma"),
        ("ui", 2, "تصميم واجهات", "UI design"), ("ux", 2, "تجربة المستخدم", "UX"),
        ("figma", 1.5, "Figma", "Figma"), ("wireframe", 1.5, "نماذج أولية", "wireframes"),
        ("prototype", 1.5, "نماذج أولية", "prototypes"),
    ],
    "voice_over": [
        ("معلق", 2, "تعليق صوتي", "voice over"), ("دبلج", 3, "دبلجة", "dubbing"), ("dubbing", 3, "دبلجة", "dubbing"),
        ("narrator", 2.5, "تعليق صوتي", "voice over"), ("audiobook", 2.5, "كتب صوتية", "audiobooks"),
        ("كتاب صوتي", 2.5, "كتب صوتية", "audiobooks"), ("كتب صوتيه", 2.5, "كتب صوتية", "audiobooks"),
        ("تعليق صوتي", 3, "تعليق صوتي", "voice over"), ("صوتي", 1.5, "تعليق صوتي", "voice over"),
        ("فويس", 2, "تعليق صوتي", "voice over"), ("بودكاست", 1.5, "بودكاست", "podcast"),
        ("voice", 2, "تعليق صوتي", "voice over"), ("voiceover", 3, "تعليق صوتي", "voice over"),
        ("narrat", 1.5, "تعليق صوتي", "voice over"), ("podcast", 1.5, "بودكاست", "podcast"),
    ],
    "data_entry": [
        ("تفريغ صوتي", 3, "تفريغ صوتي", "transcription"), ("pdf", 1, "تحويل الملفات", "file conversion"),
        ("رفع منتجات", 3, "رفع منتجات", "product uploads"), ("virtual assistant", 3, "مساعد افتراضي", "virtual assistant"),
        ("مساعد افتراضي", 3, "مساعد افتراضي", "virtual assistant"), ("crm", 1.5, "إدارة بيانات CRM", "CRM data"),
        ("جداول", 1, "Excel", "Excel"),
        ("ادخال بيانات", 3, "إدخال بيانات", "data entry"), ("بيانات", 1, "إدخال بيانات", "data entry"),
        ("اكسل", 1.5, "Excel", "Excel"), ("تفريغ", 1.5, "تفريغ صوتي", "transcription"),
        ("data entry", 3, "إدخال بيانات", "data entry"), ("excel", 1.5, "Excel", "Excel"),
        ("spreadsheet", 1.5, "Excel", "Excel"), ("transcri", 1.5, "تفريغ صوتي", "transcription"),
    ],
    "business_consulting": [
        ("محاسب", 2.5, "محاسبة", "accounting"), ("زكاه", 2, "زكاة وضريبة", "zakat and VAT"),
        ("ضريبه", 2, "زكاة وضريبة", "zakat and VAT"), ("vat", 2, "زكاة وضريبة", "zakat and VAT"),
        ("accounting", 2.5, "محاسبة", "accounting"), ("موارد بشريه", 2.5, "موارد بشرية", "HR consulting"),
        ("go-to-market", 2.5, "استراتيجية نمو", "growth strategy"),
        ("growth", 1.5, "استراتيجية نمو", "growth strategy"),
        ("استشار", 2, "استشارات أعمال", "business consulting"), ("خطه عمل", 2.5, "خطط أعمال", "business plans"),
        ("دراسه جدوي", 2.5, "دراسات جدوى", "feasibility studies"), ("مشروعي", 0.5, "", ""),
        ("نموذج مالي", 2, "نماذج مالية", "financial models"), ("consult", 2, "استشارات أعمال", "business consulting"),
        ("business plan", 2.5, "خطط أعمال", "business plans"), ("feasibility", 2.5, "دراسات جدوى", "feasibility studies"),
        ("strategy", 1.5, "استراتيجية", "strategy"),
    ],
    "seo": [
        ("كلمات مفتاحيه", 2.5, "كلمات مفتاحية", "keyword research"), ("سيو محلي", 2, "SEO محلي", "local SEO"),
        ("خرائط قوقل", 2, "SEO محلي", "local SEO"), ("google maps", 2, "SEO محلي", "local SEO"),
        ("سرعه الموقع", 2, "SEO تقني", "technical SEO"), ("سيو تقني", 2, "SEO تقني", "technical SEO"),
        ("seo تقني", 2, "SEO تقني", "technical SEO"), ("technical seo", 2, "SEO تقني", "technical SEO"),
        ("سيو", 3, "SEO", "SEO"), ("محركات البحث", 3, "SEO", "SEO"), ("قوقل", 1, "", ""),
        ("seo", 3, "SEO", "SEO"), ("search engine", 3, "SEO", "SEO"), ("google ranking", 2, "SEO", "SEO"),
        ("keywords", 1.5, "كلمات مفتاحية", "keyword research"),
    ],
    "ecommerce": [
        ("theme", 1.5, "تخصيص قوالب", "theme customization"), ("قوالب", 1.5, "تخصيص قوالب", "theme customization"),
        ("امازون", 2.5, "أمازون ونون", "Amazon and Noon"), ("amazon", 2.5, "أمازون ونون", "Amazon and Noon"),
        ("نون", 1.5, "أمازون ونون", "Amazon and Noon"), ("noon", 1.5, "أمازون ونون", "Amazon and Noon"),
        ("زد", 1, "زد", "Zid"), ("خدمه العملاء", 1.5, "خدمة عملاء", "customer service"),
        ("متجر", 1.5, "متاجر إلكترونية", "online stores"), ("سله", 1, "سلة", "Salla"),
        ("شوبيفاي", 2, "Shopify", "Shopify"),
        ("store", 2, "متاجر إلكترونية", "online stores"), ("shop", 1.5, "متاجر إلكترونية", "online stores"),
        ("shopify", 2, "Shopify", "Shopify"), ("ecommerce", 2.5, "متاجر إلكترونية", "online stores"),
        ("e-commerce", 2.5, "متاجر إلكترونية", "online stores"),
    ],
    "interior_architecture": [
        ("مخطط", 2, "مخططات تنفيذية", "construction drawings"), ("مهندس معماري", 3, "تصميم معماري", "architecture"),
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


# Umbrella labels that say no more than the category does («إعلانات تسويقية»):
# category fit already counts them, so they do not count again as a skill.
GENERIC_LABELS = frozenset({
    "إعلانات تسويقية", "advertising", "تسويق", "marketing", "إدارة حسابات",
    "social media management", "تصميم جرافيك", "graphic design", "تصوير", "photography",
    "كتابة محتوى", "content writing", "ترجمة", "translation", "تطوير مواقع", "web development",
    "برمجة", "programming", "تطبيقات جوال", "mobile apps", "تصميم واجهات", "UI design",
    "تعليق صوتي", "voice over", "إدخال بيانات", "data entry", "استشارات أعمال",
    "business consulting", "SEO", "متاجر إلكترونية", "online stores",
})


def matching_skills(labels: list[str]) -> list[str]:
    """The skills to match freelancers on: specific ones, in both languages."""
    return [label for label in bilingual(labels) if label not in GENERIC_LABELS]


def bilingual(labels: list[str]) -> list[str]:
    """Skill labels with their twins in the other language, so an English request
    finds a freelancer whose skills are written in Arabic, and the reverse."""
    out = list(labels)
    for entries in CATEGORY_WORDS.values():
        for _, _, label_ar, label_en in entries:
            if label_ar and label_en and (label_ar in labels or label_en in labels):
                for twin in (label_ar, label_en):
                    if twin not in out:
                        out.append(twin)
    return out
