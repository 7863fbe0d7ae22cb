"""The demo data is data (khadum/seed/data/freelancers.json), read by a typed
loader that refuses a malformed file instead of seeding it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from khadum.categories import CATEGORY_SLUGS
from khadum.seed.freelancers import DATA_FILE, DEMO_FREELANCERS, load_demo_freelancers


def _entries() -> list[dict[str, object]]:
    entries: list[dict[str, object]] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return entries


def _write(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "freelancers.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_file_loads_whole_and_in_order() -> None:
    entries = _entries()
    assert [d.key for d in DEMO_FREELANCERS] == [e["key"] for e in entries]
    assert DEMO_FREELANCERS[0].key == "mohammed-alghamdi"  # the spec's محمد comes first
    assert DEMO_FREELANCERS[0].rating == 4.8
    assert {c for d in DEMO_FREELANCERS for c in d.categories} == set(CATEGORY_SLUGS)


def test_an_unknown_category_is_refused(tmp_path: Path) -> None:
    entries = _entries()
    entries[3] = {**entries[3], "categories": ["marketing_ads", "astrology"]}
    with pytest.raises(ValidationError, match="astrology"):
        load_demo_freelancers(_write(tmp_path, entries))


def test_a_missing_or_extra_field_is_refused(tmp_path: Path) -> None:
    entries = _entries()
    del entries[0]["email"]
    with pytest.raises(ValidationError, match="email"):
        load_demo_freelancers(_write(tmp_path, entries))
    entries = _entries()
    entries[1] = {**entries[1], "salary": 1}
    with pytest.raises(ValidationError, match="salary"):
        load_demo_freelancers(_write(tmp_path, entries))


def test_a_key_or_email_twice_is_refused(tmp_path: Path) -> None:
    entries = _entries()
    entries.append({**entries[5]})
    with pytest.raises(ValueError, match="appears twice"):
        load_demo_freelancers(_write(tmp_path, entries))
    entries = _entries()
    entries.append({**entries[5], "key": "someone-else"})
    with pytest.raises(ValueError, match=r"email .* appears twice"):
        load_demo_freelancers(_write(tmp_path, entries))
