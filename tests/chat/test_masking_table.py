"""Issue 11: every case of the project's own table goes through the real SQL
masking function on real PostgreSQL; the figures are printed and held to
evasions fully masked >= 90 % and benign messages untouched >= 98 %."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import psycopg
import pytest

from tests.chat.masking_cases import BENIGN, EVASIONS


def digits_left(text: str) -> str:
    """Every digit left in the text, whatever its script, as ASCII."""
    text = unicodedata.normalize("NFKC", text.replace("[🔒]", " "))
    return "".join(
        str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None
    )


def fully_masked(text: str, masked: str, hits: list[str], secrets: tuple[str, ...]) -> bool:
    if not hits or "[🔒]" not in masked:
        return False
    rest = masked.replace("[🔒]", " ").lower()
    if any(s.lower() in rest for s in secrets):
        return False
    # no five digits left in one run of digit groups (the mask leaves context only)
    flat = unicodedata.normalize("NFKC", masked.replace("[🔒]", "X"))
    runs = re.split(r"[^\d\s\-.,()+/|*:٫~_—]+", flat)
    return all(len(digits_left(run)) < 5 for run in runs)


def evaluate(conn: psycopg.Connection) -> dict[str, object]:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: list[tuple[str, str, str]] = []
    for kind, text, secrets in EVASIONS:
        masked, hits = conn.execute(
            "select * from public.mask_contact_details(%s)", (text,)).fetchone()
        ok = fully_masked(text, masked, hits, secrets)
        per_kind[kind][0] += ok
        per_kind[kind][1] += 1
        if not ok:
            missed.append((kind, text, masked))
    touched: list[tuple[str, str]] = []
    for text in BENIGN:
        masked, hits = conn.execute(
            "select * from public.mask_contact_details(%s)", (text,)).fetchone()
        if (masked, hits) != (text, []):
            touched.append((text, masked))
    masked_total = sum(v[0] for v in per_kind.values())
    return {
        "evasions": len(EVASIONS),
        "evasions_fully_masked_pct": round(100 * masked_total / len(EVASIONS), 1),
        "per_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_kind.items())},
        "benign": len(BENIGN),
        "benign_untouched_pct": round(100 * (len(BENIGN) - len(touched)) / len(BENIGN), 1),
        "missed": missed,
        "touched": touched,
    }


def test_the_table_is_big_enough() -> None:
    kinds = {kind for kind, _, _ in EVASIONS}
    assert len(EVASIONS) >= 150 and len(BENIGN) >= 80
    assert kinds == {"phone", "email", "link", "handle"}
    assert len(set(t for _, t, _ in EVASIONS)) == len(EVASIONS)
    assert len(set(BENIGN)) == len(BENIGN)


def test_evasions_are_masked_and_business_talk_is_left_alone(
    conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = evaluate(conn)
    with capsys.disabled():
        print("\nmasking table:", {k: v for k, v in figures.items()
                                   if k not in ("missed", "touched")})
        for kind, text, masked in figures["missed"]:  # type: ignore[attr-defined]
            print(f"  missed {kind}: {text!r} -> {masked!r}")
        for text, masked in figures["touched"]:  # type: ignore[attr-defined]
            print(f"  touched: {text!r} -> {masked!r}")
    assert figures["evasions_fully_masked_pct"] >= 90  # type: ignore[operator]
    assert figures["benign_untouched_pct"] >= 98  # type: ignore[operator]


def test_no_stray_plus_is_left_behind(conn: psycopg.Connection) -> None:
    for text in ("+966 55 123 4567", "اتصل +966551234567 الآن", "+ 966 55 123 4567"):
        masked, _ = conn.execute(
            "select * from public.mask_contact_details(%s)", (text,)).fetchone()
        assert "+" not in masked and "[🔒]" in masked, masked


def test_a_message_with_nothing_to_mask_comes_back_byte_for_byte(conn: psycopg.Connection) -> None:
    text = f"شكرًا{chr(0x200b)} على التصميم ١٥ صفحة 🙏🏽"
    assert conn.execute("select * from public.mask_contact_details(%s)", (text,)).fetchone() == (
        text, [])
