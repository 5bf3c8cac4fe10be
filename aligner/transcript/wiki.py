"""Reader for the wiki transcripts of radio shows (April's "Libre à vous !" and alike).

    Titre : …                      header: `Key : value` lines (see ``header``)
    Transcription                  optional line that ends the header
    Name : text                    a speaker turn; the lines after it continue it
    [Jingle]                       stage directions
    Pause musicale : Title par Artist.
    https://…                      a replayed segment named only by its URL
    Deuxième partie 47‘ 57         a section title, here with a timecode anchor

The page's MediaWiki source (``'''Titre :'''``, ``<b>Name : </b>``, ``==Title==``) is read
as the rendered page (see ``wikitext``), its headings as section titles; so is a header
whose values sit on the line after their key (``Titre :`` then the title), as
librealire.org shows it.

A colon inside running text ("… un choix stratégique : mettre en place …") does not start
a turn: a turn head needs a listed speaker or a name-like head.

Transcription services' exports read the same way, the time written at a turn's head an
anchor of that turn:

    [00:01:05] Name: text          Descript          Name (01:05):      Rev, the text below
    [00:01:05.12] - Name           Happy Scribe      Name  1:05         Otter, the text below
    Name:                          the text below    **Name** : text    Markdown (# Title: a section)
    Speaker 1: text                numbered speakers (SPEAKER_00, Intervenant 2)
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from aligner.errors import AnchorError, TranscriptError
from aligner.transcript.header import HEADER_LINE, NAME_PARTICLES, build_metadata, fold, header_key
from aligner.transcript.model import Anchor, Direction, DirectionKind, Section, Span, Transcript, Turn
from aligner.transcript.timecodes import find_timecodes, format_clock, parse_timecode
from aligner.transcript.wikitext import is_wikitext, to_rendered

log = logging.getLogger(__name__)

_SP = "[ \t\u00a0\u202f]"
_TURN_HEAD = re.compile(rf"^(?P<name>[^:\[\]\n]{{1,60}}?){_SP}*:(?:{_SP}+(?P<text>.*))?$")
# transcription services time each turn at its head: "[00:01:05] Name : text" (Descript),
# "[00:01:05.12] - Name" (Happy Scribe), "Name  1:05" (Otter), "Name (01:05):" (Rev)
_CLOCK = r"(?:\d{1,2}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?"
_HEAD_TIME = rf"\[{_SP}*{_CLOCK}{_SP}*\]|\({_SP}*{_CLOCK}{_SP}*\)|{_CLOCK}"
_TIME_FIRST = re.compile(rf"^(?P<time>{_HEAD_TIME}){_SP}*(?:[-–—|]{_SP}*)?(?P<rest>[^\s\d].*)$")
_TIME_AFTER_NAME = re.compile(rf"^(?P<name>[^:\[\]()\n]{{1,60}}?){_SP}+(?P<time>{_HEAD_TIME}){_SP}*(?:(?P<colon>:){_SP}*(?P<text>.*))?$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(?=\S)")
_EMPHASIS = re.compile(r"^(?P<mark>\*\*|__)(?P<inner>[^*_\n]{1,62}?)(?P=mark)")  # **Name** : text, **Name :** text
_NUMBERED = re.compile(r"^(?P<role>[^\W\d_]+)[ _-]?\d{1,3}$")  # Speaker 1, SPEAKER_00, Intervenant 2
_NUMBERED_ROLES = frozenset({"speaker", "intervenant", "intervenante", "locuteur", "locutrice", "orateur", "oratrice",
                             "participant", "participante", "invite", "invitee", "guest", "host", "voix", "personne"})
_BRACKET_LINE = re.compile(r"^\[(?P<label>[^\[\]]+)\]$")
_MUSIC_BREAK = re.compile(rf"^pause musicale{_SP}*(?::{_SP}*(?P<rest>.*))?$", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
_UNCERTAIN = re.compile(r"\?{2,}|\[[^\[\]]*\]")
_SENTENCE_END = tuple(".?!…:;,")
_SENTENCE_INSIDE = re.compile(r"[.?!…]\s+\S")

KNOWN_ROLES = frozenset({"voix off", "public", "auditeur", "auditrice", "journaliste", "intervenant", "intervenante", "animateur", "animatrice", "presentateur", "presentatrice", "speaker", "speakerine", "inconnu", "inconnue"})
# "Diverses voix off", "Un auditeur", "Deux intervenantes": a role with a word before it
_ROLE_QUALIFIERS = frozenset({"divers", "diverses", "plusieurs", "des", "deux", "trois", "un", "une", "autre", "autres",
                              "nouvel", "nouvelle", "nouveau", "premier", "premiere", "second", "seconde", "deuxieme"})
_ROLES = KNOWN_ROLES | {r + "s" for r in KNOWN_ROLES if not r.endswith(("s", "x"))}
_TOGETHER = re.compile(r"\s*,\s*|\s+et\s+|\s*&\s*")  # "Isabella Vanni et Laurent Costy"
_ASIDE = re.compile(r"^(?P<who>[^(),]+?)\s*(?:\((?P<paren>[^()]*)\)|,\s*(?P<what>[^,]+))$")  # "Name (April)", "Name, chroniqueur"
# words that start a clause: "Étienne Gonnu, tu as la parole : …" is said to him, not by him
# (accents kept: "à la régie" starts none, "a" is the verb)
_CLAUSE_WORDS = frozenset({"je", "j", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "c", "ce", "ça", "est",
                           "a", "as", "ai", "que", "qui", "quoi", "ne", "n", "merci", "bonjour", "voilà", "oui", "non"})
_DIRECTION_LABELS = {
    "jingle": DirectionKind.JINGLE,
    "virgule sonore": DirectionKind.SOUND_BREAK,
    "virgule musicale": DirectionKind.MUSIC_STING,
    "pause musicale": DirectionKind.MUSIC_BREAK,
    "musique": DirectionKind.MUSIC_STING,  # as captions and services write it
    "music": DirectionKind.MUSIC_STING,
    "generique": DirectionKind.JINGLE,
    "indicatif": DirectionKind.JINGLE,
}
TITLE_MAX_CHARS = 250
# a free line this long that ends a sentence is said, not a title ("Qu'est-ce que le libre ?" is one)
_RUNNING_TEXT_WORDS = 12


@dataclass
class _Builder:
    """Mutable state while reading; frozen into a ``Transcript`` at the end."""

    items: list = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    pending: list[tuple[str, int, int]] = field(default_factory=list)  # anchors for the next item
    turn: dict | None = None  # the turn being read
    blank_before: bool = True
    # a page that names no speaker: each paragraph of running text is a turn of an unknown
    # speaker (""), its directions, titles and timecodes read as on any page
    unnamed: bool = False

    def close_turn(self) -> None:
        if self.turn is None:
            return
        t = self.turn
        text = "\n".join(t["paragraphs"])
        spans = tuple(Span(m.start(), m.end()) for m in _UNCERTAIN.finditer(text))
        self.items.append(Turn(t["speaker"], text, t["line"], t["end_line"], spans))
        self.turn = None

    def last_speaker(self) -> str | None:
        return next((i.speaker for i in reversed(self.items) if isinstance(i, Turn)), None)

    def add_item(self, item) -> int:
        self.close_turn()
        self.items.append(item)
        self._attach_pending(len(self.items) - 1)
        return len(self.items) - 1

    def start_turn(self, speaker: str, line: int) -> None:
        self.close_turn()
        self.turn = {"speaker": speaker, "paragraphs": [], "line": line, "end_line": line}
        self._attach_pending(len(self.items))

    def add_text(self, text: str, line: int, *, new_paragraph: bool) -> None:
        t = self.turn
        clean, found = _strip_timecodes(text)
        if not t["paragraphs"] or not clean:
            if not t["paragraphs"]:
                t["paragraphs"].append("")
        elif new_paragraph:
            t["paragraphs"].append("")
        base = sum(len(p) + 1 for p in t["paragraphs"][:-1])
        current = t["paragraphs"][-1]
        joint = " " if current and clean else ""
        for written, ms, offset in found:
            self.anchors.append(Anchor(written, ms, line, len(self.items), base + len(current) + len(joint) + offset))
        t["paragraphs"][-1] = current + joint + clean
        t["end_line"] = line

    def _attach_pending(self, index: int) -> None:
        for written, ms, line in self.pending:
            self.anchors.append(Anchor(written, ms, line, index, 0))
        self.pending.clear()


def _strip_timecodes(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """``text`` without its timecodes, and each as (written, ms, offset in the result of
    the text that follows it)."""
    clean, found, pos = "", [], 0
    for m in find_timecodes(text):
        clean = _join(clean, text[pos:m.start])
        found.append((m.written, m.time_ms, len(clean) + (1 if clean else 0)))
        pos = m.end
    clean = _join(clean, text[pos:])
    return clean, [(w, ms, min(offset, len(clean))) for w, ms, offset in found]


_SPACES = " \t\u00a0\u202f"


def _join(left: str, right: str) -> str:
    """Two pieces of text around a removed timecode, with one space between words."""
    left, right = left.rstrip(_SPACES), right.strip(_SPACES)
    if left and right and not right.startswith(tuple(",.;:!?)…")):
        return f"{left} {right}"
    return left + right


def is_name_like(name: str) -> bool:
    """1 to 4 capitalised words (particles allowed), no digits, no sentence punctuation."""
    words = name.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in name):
        return False
    if any(ch in name for ch in ".,;!?«»\"()/"):
        return False
    if not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or fold(w) in NAME_PARTICLES or "-" in w for w in words)


class Head(NamedTuple):
    """A turn's head: who speaks, the text after the head, and the times written at it."""

    speaker: str
    text: str
    times: tuple[tuple[str, int], ...] = ()  # (written, ms): when the turn starts


class _SpeakerRule:
    """Decides whether a line starts a turn: ``Name : text``, or the same with the time the
    turn starts written at its head, or a name alone with that time (the text below it)."""

    def __init__(self, listed: tuple[str, ...], repeated: frozenset[str] = frozenset()):
        self.listed = {fold(n): n for n in listed}
        self.seen: dict[str, str] = {}
        self.repeated = repeated  # names that head several lines with a time and no colon

    def speaker(self, line: str) -> Head | None:
        times, rest = _timed_head(line)
        parsed = [(t, _head_time_ms(t)) for t in times]
        if any(ms is None for _, ms in parsed):
            return None
        m = _TURN_HEAD.match(rest)
        if m:
            who = self._who(_clean_name(m.group("name")))
            return Head(who, (m.group("text") or "").strip(), tuple(parsed)) if who is not None else None
        if times and rest.strip():  # a name alone with its time: its turn's text is below
            name = _clean_name(rest)
            if (self._known(name) is not None or _numbered_role(name) or fold(name) in self.repeated
                    or (is_name_like(name) and len(name.split()) >= 2)):
                who = self._who(name)
                return Head(who, "", tuple(parsed)) if who is not None else None
        return None

    def _who(self, name: str) -> str | None:
        """The speaker that a turn head's ``name`` names, or None."""
        key = fold(name)
        known = self._known(name)
        if known is not None:
            return known
        if _numbered_role(name):  # before the header's keys: "Intervenant 2" is no "Intervenant·e·s"
            return self._new(name)
        if header_key(name) is not None or key in {"transcription", "illustration"}:
            return None
        if is_name_like(name) and (not self.listed or len(name.split()) >= 2):
            return self._new(name)
        return self._more_than_a_name(name)

    def _more_than_a_name(self, name: str) -> str | None:
        """The speaker of a head that says more than a name: a role with a word before it,
        speakers together, a known speaker with what they are (not said: a parenthesis, or a
        few words after a comma that start no clause), a full name with a parenthesis."""
        words = fold(name).split()
        if len(words) > 1 and words[0] in _ROLE_QUALIFIERS and " ".join(words[1:]) in _ROLES:
            return name
        together = _TOGETHER.split(name)
        if len(together) > 1 and any(self._known(p) for p in together) and all(
                self._known(p) or (is_name_like(p) and len(p.split()) >= 2) for p in together):
            names = [self._known(p) or self._new(p) for p in together]
            return ", ".join(names[:-1]) + " et " + names[-1]
        aside = _ASIDE.match(name)
        if aside is None:
            return None
        who, what = aside.group("who"), (aside.group("what") or "").casefold()
        if self._known(who) is not None and (
                aside.group("paren") is not None
                or (len(what.split()) <= 4 and not _CLAUSE_WORDS & set(re.split(r"[\s'’]+", what)))):
            return self._known(who)
        if aside.group("paren") is not None and is_name_like(who) and len(who.split()) >= 2:
            return self._new(who)
        return None

    def _known(self, name: str) -> str | None:
        """The speaker ``name`` names when listed, seen before, or a role."""
        key = fold(name)
        if key in self.listed:
            return self.listed[key]
        if key in self.seen or key in KNOWN_ROLES:
            return self.seen.setdefault(key, name)  # a role as first written: "Voix Off" later is the same
        return None

    def _new(self, name: str) -> str:
        log.info("speaker %r is not in the header's list of speakers", name)
        self.seen[fold(name)] = name
        return name


def _timed_head(line: str) -> tuple[list[str], str]:
    """The times written at ``line``'s head (before its name, after it), and the line
    without them or Markdown emphasis: ``Name : text``, or the name alone."""
    times, rest = [], line
    first = _TIME_FIRST.match(rest)
    if first:
        times.append(first.group("time"))
        rest = first.group("rest")
    rest = _unemphasised(rest)
    after = _TIME_AFTER_NAME.match(rest)
    if after:
        times.append(after.group("time"))
        rest = after.group("name") + (" : " + after.group("text") if after.group("colon") else "")
    return times, rest


def _clean_name(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").replace("\u202f", " ").split())


def _numbered_role(name: str) -> bool:
    """A speaker a transcription service numbered: "Speaker 1", "SPEAKER_00", "Intervenant 2"."""
    m = _NUMBERED.match(name)
    return m is not None and fold(m.group("role")) in _NUMBERED_ROLES


def speaker_heads(text: str) -> int:
    """How many lines of ``text`` start a speaker's turn as the wiki reader reads them."""
    lines = text.split("\n")
    rule = _SpeakerRule(_speaker_list(lines), _repeated_names(lines))
    return sum(1 for line in lines if line.strip() and rule.speaker(line.strip()) is not None)


def _unemphasised(line: str) -> str:
    """``line`` with the Markdown emphasis around its head taken off: ``**Name** : text``
    and ``**Name :** text`` read as ``Name : text``."""
    m = _EMPHASIS.match(line)
    return m.group("inner") + line[m.end():] if m else line


def _head_time_ms(written: str) -> int | None:
    try:
        return parse_timecode(written.strip("[]() \u00a0\u202f"))
    except ValueError:
        return None


def _repeated_names(lines: list[str]) -> frozenset[str]:
    """Names that head two lines or more with a time and no colon ("Anne  1:05", "[01:05] -
    Anne"): speakers, where a title with its time ("Ouverture [00:05]") is written once."""
    counts: dict[str, int] = {}
    for line in lines:
        times, rest = _timed_head(line.strip())
        name = _clean_name(rest)
        if times and ":" not in rest and is_name_like(name):
            counts[fold(name)] = counts.get(fold(name), 0) + 1
    return frozenset(k for k, n in counts.items() if n >= 2)


def _direction(line: str) -> Direction | None:
    m = _BRACKET_LINE.match(line)
    if m and not find_timecodes(line):
        label = " ".join(m.group("label").split())
        return Direction(_DIRECTION_LABELS.get(fold(label), DirectionKind.OTHER), line, 0)
    m = _MUSIC_BREAK.match(line)
    if m:
        rest = (m.group("rest") or "").strip().rstrip(".").strip()
        title, _, artist = rest.rpartition(" par ")
        if not title:
            title, artist = rest, ""
        return Direction(DirectionKind.MUSIC_BREAK, line, 0, title=title or None, artist=artist or None)
    if _URL_LINE.match(line):
        return Direction(DirectionKind.REPLAY, line, 0, url=line)
    return None


def _split_header(lines: list[str], rule: _SpeakerRule) -> tuple[list[tuple[str, str, int]], int, int]:
    """Header fields, the index of the first body line, and that of the first line past the
    header's fields (after "Transcription" when the page has it): on a page that names no
    speaker, the text before the first direction is not a header."""
    end = None
    for i, line in enumerate(lines):
        if fold(line) == "transcription":
            end = i + 1
            break
    fields = []
    past_fields = 0
    stop = end - 1 if end is not None else len(lines)
    for i, line in enumerate(lines[:stop]):
        m = HEADER_LINE.match(line.strip())
        if m and header_key(m.group("key")) is not None:
            fields.append((m.group("key"), m.group("value"), i + 1))
            past_fields = i + 1
        elif end is None and line.strip() and (rule.speaker(line.strip()) or _direction(line.strip())):
            return fields, i, past_fields
        elif fields and not fields[-1][1].strip() and line.strip():  # the value under its key
            fields[-1] = (fields[-1][0], line.strip(), fields[-1][2])
            past_fields = i + 1
        elif fields and line.strip() and fields[-1][0].strip().lower() == "nb":
            key, value, ln = fields[-1]
            fields[-1] = (key, value + " " + line.strip(), ln)
    if end is not None:
        return fields, end, end
    return fields, len(lines), past_fields


def _speaker_list(lines: list[str]) -> tuple[str, ...]:
    for i, line in enumerate(lines):
        m = HEADER_LINE.match(line.strip())
        if m and header_key(m.group("key")) == "speakers":
            under = next((v.strip() for v in lines[i + 1:] if v.strip()), "")  # the value under its key
            value = m.group("value").strip() or ("" if _TURN_HEAD.match(under) else under)
            return build_metadata([(m.group("key"), value, 0)]).speakers
    return ()


def read_wiki(text: str, *, source: str | None = None) -> Transcript:
    """Read a wiki transcript; one that names no speaker has a turn of an unknown speaker
    ("") per paragraph (format "plain"); ``TranscriptError`` if it holds no text to align."""
    headings: frozenset[int] = frozenset()
    if is_wikitext(text):
        text, headings = to_rendered(text)
    lines = text.split("\n")
    marked = [i for i, line in enumerate(lines) if _MARKDOWN_HEADING.match(line)]
    for i in marked:  # "## Deuxième partie": a section title
        lines[i] = _MARKDOWN_HEADING.sub("", lines[i]).rstrip("# \t")
    headings |= frozenset(marked)
    rule = _SpeakerRule(_speaker_list(lines), _repeated_names(lines))
    fields, body, past_fields = _split_header(lines, rule)
    b = _read_body(lines, body, rule, headings, unnamed=False)
    if not any(isinstance(i, Turn) for i in b.items):
        log.info("no speaker named: each paragraph is a turn of an unknown speaker")
        b = _read_body(lines, past_fields, rule, headings, unnamed=True)
    if b.pending:
        written, _, line = b.pending[0]
        raise TranscriptError(f"timecode '{written}' is followed by nothing to anchor", path=source, line=line)
    items = tuple(b.items)
    if not any(isinstance(i, Turn) for i in items):
        raise TranscriptError(
            "no text to align found (expected lines such as 'Name : text', or paragraphs of text)",
            path=source, line=body + 1,
        )
    _check_anchor_order(b.anchors, source)
    return Transcript("plain" if b.unnamed else "wiki", build_metadata(fields), items, tuple(b.anchors), source)


def _read_body(lines: list[str], body: int, rule: _SpeakerRule, headings: frozenset[int], *, unnamed: bool) -> _Builder:
    b = _Builder(unnamed=unnamed)
    for index in range(body, len(lines)):
        _read_line(b, rule, lines[index].strip(), index + 1, lines, index, heading=index in headings)
    b.close_turn()
    return b


def _check_anchor_order(anchors: list[Anchor], source: str | None) -> None:
    for before, after in zip(anchors, anchors[1:]):
        if after.time_ms < before.time_ms:
            raise AnchorError(
                f"timecode '{after.written}' ({format_clock(after.time_ms)}) comes after "
                f"'{before.written}' ({format_clock(before.time_ms)}, line {before.line}) but is earlier; "
                "fix the typo or remove one of them",
                path=source, line=after.line,
            )


def _read_line(b: _Builder, rule: _SpeakerRule, line: str, number: int, lines: list[str], index: int, *,
               heading: bool = False) -> None:
    """One line of the body; ``heading``: a wiki heading (a section title or a timecode)."""
    if not line:
        b.blank_before = True
        return
    blank_before, b.blank_before = b.blank_before, False
    direction = None if heading else _direction(line)
    if direction is not None:
        b.add_item(Direction(direction.kind, direction.text, number, direction.title, direction.artist, direction.url))
        return
    head = None if heading else rule.speaker(line)
    if head is not None:
        b.pending += [(written, ms, number) for written, ms in head.times]
        b.start_turn(head.speaker, number)
        b.add_text(head.text, number, new_paragraph=False)
        return
    timecodes = find_timecodes(line)
    if len(timecodes) == 1 and timecodes[0].start == 0 and timecodes[0].end == len(line):
        b.pending.append((timecodes[0].written, timecodes[0].time_ms, number))
        return
    if b.unnamed and not heading and not _is_set_apart_title(line, blank_before, lines, index):
        if b.turn is None or blank_before:  # a paragraph: a turn
            b.start_turn("", number)
        b.add_text(line, number, new_paragraph=False)
        return
    continues = b.turn is not None and not heading and not b.unnamed  # without names, a title gets here
    if continues and not _is_title_after_turn(line, blank_before, lines, index, rule):
        b.add_text(line, number, new_paragraph=blank_before)
        return
    speaker = None if heading else b.last_speaker()
    if speaker is not None and _is_running_text(line):
        # the host goes on after a jingle, and the page names nobody: "[Jingle]", then "Dans les annonces, …"
        log.info("line %d: text with no speaker after a direction or title, taken as %s's", number, speaker)
        b.start_turn(speaker, number)
        b.add_text(line, number, new_paragraph=False)
        return
    title, found = _strip_timecodes(line)
    index_of_section = b.add_item(Section(title, number))
    for written, ms, _offset in found:
        b.anchors.append(Anchor(written, ms, number, index_of_section, 0))


def _is_running_text(line: str) -> bool:
    """Sentences rather than a title: too long for one, or a dozen words or more that end a sentence."""
    clean, _ = _strip_timecodes(line)
    return len(clean) > TITLE_MAX_CHARS or (clean.endswith(tuple(".?!…")) and len(clean.split()) >= _RUNNING_TEXT_WORDS)


def _is_set_apart_title(line: str, blank_before: bool, lines: list[str], index: int) -> bool:
    """A line alone between blank lines, short, capitalised, with no sentence's end in it or
    at its end: a title on a page that names no speaker ("n'est pas disponible" and "… est
    verrouillée. Vous n'êtes plus en ligne" are words said)."""
    clean, _ = _strip_timecodes(line)
    alone = blank_before and (index + 1 >= len(lines) or not lines[index + 1].strip())
    first = next((c for c in clean if c.isalnum()), "")  # past an opening quote: « Pépites libres »
    return (alone and len(clean) <= TITLE_MAX_CHARS and not clean.endswith(_SENTENCE_END)
            and (first.isupper() or first.isdigit()) and not _SENTENCE_INSIDE.search(clean))


def _is_title_after_turn(line: str, blank_before: bool, lines: list[str], index: int, rule: _SpeakerRule) -> bool:
    """A free line after a turn is a section title only if it looks like one: short, set
    apart by blank lines, no closing punctuation, and followed by a turn or direction."""
    clean, _ = _strip_timecodes(line)
    if not blank_before or len(clean) > TITLE_MAX_CHARS or clean.endswith(_SENTENCE_END):
        return False
    following = next((l.strip() for l in lines[index + 1:] if l.strip()), None)
    if index + 1 < len(lines) and lines[index + 1].strip():
        return False
    return following is None or rule.speaker(following) is not None or _direction(following) is not None
