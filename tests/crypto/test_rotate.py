"""`khadum keys rotate` re-encrypts a registered column in batches, on a real database."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from khadum import keys as keys_module
from khadum.crypto import keyring_from, new_key
from khadum.keys import EncryptedColumn, rotate


def test_rotate_reencrypts_under_the_active_key_and_keeps_values(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    table = f"rotate_probe_{uuid.uuid4().hex[:8]}"
    entry = EncryptedColumn(table, "secret")
    monkeypatch.setattr(keys_module, "ENCRYPTED_COLUMNS", [entry])
    blind, k1, k2 = new_key(), new_key(), new_key()
    old = keyring_from(f"k1:{k1}", blind)
    new = keyring_from(f"k2:{k2},k1:{k1}", blind)
    values = [f"قيمة {n}" for n in range(23)]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"create table public.{table} (id int primary key, secret text)")
        try:
            with conn.cursor() as cur:
                cur.executemany(f"insert into public.{table} values (%s, %s)", [
                    (n, old.encrypt(v, entry.context)) for n, v in enumerate(values)])
                cur.execute(f"insert into public.{table} values (999, null)")
            steps: list[str] = []
            report = rotate(conn, new, batch=5, progress=steps.append)
            assert report == {entry.context: 23}
            assert len(steps) == 5  # 23 rows in batches of five
            rows = conn.execute(f"select id, secret from public.{table} where id < 999 "
                                "order by id").fetchall()
            assert all(new.kid_of(secret) == "k2" for _, secret in rows)
            assert [new.decrypt(secret, entry.context) for _, secret in rows] == values
            # Without the old key everything still opens; a second run has nothing to do.
            only_new = keyring_from(f"k2:{k2}", blind)
            assert [only_new.decrypt(s, entry.context) for _, s in rows] == values
            assert rotate(conn, new, batch=5) == {entry.context: 0}
        finally:
            conn.execute(f"drop table public.{table}")
