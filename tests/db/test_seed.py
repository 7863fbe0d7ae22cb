"""The demo data: enough freelancers in every category, the spec's محمد, local
sign-ins that work, and a second run that changes nothing."""

from __future__ import annotations

import bcrypt
import psycopg

from khadum.seed.load import DEMO_PASSWORD, seed

CATEGORIES = (
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
)


def test_at_least_64_freelancers_and_3_per_category(conn: psycopg.Connection) -> None:
    total = conn.execute("select count(*) from freelancers").fetchone()
    assert total is not None and total[0] >= 64
    per_category = dict(
        conn.execute(
            "select c, count(*) from freelancers, unnest(categories) c group by c"
        ).fetchall()
    )
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 3


def test_the_categories_table_has_the_fixed_slugs(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "select slug, name_ar, name_en from service_categories order by sort_order"
    ).fetchall()
    assert tuple(r[0] for r in rows) == CATEGORIES
    assert all(r[1] and r[2] for r in rows)


def test_the_specs_mohammed_is_a_marketing_copywriter_rated_4_8(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select display_name, rating, categories[1], headline from freelancers "
        "where display_name like 'محمد%%' and 'marketing_ads' = any(categories)"
    ).fetchone()
    assert row is not None
    assert float(row[1]) == 4.8 and row[2] == "marketing_ads"
    assert "إعلان" in row[3]


def test_every_demo_freelancer_can_sign_in(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "select u.email, u.encrypted_password from freelancers f "
        "join auth.users u on u.id = f.user_id"
    ).fetchall()
    total = conn.execute("select count(*) from freelancers").fetchone()
    assert total is not None and len(rows) == total[0]
    assert len({r[1] for r in rows}) >= 1
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), rows[0][1].encode())
    assert not bcrypt.checkpw(b"wrong password", rows[0][1].encode())


def test_seed_is_idempotent(database_url: str) -> None:
    report = seed(database_url)
    assert (report.inserted, report.updated, report.users_created) == (0, 0, 0)
    assert report.unchanged >= 64


def test_search_document_finds_arabic_spelling_variants(conn: psycopg.Connection) -> None:
    # "إعلانات" typed as "اعلانات", "تسويقية" with a taa marbuta typed as haa.
    rows = conn.execute(
        "select display_name from freelancers where search_document @@ "
        "plainto_tsquery('arabic', public.normalize_arabic('اعلانات تسويقيه'))"
    ).fetchall()
    assert any(r[0].startswith("محمد") for r in rows)


def test_normalisation_folds_what_people_type(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select public.normalize_arabic('إعلانٌ  تسويقـــيّة ٣٠٠ ريالٍ لمستشفى أمل')"
    ).fetchone()
    assert row == ("اعلان تسويقيه 300 ريال لمستشفي امل",)
