"""Who a selection is about: the actor who speaks or acts in it, not merely one it names.

A coder selects the words a stance rests on ("said that the Popular
Mobilization Forces were …"); the actor to code is the subject of the speech
or action verb in or just before those words. A pronoun or a description
("he", "the cleric", "the militia") stands for the last actor of that kind
named before it. When no such subject is found, the nearest mention wins.
"""

from __future__ import annotations

import bisect
import re

from stancetracker.core.coding.mentions import Mention

_VERBS = (
    "say said says saying tell told tells state stated states declare declared declares announce announced "
    "announces add added adds argue argued argues answer answered answers reply replied replies respond "
    "responded responds insist insisted insists stress stressed stresses warn warned warns urge urged urges "
    "call called calls demand demanded demands reject rejected rejects praise praised praises hail hailed "
    "hails welcome welcomed welcomes condemn condemned condemns denounce denounced denounces criticise "
    "criticised criticises criticize criticized criticizes accuse accused accuses blame blamed blames deny "
    "denied denies threaten threatened threatens vow vowed vows pledge pledged pledges promise promised "
    "promises refuse refused refuses oppose opposed opposes support supported supports back backed backs "
    "endorse endorsed endorses dismiss dismissed dismisses describe described describes order ordered orders "
    "ask asked asks claim claimed claims affirm affirmed affirms tweet tweeted tweets write wrote writes "
    "thank thanked thanks defend defended defends boycott boycotted boycotts withdraw withdrew withdraws "
    "resign resigned resigns instruct instructed instructs appeal appealed appeals agree agreed agrees "
    "accept accepted accepts insisting warning urging calling demanding rejecting praising"
).split()
VERBS = frozenset(_VERBS)

# A pronoun or a description, and the actor kinds it may stand for.
_PERSON = frozenset({"person"})
_GROUP = frozenset({"party", "movement", "coalition", "militia", "state", "institution", "other"})
REFERENCES: dict[str, frozenset[str]] = {
    "he": _PERSON, "she": _PERSON, "his": _PERSON, "her": _PERSON,
    "it": _GROUP, "its": _GROUP, "they": _GROUP, "their": _GROUP,
    "cleric": _PERSON, "leader": _PERSON, "premier": _PERSON, "minister": _PERSON,
    "president": _PERSON, "commander": _PERSON, "ayatollah": _PERSON, "speaker": _PERSON,
    "chief": _PERSON, "secretary-general": _PERSON, "politician": _PERSON,
    "militia": frozenset({"militia"}), "faction": frozenset({"militia", "party"}),
    "brigades": frozenset({"militia"}), "group": _GROUP - {"state"},
    "party": frozenset({"party"}), "coalition": frozenset({"coalition"}),
    "alliance": frozenset({"coalition"}), "bloc": frozenset({"coalition", "party", "movement"}),
    "framework": frozenset({"coalition"}), "movement": frozenset({"movement"}),
    "current": frozenset({"movement"}), "government": frozenset({"state"}),
    "tehran": frozenset({"state"}), "washington": frozenset({"state"}),
    "forces": frozenset({"institution", "militia"}), "parliament": frozenset({"institution"}),
}

_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+|\n")
_CLAUSE_WORDS = frozenset({"that", "which", "while", "whereas", "but", "and", "because", "after", "before"})
_SUBJECT_REACH = 60  # characters before a verb its subject may stand


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection widened to whole words and its outer spaces trimmed."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if start > end:
        start, end = end, start
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    return start, end


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "'’-_"


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding text[pos] begins."""
    begin = max(0, pos - 1000)
    last = begin
    for m in _SENTENCE_END.finditer(text, begin, pos):
        last = m.end()
    return last


def guess_speaker(text: str, mentions: list[Mention], start: int, end: int,
                  kinds: dict[str, str]) -> str | None:
    """The actor who speaks or acts in text[start:end] (mentions in reading order,
    from somewhere before the selection up to its end; kinds: slug → actor kind)."""
    begin = sentence_start(text, start)
    for verb in _WORD.finditer(text, begin, end):
        if verb.group().lower() not in VERBS:
            continue
        actor = _subject(text, mentions, begin, verb.start(), kinds)
        if actor:
            return actor
    return nearest_mention(mentions, start, end)


def nearest_mention(mentions: list[Mention], start: int, end: int) -> str | None:
    """The first actor named inside the selection, else the last one named before it."""
    i = bisect.bisect_left([m.start for m in mentions], start)
    if i < len(mentions) and mentions[i].start < end:
        return mentions[i].actor
    return mentions[i - 1].actor if i else None


def _subject(text: str, mentions: list[Mention], begin: int, verb: int, kinds: dict[str, str]) -> str | None:
    """The actor standing as the subject just before a verb: a name, a pronoun or a description."""
    head = text[begin:verb]
    # "Sadr, who leads the movement, said": skip the comma-enclosed insertion before the verb.
    stripped = head.rstrip()
    if stripped.endswith(","):
        inner = stripped[:-1].rfind(",")
        if inner >= 0:
            head = head[:inner]
    floor = begin + max(0, len(head) - _SUBJECT_REACH)
    limit = begin + len(head)
    words = list(_WORD.finditer(text, floor, limit))
    named = [m for m in mentions if floor <= m.start and m.end <= limit]
    # The last word before the verb that is a clause word cuts off what came before it.
    for w in reversed(words):
        if w.group().lower() in _CLAUSE_WORDS:
            floor = w.end()
            named = [m for m in named if m.start >= floor]
            words = [x for x in words if x.start() >= floor]
            break
    ref = None
    for w in reversed(words):
        key = w.group().lower().strip("'’")
        if named and w.start() < named[-1].end:
            break
        if key in REFERENCES:
            ref = (w.start(), REFERENCES[key])
            break
    if named and (ref is None or named[-1].start > ref[0]):
        return named[-1].actor
    if ref is None:
        return None
    pos, wanted = ref
    for m in reversed(mentions):
        if m.end <= pos and kinds.get(m.actor, "other") in wanted:
            return m.actor
    return None
