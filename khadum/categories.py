"""The fixed service categories (their Arabic and English names live in the
database table `service_categories`)."""

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
