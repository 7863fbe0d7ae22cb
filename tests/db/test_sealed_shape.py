"""The shape checks of sealed values (`public.is_ciphertext`, `public.is_blind_index`,
migration 20251205000300) give the same answer as the patterns they were first
written with, on every edge of those patterns."""

from __future__ import annotations

import psycopg

from khadum.crypto import keyring
from khadum.requests import sealed
from khadum.settings import Settings

FORMER_CIPHERTEXT = r"^ev1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+$"
FORMER_BLIND_INDEX = r"^[0-9a-f]{64}$"

B64 = "AZaz09_-"
CIPHERTEXTS = [
    "ev1.k.x", "ev1.dev1.de7WdF_t1bKrdkWT4zDlwRv5TFeEBRo", "ev1." + "k" * 32 + ".abc",
    "ev1." + "k" * 33 + ".abc", "ev1." + "k" * 31 + "." + B64 * 50, "ev1..abc", "ev1.k.",
    "ev1.k", "ev1.", "ev1", "", "ev2.k.abc", "EV1.k.abc", "xev1.k.abc", " ev1.k.abc",
    "ev1.k.abc ", "ev1.k.abc\n", "\nev1.k.abc", "ev1.k.a\nb", "ev1.k.ab.c", "ev1.k.l.m.n",
    "ev1.k..abc", "ev1.k+.abc", "ev1.k.ab=", "ev1.k.ab/c", "ev1.كلمة.abc", "ev1.k.كلمة",
    "ev1.k.é", "ev1.kéy.abc", "ev1._-.-_", "ev1.k\u00a0.abc", "ev1.k.abc\u0660",
    "+966500000001", "ev1.k\tx.abc", "ev1.k.abc.",
]
BLIND_INDEXES = [
    "0" * 64, "f" * 64, "0123456789abcdef" * 4, "0" * 63, "0" * 65, "F" * 64,
    "g" + "0" * 63, "0" * 63 + "\n", "\n" + "0" * 63, " " + "0" * 63, "0" * 32 + " " + "0" * 31,
    "", "٠" * 64, "0" * 63 + "٠", "x", "ev1.k.abc",
]


def test_is_ciphertext_answers_as_its_former_pattern(conn: psycopg.Connection) -> None:
    ring = keyring(Settings())
    values = [*CIPHERTEXTS, ring.encrypt("+966500000001", sealed.PHONE),
              ring.encrypt("نص " * 500, "chat_messages.body")]
    rows = conn.execute(
        "select v, public.is_ciphertext(v), v ~ %s from unnest(%s::text[]) v",
        (FORMER_CIPHERTEXT, values)).fetchall()
    assert len(rows) == len(values)
    assert [(v, now) for v, now, _ in rows] == [(v, former) for v, _, former in rows]
    assert sum(1 for _, now, _ in rows if now) >= 6  # the cases hold both answers
    assert sum(1 for _, now, _ in rows if not now) >= 20
    assert conn.execute("select public.is_ciphertext(null)").fetchone() == (None,)


def test_is_blind_index_answers_as_its_former_pattern(conn: psycopg.Connection) -> None:
    values = [*BLIND_INDEXES, sealed.phone_index(keyring(Settings()), "+966500000001")]
    rows = conn.execute(
        "select v, public.is_blind_index(v), v ~ %s from unnest(%s::text[]) v",
        (FORMER_BLIND_INDEX, values)).fetchall()
    assert len(rows) == len(values)
    assert [(v, now) for v, now, _ in rows] == [(v, former) for v, _, former in rows]
    assert sum(1 for _, now, _ in rows if now) == 4
    assert conn.execute("select public.is_blind_index(null)").fetchone() == (None,)
