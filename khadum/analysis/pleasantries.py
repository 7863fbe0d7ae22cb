"""Greetings, pleasantries, thanks, laughter and emoji: recognised in Gulf dialect,
MSA, English and Arabizi, peeled off the edges of a message so that only the
client's own need reaches the analysis, and answered in kind when that is all
the message says."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from khadum.analysis.text import normalize

# Phrases as `normalize()` folds them, one set per kind of pleasantry.
PHRASES: dict[str, tuple[str, ...]] = {
    "salam": (
        "السلام عليكم ورحمه الله وبركاته", "السلام عليكم ورحمه الله", "السلام عليكم",
        "سلام عليكم ورحمه الله وبركاته", "سلام عليكم", "السلام عليكم ورحمة الله وبركاته",
        "السلام", "سلام", "salam", "salam alaikum", "salam alaykum", "salamu alaikum",
        "assalamu alaikum", "assalamualaikum", "asalamualaikum", "as salamu alaykum",
        "assalam alaikum", "salam alykm", "slm", "slam", "السلام عليكم جميعا",
    ),
    "greeting": (
        "مرحبا", "مرحبتين", "مرحبا بك", "هلا", "هلا والله", "هلا وغلا", "هلا هلا", "يا هلا",
        "اهلا", "اهلين", "اهلا وسهلا", "هاي", "هلو", "صباح الخير", "صباح النور", "مساء الخير",
        "مساء النور", "صباحك خير", "مساك الله بالخير", "hi", "hello", "hey", "hiya", "hi there",
        "hello there", "good morning", "good evening", "good afternoon", "hala", "hala wallah",
        "marhaba", "mar7aba", "ahlan", "ahlain", "ahlan wa sahlan", "sabah el khair",
        "sabah alkhair", "masa alkhair", "yo",
    ),
    "how_are_you": (
        "كيف حالك", "كيف الحال", "كيفك", "شلونك", "شلونكم", "شخبارك", "وش اخبارك", "وش اخبارك",
        "عساك بخير", "عساكم بخير", "كيف الحال عساك طيب", "عساك طيب", "how are you",
        "how are u", "how r u", "how's it going", "hows it going", "kifak", "kaifak", "shlonak",
        "shlonk", "sh5barak", "wesh akhbarak",
    ),
    "thanks": (
        "شكرا", "شكرا لك", "شكرا جزيلا", "شكرا كثير", "وشكرا", "مشكور", "مشكورين", "مشكوره",
        "ومشكور", "يعطيك العافيه", "الله يعطيك العافيه", "يعطيكم العافيه", "جزاك الله خير",
        "جزاك الله خيرا", "جزاكم الله خير", "تسلم", "تسلم يدك", "تسلم والله", "الله يسعدك",
        "الله يجزاك خير", "ما قصرت", "ماقصرت", "thanks", "thank you", "thank u", "thx", "ty",
        "thanks a lot", "many thanks", "shukran", "shokran", "mashkoor", "tislam",
        "thanks so much", "thank you so much", "appreciate it", "يعطيك الف عافيه",
    ),
    "filler": (
        "لو سمحت", "لوسمحت", "من فضلك", "بعد اذنك", "الله يحفظك", "الله يخليك", "يا اخي",
        "اخوي", "يا اخوي", "please", "pls", "plz", "بليز", "excuse me", "طيب", "ok", "okay",
        "اوكي", "تمام", "حسنا", "ان شاء الله", "انشاءالله", "بارك الله فيك", "الحمد لله",
        "الحمدلله", "بخير", "بخير الحمد لله", "وانت", "وانت كيفك", "and you",
    ),
}
_LAUGH = re.compile(r"^(?:ه{3,}|خخ+|ha(?:ha)+h?|he(?:he)+|h{3,}|lo+l|lmao|rofl|x+d+|ي?ههه+ي?)$")
_LAUGHING = "😂🤣😆😅😹😁😄😃"
_MAX_WORDS = max(len(p.split()) for ps in PHRASES.values() for p in ps)
_PUNCT = " .!?,;:،؛؟-—~…\"'()«»*"
_WORD = re.compile(r"\S+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")

_BY_WORDS: dict[tuple[str, ...], str] = {}
for _kind, _phrases in PHRASES.items():
    for _phrase in _phrases:
        _BY_WORDS.setdefault(tuple(normalize(_phrase).split()), _kind)

# The order replies are given in: greetings first, thanks last.
REPLY_ORDER = ("salam", "greeting", "how_are_you", "thanks", "laughter")


@dataclass(frozen=True)
class Peeled:
    """A message with its pleasantries taken off: what kinds were there, and the rest."""

    kinds: frozenset[str] = field(default_factory=frozenset)
    rest: str = ""

    @property
    def only_pleasantries(self) -> bool:
        return not self.rest

    def reply_keys(self) -> list[str]:
        return [f"smalltalk.{k}" for k in REPLY_ORDER if k in self.kinds]


def _key(word: str) -> str:
    return normalize(word).strip(_PUNCT)


def _kind_of_token(word: str) -> str | None:
    """A single token that is no words at all: laughter, emoji, punctuation."""
    key = _key(word)
    if not _LETTER_OR_DIGIT.search(word):
        if any(ch in _LAUGHING for ch in word):
            return "laughter"
        return "emoji" if any(ord(ch) > 0x2000 and ch not in _PUNCT for ch in word) else "punct"
    if _LAUGH.match(key):
        return "laughter"
    return None


def _match_at(keys: list[str], start: int, *, backwards: bool = False) -> tuple[int, str] | None:
    """The longest phrase starting at `start` (or ending just before it, backwards)."""
    for size in range(min(_MAX_WORDS, len(keys) - start if not backwards else start), 0, -1):
        words = tuple(keys[start - size : start] if backwards else keys[start : start + size])
        kind = _BY_WORDS.get(words)
        if kind:
            return size, kind
    return None


def peel(text: str) -> Peeled:
    """Takes greetings, thanks, laughter and the like off both ends of `text`."""
    tokens = list(_WORD.finditer(text or ""))
    keys = [_key(m.group()) for m in tokens]
    kinds: set[str] = set()
    start, end = 0, len(tokens)
    while start < end:
        single = _kind_of_token(tokens[start].group())
        if single:
            kinds.add(single)
            start += 1
            continue
        found = _match_at(keys[:end], start)
        if not found:
            break
        kinds.add(found[1])
        start += found[0]
    while end > start:
        single = _kind_of_token(tokens[end - 1].group())
        if single:
            kinds.add(single)
            end -= 1
            continue
        found = _match_at(keys[start:end], end - start, backwards=True)
        if not found:
            break
        kinds.add(found[1])
        end -= found[0]
    rest = text[tokens[start].start() : tokens[end - 1].end()] if start < end else ""
    return Peeled(frozenset(kinds - {"punct"}), rest.strip(_PUNCT + "\n"))


def is_pleasantry(text: str) -> bool:
    """Nothing but greetings, thanks, laughter or emoji (an empty text is not one)."""
    peeled = peel(text)
    return bool(peeled.kinds) and peeled.only_pleasantries
