"""What an analysis of a client's request yields: one model for every analyser."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from khadum.categories import CATEGORY_SLUGS, Category

__all__ = ["CATEGORY_SLUGS", "Analysis", "Budget", "Category"]

class Budget(BaseModel):
    min: int | None = Field(default=None, description="lowest amount in SAR, or null")
    max: int | None = Field(default=None, description="highest amount in SAR, or null")
    currency: Literal["SAR"] = "SAR"

    def label(self, language: str) -> str:
        unit = "ريال" if language == "ar" else "SAR"
        if self.min is not None and self.max is not None and self.min != self.max:
            return f"{self.min}-{self.max} {unit}"
        amount = self.max if self.max is not None else self.min
        if self.min is None and self.max is not None:
            return f"حتى {amount} {unit}" if language == "ar" else f"up to {amount} {unit}"
        return f"{amount} {unit}"


class Analysis(BaseModel):
    category: Category | None = Field(description="the best-fitting service category slug")
    skills: list[str] = Field(default_factory=list, description="skills the work needs")
    budget: Budget | None = Field(default=None, description="budget in SAR if the client gave one")
    audience: str | None = Field(
        default=None, description="target audience, in the client's language"
    )
    summary: str = Field(description="one short sentence summarising the need")
    title: str = Field(
        default="",
        max_length=80,
        description=(
            "a short service title of 2 to 6 words in the client's language naming the work "
            "and its subject, e.g. 'إعلان تسويقي لساعة ذكية' or 'Logo for a coffee shop'; "
            "no greeting, budget, audience or deadline"
        ),
    )
    language: Literal["ar", "en"] = Field(description="the language the client writes in")

    def public(self) -> dict[str, object]:
        """The shape `khadum match --json` prints."""
        return {
            "category": self.category,
            "skills": self.skills,
            "budget": self.budget.model_dump() if self.budget else None,
            "language": self.language,
            "summary": self.summary,
        }
