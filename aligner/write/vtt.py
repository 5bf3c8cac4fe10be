"""WebVTT captions: a cue per phrase, ``<v Speaker>`` on every cue, at most two lines of
42 characters and 7 seconds, split at sentence, then clause, then word boundaries using the
word times. No cue crosses a turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aligner import __version__
from aligner.align.model import Alignment, TurnTiming
from aligner.write.timefmt import clock

MAX_LINE = 42
MAX_MS = 7_000
MIN_MS = 800


@dataclass(frozen=True)
class Profile:
    """How captions are cut: ``max_lines`` lines of ``MAX_LINE`` characters per cue, or
    one cue per turn."""

    name: str
    max_lines: int = 2
    per_turn: bool = False


PROFILES = {
    "standard": Profile("standard"),
    "one-line": Profile("one-line", max_lines=1),
    "turn": Profile("turn", per_turn=True),
}
_SENTENCE = re.compile(r"[.!?…]+[»\"”)]*$")
_CLAUSE = re.compile(r"[,;:]$")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def escape(text: str) -> str:
    """Cue text with ``&``, ``<`` and ``>`` escaped (WebVTT cue text rules)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voice(name: str) -> str:
    # an annotation may not hold '>' nor start or end with spaces; newlines break the cue
    return escape(" ".join(name.split())).replace("-->", "--&gt;")


def _written_words(turn: TurnTiming) -> list[tuple[str, int, int]]:
    """The turn's text split at white space, each piece timed by the aligned words inside
    it; a piece without one (``???``, a dash) takes the time where the previous one ends."""
    out, words, k = [], turn.words, 0  # words in text order: one walk through them
    for m in re.finditer(r"\S+", turn.text):
        while k < len(words) and words[k].end_char <= m.start():
            k += 1
        inside, j = [], k
        while j < len(words) and words[j].start_char < m.end():
            if m.start() < words[j].end_char:
                inside.append(words[j])
            j += 1
        if inside:
            out.append((m.group(0), inside[0].start_ms, max(w.end_ms for w in inside)))
        else:
            at = out[-1][2] if out else turn.start_ms
            out.append((m.group(0), at, at))
    return out


def split_turn(turn: TurnTiming, profile: Profile = PROFILES["standard"]) -> list[Cue]:
    """Cues for one turn."""
    pieces = _written_words(turn)
    if profile.per_turn:
        return [Cue(turn.start_ms, max(turn.end_ms, turn.start_ms + 1), turn.speaker, " ".join(p[0] for p in pieces))]
    max_chars = MAX_LINE * profile.max_lines
    cues, current = [], []

    def flush():
        if current:
            start, end = current[0][1], max(current[-1][2], current[0][1] + 1)
            cues.append(Cue(start, min(end, turn.end_ms) if end > start else end, turn.speaker, " ".join(p[0] for p in current)))
            current.clear()

    for piece in pieces:
        text_len = len(" ".join(p[0] for p in current + [piece]))
        duration = piece[2] - current[0][1] if current else 0
        if current and (text_len > max_chars or duration > MAX_MS):
            flush()
        current.append(piece)
        length = len(" ".join(p[0] for p in current))
        if _SENTENCE.search(piece[0]) and length >= max_chars // 4:
            flush()
        elif _CLAUSE.search(piece[0]) and length >= max_chars * 3 // 4:
            flush()
    flush()
    return _fix_times(cues, turn)


def _fix_times(cues: list[Cue], turn: TurnTiming) -> list[Cue]:
    """Each cue ends where the next begins (or the turn ends), lasts at least ``MIN_MS``
    when there is room, and never runs past the turn."""
    out = []
    for i, c in enumerate(cues):
        limit = cues[i + 1].start_ms if i + 1 < len(cues) else max(turn.end_ms, c.end_ms)
        end = max(c.end_ms, min(limit, c.start_ms + MIN_MS))
        end = min(end, limit) if limit > c.start_ms else c.start_ms + 1
        out.append(Cue(c.start_ms, max(end, c.start_ms + 1), c.speaker, c.text))
    return out


def wrap(text: str, profile: Profile = PROFILES["standard"]) -> str:
    """At most two lines of about ``MAX_LINE`` characters, balanced (one line, or the
    turn's text as it is, in the other profiles)."""
    if len(text) <= MAX_LINE or profile.max_lines == 1 or profile.per_turn:
        return text
    words = text.split(" ")
    best, best_score = text, None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        score = max(len(a), len(b))
        if best_score is None or score < best_score:
            best, best_score = f"{a}\n{b}", score
    return best


def turn_cues(alignment: Alignment, profile: Profile = PROFILES["standard"]) -> list[list[Cue]]:
    """Each turn's cues (the caption formats share them: work them out once)."""
    return [split_turn(turn, profile) for turn in alignment.turns]


def cues(alignment: Alignment, profile: Profile = PROFILES["standard"], *,
         per_turn: list[list[Cue]] | None = None) -> list[Cue]:
    return [c for turn in (per_turn if per_turn is not None else turn_cues(alignment, profile)) for c in turn]


def compose(alignment: Alignment, profile: Profile = PROFILES["standard"], *,
            per_turn: list[list[Cue]] | None = None) -> str:
    """The WebVTT file."""
    lines = ["WEBVTT", "", f"NOTE made by aligner {__version__}; audio sha256 {alignment.audio_sha256 or 'unknown'}", ""]
    for cue in cues(alignment, profile, per_turn=per_turn):
        voice = f"<v {_voice(cue.speaker)}>" if cue.speaker.strip() else ""
        text = escape(wrap(cue.text, profile)).replace("-->", "--&gt;") or "…"
        lines += [f"{clock(cue.start_ms)} --> {clock(cue.end_ms)}", voice + text, ""]
    return "\n".join(lines)
