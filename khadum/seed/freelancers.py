"""Demo freelancer profiles for seeding Khadum (خدوم), read from
`khadum/seed/data/freelancers.json` (shipped in the wheel).

Deterministic, hand-written data: an Arabic-first mix of Saudi freelancers
across every marketplace category. The first entry is the reference
freelancer from the product spec (محمد الغامدي, marketing ad copywriter).
The file is checked as it is read: every field typed, categories from the
fixed list, keys and emails unique.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
)

from khadum.categories import CATEGORY_SLUGS

__all__ = ["DATA_FILE", "DEMO_FREELANCERS", "DemoFreelancer", "load_demo_freelancers"]

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]  # ISO 639-1
DATA_FILE = Path(__file__).resolve().parent / "data" / "freelancers.json"


class DemoFreelancer(BaseModel):
    """One demo profile: the columns `khadum seed` writes, plus its stable `key`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]+$")
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    display_name: str = Field(min_length=1)
    display_name_en: str = Field(min_length=1)
    headline: str = Field(min_length=1)
    headline_en: str | None
    bio: str = Field(min_length=1)
    bio_en: str | None
    categories: tuple[str, ...] = Field(min_length=1)
    skills: tuple[str, ...]
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    city: str
    min_budget_sar: int = Field(ge=0)
    rating: float = Field(ge=0, le=5)
    rating_count: int = Field(ge=0)
    completed_projects: int = Field(ge=0)
    availability: Literal["available", "limited", "unavailable"]

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CATEGORY_SLUGS))
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)}")
        return value


_FILE_SHAPE = TypeAdapter(tuple[DemoFreelancer, ...])


@cache
def load_demo_freelancers(path: Path = DATA_FILE) -> tuple[DemoFreelancer, ...]:
    """The demo profiles in file order; ValueError naming the first bad entry."""
    demos = _FILE_SHAPE.validate_json(path.read_bytes())
    for field in ("key", "email"):
        seen: set[str] = set()
        for demo in demos:
            value = str(getattr(demo, field)).lower()
            if value in seen:
                raise ValueError(f"{path.name}: {field} {value!r} appears twice")
            seen.add(value)
    return demos


DEMO_FREELANCERS: tuple[DemoFreelancer, ...] = load_demo_freelancers()
