"""The ranking in SQL over the whole freelancer table, and `khadum match --json`."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg

from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, NOURA

SPEC = "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"


def ranked(conn: psycopg.Connection, *args: object) -> list[str]:
    rows = conn.execute(
        "select freelancer_id::text from match_freelancers(%s, %s, %s, %s, %s::uuid[], %s, 0, %s)",
        args,
    ).fetchall()
    return [r[0] for r in rows]


def test_the_spec_request_ranks_mohammed_first(conn: psycopg.Connection) -> None:
    top = ranked(conn, SPEC, "marketing_ads", ["إعلانات تسويقية"], 300, [], 5, None)
    assert top[0] == str(freelancer_id(MOHAMMED)) and len(top) == 5
    without = ranked(conn, SPEC, "marketing_ads", [], 300, [str(freelancer_id(MOHAMMED))], 50, None)
    assert str(freelancer_id(MOHAMMED)) not in without and len(without) >= 5


def test_text_alone_finds_people_with_arabic_normalisation(conn: psycopg.Connection) -> None:
    # No category, spelled with hamza and taa marbuta variants: full-text and trigram still work.
    top = ranked(conn, "كاتب اعلانات تسويقيه للمنتجات التقنيه", None, [], None, [], 3, None)
    assert top[0] == str(freelancer_id(MOHAMMED))
    assert ranked(conn, "zzqx", None, [], None, [], 5, None) == []


def test_an_embedding_counts_when_present(conn: psycopg.Connection) -> None:
    vector = "[" + ",".join(["0.03"] * 1536) + "]"
    conn.execute(
        "update freelancers set embedding = %s::extensions.vector where id = %s",
        (vector, freelancer_id(NOURA)),
    )
    plain = ranked(conn, SPEC, "marketing_ads", [], 300, [], 5, None)
    with_embedding = ranked(conn, SPEC, "marketing_ads", [], 300, [], 5, vector)
    assert plain[0] == str(freelancer_id(MOHAMMED))
    assert with_embedding[0] == str(freelancer_id(NOURA))


def test_khadum_match_json(database_url: str) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "khadum.cli",
            "match",
            SPEC,
            "--json",
            "--limit",
            "3",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report) == {"analysis", "matches"}
    assert report["analysis"] == {
        "category": "marketing_ads",
        "skills": ["إعلانات تسويقية", "تسويق"],
        "budget": None,
        "language": "ar",
        "summary": "إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
    }
    assert len(report["matches"]) == 3
    first = report["matches"][0]
    assert set(first) == {
        "freelancer_id",
        "display_name",
        "rating",
        "categories",
        "score",
        "reason",
    }
    assert first["display_name"] == "محمد الغامدي" and first["rating"] == 4.8
    assert "الإعلانات التسويقية" in first["reason"]
    scores = [m["score"] for m in report["matches"]]
    assert scores == sorted(scores, reverse=True)
    budget = subprocess.run(
        [
            sys.executable,
            "-m",
            "khadum.cli",
            "match",
            "logo for my café, budget 200-400 SAR",
            "--json",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    analysis = json.loads(budget.stdout)["analysis"]
    assert analysis["budget"] == {"min": 200, "max": 400, "currency": "SAR"}
    assert analysis["category"] == "graphic_design" and analysis["language"] == "en"
