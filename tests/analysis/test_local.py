"""The local analyser on Gulf dialect, MSA and English, and budgets in SAR."""

from __future__ import annotations

import pytest

from khadum.analysis.budget import is_open_budget, parse_budget
from khadum.analysis.local import analyse_locally
from khadum.analysis.text import detect_language, normalize


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة", "marketing_ads"),
        ("ابغى احد يصمم لي شعار لمتجري في سلة", "graphic_design"),
        ("محتاج مترجم يترجم عقد من الانجليزي للعربي", "translation"),
        ("ودي أسوي تطبيق جوال لمطعمي", "mobile_apps"),
        ("أرغب في إنشاء متجر إلكتروني على منصة شوبيفاي", "ecommerce"),
        ("نحتاج مونتاج فيديو ريلز لحسابنا", "video_motion"),
        ("أريد تعليق صوتي لإعلان إذاعي", "voice_over"),
        ("أبي أحد يدير حسابات السوشيال ميديا حقتي في انستقرام وتيك توك", "social_media"),
        ("I need someone to translate my website into Arabic", "translation"),
        ("Looking for a UX designer to redesign our app screens in Figma", "ui_ux"),
        ("We need SEO for our online store", "seo"),
        ("تصميم داخلي لمجلس في فيلا", "interior_architecture"),
    ],
)
def test_categories(text: str, category: str) -> None:
    assert analyse_locally(text).category == category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300 ريال", (300, 300)),
        ("٣٠٠ ريال", (300, 300)),
        ("ميزانيتي بين ٢٠٠ و ٤٠٠", (200, 400)),
        ("من 200 إلى 400 ريال", (200, 400)),
        ("5 آلاف ريال", (5000, 5000)),
        ("بألف ريال", (1000, 1000)),
        ("الفين ريال", (2000, 2000)),
        ("budget 1.5k SAR", (1500, 1500)),
        ("1,500 SAR", (1500, 1500)),
        ("up to 500 SAR", (None, 500)),
        ("ميزانيتي حتى ٥٠٠٠ ر.س", (None, 5000)),
    ],
)
def test_budgets(text: str, expected: tuple[int | None, int]) -> None:
    budget = parse_budget(text)
    assert budget is not None and (budget.min, budget.max) == expected
    assert budget.currency == "SAR"


def test_ages_are_not_budgets_and_bare_numbers_need_the_budget_question() -> None:
    assert parse_budget("أبي إعلان لساعة ذكية للشباب من 18-30 سنة") is None
    assert parse_budget("young people aged 18-30") is None
    assert parse_budget("300") is None
    budget = parse_budget("300", lenient=True)
    assert budget is not None and budget.max == 300
    assert parse_budget("للشباب من 18-30 سنة", lenient=True) is None
    assert is_open_budget("الميزانية مفتوحة") and is_open_budget("not sure yet")


def test_the_spec_request_in_full() -> None:
    analysis = analyse_locally("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    assert analysis.category == "marketing_ads" and analysis.language == "ar"
    assert analysis.audience == "شباب 18-30 سنة"
    assert analysis.budget is None
    assert analysis.summary == "إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"
    assert "إعلانات تسويقية" in analysis.skills
    english = analyse_locally("I need a marketing ad for a smart watch, budget 300 SAR")
    assert english.language == "en" and english.budget is not None and english.budget.max == 300
    assert english.summary.startswith("a marketing ad")


def test_normalisation_matches_sql_and_language_detection() -> None:
    assert normalize("إعلانٌ  تسويقيّة ٣٠٠") == "اعلان تسويقيه 300"
    assert detect_language("أبي شعار logo") == "ar" and detect_language("I need a logo") == "en"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة، الميزانية 300 ريال",
         "إعلان تسويقي لساعة ذكية"),
        ("محتاج مترجم لعقد من الإنجليزي للعربي", "ترجمة عقد"),
        ("ابغى مصور منتجات لمتجر عطور بالرياض بحدود 1500", "تصوير منتجات لمتجر عطور بالرياض"),
        ("نبي موقع ووردبريس لشركتنا خلال أسبوعين", "موقع ووردبريس لشركتنا"),
        ("need someone to design a logo for my coffee shop, budget 500", "Logo for my coffee shop"),
        ("I want a website for my dental clinic with booking", "Website for my dental clinic"),
    ],
)
def test_a_short_service_title_from_the_clients_words(text: str, title: str) -> None:
    assert analyse_locally(text).title == title
