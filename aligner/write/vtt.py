"""WebVTT captions: a cue per phrase, ``<v Speaker>`` on every cue, at most two lines of
42 characters and 7 seconds, using the word times. No cue crosses a turn.

A turn is cut into cues as a captioner would, the best cut over the whole turn rather than
the first that fits: at sentence ends, else at a clause's punctuation or a pause, not after
a word that leans on the next (``le``, ``de``, ``votre``, ``que``…), into cues of even
length rather than a full one and a word left over; a cue's two lines are cut the same way."""

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
# words that lean on the next one: neither a cue nor a line ends on them
_LEANING = frozenset("""
    le la les l' l’ un une des du de d' d’ au aux à en dans par pour sur sous avec sans chez vers entre
    et ou mais donc car ni que qu' qu’ si je j' j’ tu il elle on ils elles me m' m’ te t' t’ se s' s’ ce c' c’
    ne n' n’ mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs cet cette ces qui dont où
    the a an of to and or in on for with at by from
""".split())
_PAUSE_MS, _PAUSE_SHARE = 400, 0.3  # a pause this long between two words is a natural place to cut: its cost x 0.3
# costs, in cues: each cue costs 1, plus how empty it is (squared), plus where it is cut
_CUT_SENTENCE, _CUT_CLAUSE, _CUT_WORD, _CUT_LEANING = 0.0, 0.5, 3.0, 5.0
_CUT_COSTS = {"sentence": _CUT_SENTENCE, "clause": _CUT_CLAUSE, "word": _CUT_WORD, "leaning": _CUT_LEANING}
_SHORT_CHARS, _SHORT_FRAGMENT, _SHORT_SENTENCE = 16, 1.5, 0.3  # a cue this short: a fragment, a whole sentence
_SENTENCE_INSIDE, _SENTENCE_LEFT_OPEN = 0.5, 2.0  # a cue that ends a sentence and goes on; ... then stops mid-sentence
_LINE_CUT = 0.3  # a cut between a cue's two lines costs this share of a cut between cues
_CHARS_PER_CUT = 8  # ... and, in ``wrap``, as many characters of balance per unit of cost


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
    it; a piece without one (``???``, a dash) takes the time where the next word starts
    (after the last word, where it ends; before the first, the turn's start)."""
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
            at = (words[k].start_ms if k < len(words) else out[-1][2]) if out else turn.start_ms
            out.append((m.group(0), at, at))
    return out


def split_turn(turn: TurnTiming, profile: Profile = PROFILES["standard"]) -> list[Cue]:
    """Cues for one turn."""
    pieces = _written_words(turn)
    if profile.per_turn:
        return [Cue(turn.start_ms, max(turn.end_ms, turn.start_ms + 1), turn.speaker, " ".join(p[0] for p in pieces))]
    cues = []
    for i, j in _cuts(pieces, MAX_LINE * profile.max_lines):
        # a cue stays up through the speaker's pause after it, until the turn's next cue
        # (a word ends where its sound stops)
        stop = pieces[j][1] if j < len(pieces) else pieces[j - 1][2]
        start, end = pieces[i][1], max(stop, pieces[i][1] + 1)
        cues.append(Cue(start, min(end, turn.end_ms) if end > start else end, turn.speaker,
                        " ".join(p[0] for p in pieces[i:j])))
    return _fix_times(cues, turn)


def _cuts(pieces: list[tuple[str, int, int]], max_chars: int) -> list[tuple[int, int]]:
    """The cheapest way to cut ``pieces`` into cues ``pieces[i:j]`` (dynamic programming
    over the places to cut): none longer than ``max_chars`` nor ``MAX_MS`` unless it is one
    word. A cue costs 1, plus how empty it is (squared), plus where it ends and where its
    lines part (when it needs two; it may not when they cannot hold it), plus the sentences
    it ends before its last word (more when it then stops mid-sentence), plus a short cue's
    (less for a whole sentence)."""
    n = len(pieces)
    ends = [bool(_SENTENCE.search(p[0])) for p in pieces]
    at, ends_before = [0], [0]  # where each piece starts in the text joined by spaces; sentence ends before it
    for p, e in zip(pieces, ends):
        at.append(at[-1] + len(p[0]) + 1)
        ends_before.append(ends_before[-1] + e)
    word_cut = [_cut_cost(p[0]) for p in pieces]
    cut = [c * (_PAUSE_SHARE if k + 1 < n and pieces[k + 1][1] - pieces[k][2] >= _PAUSE_MS else 1.0)
           for k, c in enumerate(word_cut)]
    two_lines = max_chars > MAX_LINE
    starts = [p[1] for p in pieces]  # (the loop below is the writers' slowest: plain lists, no calls)
    best, back = [0.0] + [float("inf")] * n, [0] * (n + 1)
    for j in range(1, n + 1):
        closed, end_cut = j == n or ends[j - 1], cut[j - 1] if j < n else 0.0  # (no cut at the turn's end)
        last_end = pieces[j - 1][2]
        for i in range(j - 1, -1, -1):
            chars = at[j] - at[i] - 1
            if j - i > 1 and (chars > max_chars or last_end - starts[i] > MAX_MS):
                break
            cost = 1.0 + (1.0 - (chars if chars < max_chars else max_chars) / max_chars) ** 2 + end_cut
            if best[i] + cost >= best[j]:
                continue  # the terms below only add
            inside = ends_before[j - 1] - ends_before[i]  # sentences ended before the cue's last word
            if inside:
                cost += _SENTENCE_INSIDE * inside + (0.0 if closed else _SENTENCE_LEFT_OPEN)
            if chars < _SHORT_CHARS:
                cost += _SHORT_SENTENCE if closed and (i == 0 or ends[i - 1]) else _SHORT_FRAGMENT
            if two_lines and chars > MAX_LINE and best[i] + cost < best[j]:  # the best place between its two lines
                line = [word_cut[k - 1] for k in range(i + 1, j)
                        if at[k] - at[i] - 1 <= MAX_LINE and at[j] - at[k] - 1 <= MAX_LINE]
                if not line and j - i > 2:
                    continue
                cost += _LINE_CUT * min(line, default=_CUT_LEANING)
            if best[i] + cost < best[j]:
                best[j], back[j] = best[i] + cost, i
    cuts, j = [], n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return cuts[::-1]


def cut_kind(word: str) -> str:
    """What a cut after ``word`` falls on: a sentence's end, a clause's punctuation, a word
    that leans on the next one, or another word."""
    if _SENTENCE.search(word):
        return "sentence"
    if _CLAUSE.search(word):
        return "clause"
    return "leaning" if word.casefold().strip("«»\"“”()[]") in _LEANING else "word"


def _cut_cost(word: str) -> float:
    """What a cue or a line that ends on ``word`` costs: nothing after a sentence."""
    return _CUT_COSTS[cut_kind(word)]


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
    """At most two lines of about ``MAX_LINE`` characters (one line, or the turn's text as
    it is, in the other profiles): balanced, and cut where a cue would be (``_CHARS_PER_CUT``
    characters of balance weigh as a unit of ``_cut_cost``: a comma is worth 20 characters
    of balance over a plain word, a sentence's end 24, a leaning word 16 the other way)."""
    if len(text) <= MAX_LINE or profile.max_lines == 1 or profile.per_turn:
        return text
    words = text.split(" ")
    best, best_score = text, None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        longest = max(len(a), len(b))
        score = longest + _CHARS_PER_CUT * _cut_cost(words[i - 1]) + (100 * MAX_LINE if longest > MAX_LINE else 0)
        if best_score is None or score < best_score:
            best, best_score = f"{a}\n{b}", score
    return best


def turn_cues(alignment: Alignment, profile: Profile = PROFILES["standard"]) -> list[list[Cue]]:
    """Each turn's cues (the caption formats share them: work them out once); none for a
    turn found nowhere in the audio."""
    return [split_turn(turn, profile) if turn.placed else [] for turn in alignment.turns]


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
