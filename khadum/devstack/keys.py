"""The local Auth stand-in's signing keys: ES256 private JWKs made once per data
directory (`KHADUM_LOCAL_AUTH_DIR`, default `.khadum/auth`), never in the repo.

Two keys, as on a Supabase project set up for Khadum:
- `auth`: the key Supabase Auth signs user sessions with (the stand-in uses it);
- `session`: the key the functions sign client chat sessions with
  (`KHADUM_SESSION_SIGNING_KEY` when set; else this local one).
Both public halves are published at `/auth/v1/.well-known/jwks.json`.

Beside them, `data-keys.json`: the development keys for field encryption
(khadum/crypto.py), generated once per checkout like the signing keys.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

PRIVATE_FIELDS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_lock = threading.Lock()
_loaded: dict[Path, dict[str, Any]] = {}


def new_es256_jwk() -> dict[str, Any]:
    """A fresh P-256 private key as a JWK with a kid (what `supabase gen signing-key` makes)."""
    jwk = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    return {"kid": str(uuid.uuid4()), "alg": "ES256", "use": "sig", "key_ops": ["sign"], **jwk}


def public_jwk(private: dict[str, Any]) -> dict[str, Any]:
    public = {k: v for k, v in private.items() if k not in PRIVATE_FIELDS}
    public["key_ops"] = ["verify"]
    public.setdefault("use", "sig")
    return public


def load_or_create(path: Path, make: Callable[[], dict[str, Any]] = new_es256_jwk
                   ) -> dict[str, Any]:
    """The JSON secret in `path` (a private JWK unless `make` says otherwise), made
    (mode 0600, atomically) on first use."""
    path = path.resolve()
    with _lock:
        if path in _loaded and path.exists():
            return _loaded[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump(make(), out)
            try:
                os.link(tmp, path)  # fails if another process made it first: keep theirs
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        loaded: dict[str, Any] = json.loads(path.read_text())
        _loaded[path] = loaded
        return loaded


class LocalKeys:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    @property
    def auth_key(self) -> dict[str, Any]:
        return load_or_create(self.directory / "auth-signing-key.json")

    @property
    def session_key(self) -> dict[str, Any]:
        return load_or_create(self.directory / "session-signing-key.json")

    @property
    def data_keys(self) -> dict[str, Any]:
        """Development field-encryption keys (`KHADUM_DATA_KEYS`, `KHADUM_BLIND_INDEX_KEY`)."""
        return load_or_create(self.directory / "data-keys.json", new_data_keys)


def new_data_keys() -> dict[str, Any]:
    """A fresh development keyring: one 256-bit data key and a blind-index key."""
    from khadum.crypto import new_key

    return {"data_keys": f"dev1:{new_key()}", "blind_index_key": new_key()}
