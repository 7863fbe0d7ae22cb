"""The fixed service categories. The database table `service_categories` is the
source (slugs, Arabic and English names); this Literal mirrors its slugs for typing
and the analyser's schema, and tests/db/test_seed.py holds the two equal."""

from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "marketing_ads",
    "social_media",
    "graphic_design",
    "video_motion",
    "photography",
    "writing_content",
    "translation",
    "web_development",
    "mobile_apps",
    "ui_ux",
    "voice_over",
    "data_entry",
    "business_consulting",
    "seo",
    "ecommerce",
    "interior_architecture",
]

CATEGORY_SLUGS: tuple[str, ...] = get_args(Category)
