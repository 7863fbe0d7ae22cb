"""Request analysis behind one interface: OpenAI structured outputs when a key is
set (falling back to the local analyser on any failure), else the local one."""

from __future__ import annotations

from typing import Any, Protocol

from khadum.analysis.models import Analysis
from khadum.settings import Settings


class Analyser(Protocol):
    name: str

    async def analyse(self, text: str) -> Analysis: ...


def get_analyser(settings: Settings, *, http_client: Any = None) -> Analyser:
    from khadum.analysis.local import LocalAnalyser

    if not settings.openai_api_key:
        return LocalAnalyser()
    from khadum.analysis.openai_analyser import FallbackAnalyser, OpenAIAnalyser

    return FallbackAnalyser(OpenAIAnalyser(settings, http_client=http_client), LocalAnalyser())
