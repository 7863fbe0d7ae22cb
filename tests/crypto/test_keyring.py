"""The field-encryption core: sealing, key ids, wrong keys, blind indexes, settings."""

from __future__ import annotations

import base64
import os

import pytest

from khadum.crypto import DecryptionError, KeyConfigError, keyring_from, new_key, parse_data_keys
from khadum.settings import Settings, describe_error


def test_round_trip_and_fresh_nonce() -> None:
    ring = keyring_from(f"a:{new_key()}", new_key())
    one = ring.encrypt("رقمي ٠٥٥", "chat_messages.body")
    two = ring.encrypt("رقمي ٠٥٥", "chat_messages.body")
    assert one != two and one.startswith("ev1.a.")
    assert "٠٥٥" not in one
    assert ring.decrypt(one, "chat_messages.body") == "رقمي ٠٥٥"
    data = os.urandom(300)
    assert ring.decrypt_bytes(ring.encrypt_bytes(data, "chat_files"), "chat_files") == data


def test_context_is_bound() -> None:
    ring = keyring_from(f"a:{new_key()}", new_key())
    sealed = ring.encrypt("x@example.com", "client_requests.client_email")
    with pytest.raises(DecryptionError, match=r"client_requests\.client_phone"):
        ring.decrypt(sealed, "client_requests.client_phone")


def test_wrong_key_and_unknown_kid_fail_loudly_without_the_value() -> None:
    old = keyring_from(f"a:{new_key()}", new_key())
    sealed = old.encrypt("secret text", "t.c")
    impostor = keyring_from(f"a:{new_key()}", new_key())
    with pytest.raises(DecryptionError) as wrong:
        impostor.decrypt(sealed, "t.c")
    assert "secret" not in str(wrong.value) and "key a" in str(wrong.value)
    other = keyring_from(f"b:{new_key()}", new_key())
    with pytest.raises(DecryptionError, match="key id a"):
        other.decrypt(sealed, "t.c")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        old.decrypt(tampered, "t.c")
    with pytest.raises(DecryptionError, match="not an encrypted value"):
        old.decrypt("plain text", "t.c")


def test_rotation_order_first_key_encrypts_all_decrypt() -> None:
    k1, k2 = new_key(), new_key()
    before = keyring_from(f"k1:{k1}", new_key())
    sealed = before.encrypt("hello", "t.c")
    after = keyring_from(f"k2:{k2},k1:{k1}", new_key())
    assert after.active_kid == "k2"
    assert after.decrypt(sealed, "t.c") == "hello"
    assert after.kid_of(after.encrypt("hello", "t.c")) == "k2"


def test_blind_index_is_keyed_and_deterministic() -> None:
    blind = new_key()
    ring = keyring_from(f"a:{new_key()}", blind)
    same = keyring_from(f"b:{new_key()}", blind)
    other = keyring_from(f"a:{new_key()}", new_key())
    value = "+966551234567"
    assert ring.blind_index(value, "phone") == same.blind_index(value, "phone")
    assert ring.blind_index(value, "phone") != other.blind_index(value, "phone")
    assert ring.blind_index(value, "phone") != ring.blind_index(value, "email")
    assert value not in ring.blind_index(value, "phone")


@pytest.mark.parametrize("spec, message", [
    ("", "no key"),
    ("nokid", "kid:base64key"),
    ("a:notbase64!!", "not base64"),
    (f"a:{base64.b64encode(b'short').decode()}", "256 bits"),
    (f"a:{new_key()},a:{new_key()}", "listed twice"),
])
def test_malformed_keys_are_named(spec: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message):
        parse_data_keys(spec)


def test_production_refuses_missing_or_malformed_keys_without_echo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("KHADUM_", "SUPABASE_", "WHATSAPP_", "RESEND_")):
            monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError) as missing:
        Settings(khadum_env="production", khadum_function="chat")
    text = describe_error(missing.value)
    assert "KHADUM_DATA_KEYS" in text and "KHADUM_BLIND_INDEX_KEY" in text
    bad_material = "a:" + base64.b64encode(b"sixteen-byte-key").decode()
    with pytest.raises(ValueError) as malformed:
        Settings(khadum_env="production", khadum_function="chat",
                 khadum_data_keys=bad_material, khadum_blind_index_key=new_key())
    text = describe_error(malformed.value)
    assert "256 bits" in text and bad_material[2:] not in text


def test_keys_new_prints_usable_keys(capsys: pytest.CaptureFixture[str]) -> None:
    from khadum.cli import main

    assert main(["keys", "new", "--kid", "k9", "--blind-index"]) == 0
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    ring = keyring_from(lines["KHADUM_DATA_KEYS"], lines["KHADUM_BLIND_INDEX_KEY"])
    assert ring.active_kid == "k9"
    assert ring.decrypt(ring.encrypt("ok", "t.c"), "t.c") == "ok"
