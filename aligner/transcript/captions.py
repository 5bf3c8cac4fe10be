"""Readers for transcripts that are not wiki pages: plain text, SRT, WebVTT and the
Podcasting 2.0 JSON transcript. Each item becomes a turn; SRT/VTT/JSON keep their old
times in ``Transcript.cue_times_ms`` so that existing captions can be re-timed."""

from __future__ import annotations

import html
import json
import re

from aligner.errors import TranscriptError
from aligner.transcript.model import Metadata, Span, Transcript, Turn

_UNCERTAIN = re.compile(r"\?{2,}|\[[^\[\]]*\]")
_CUE_TIME = re.compile(
    r"^(?:(?P<h1>\d+):)?(?P<m1>\d{1,2}):(?P<s1>\d{2})[.,](?P<f1>\d{3})\s+-->\s+"
    r"(?:(?P<h2>\d+):)?(?P<m2>\d{1,2}):(?P<s2>\d{2})[.,](?P<f2>\d{3})"
)
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _turn(speaker: str, text: str, line: int, end_line: int) -> Turn:
    spans = tuple(Span(m.start(), m.end()) for m in _UNCERTAIN.finditer(text))
    return Turn(speaker, text, line, end_line, spans)


def read_plain(text: str, *, source: str | None = None) -> Transcript:
    """One turn (of an unknown speaker, ``""``) per paragraph."""
    turns, lines, start = [], [], 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip():
            start = start or number
            lines.append(line.strip())
        elif lines:
            turns.append(_turn("", " ".join(lines), start, number - 1))
            lines, start = [], 0
    if not turns:
        raise TranscriptError("holds no text to align", path=source)
    return Transcript("plain", Metadata(), tuple(turns), (), source)


def _ms(m: re.Match, n: str) -> int:
    h, mi, s, f = (int(m.group(k + n) or 0) for k in ("h", "m", "s", "f"))
    return ((h * 60 + mi) * 60 + s) * 1000 + f


def read_cues(text: str, *, source: str | None = None, fmt: str = "srt") -> Transcript:
    """SRT or WebVTT cues: a turn per cue, the speaker from a ``<v Name>`` tag or a
    ``Name: text`` head when there is one."""
    turns, times = [], []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _CUE_TIME.match(lines[i].strip())
        if not m:
            i += 1
            continue
        start, end, first = _ms(m, "1"), _ms(m, "2"), i + 1
        body = []
        i += 1
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        speaker, content = _cue_speaker(" ".join(body))
        if content:
            turns.append(_turn(speaker, content, first, first + len(body)))
            times.append((start, end))
    if not turns:
        raise TranscriptError(f"holds no {fmt.upper()} cue (expected lines such as '00:00:01,000 --> 00:00:02,000')", path=source)
    return Transcript(fmt, Metadata(), tuple(turns), (), source, tuple(times))


def _cue_speaker(body: str) -> tuple[str, str]:
    m = _VOICE.match(body)
    speaker = m.group("name").strip() if m else ""
    content = html.unescape(_TAG.sub("", body)).strip()
    return speaker, " ".join(content.split())


def read_podcast_json(text: str, *, source: str | None = None) -> Transcript:
    """A Podcasting 2.0 JSON transcript: ``{"version": …, "segments": [{"speaker",
    "startTime", "endTime", "body"}]}``; consecutive segments of one speaker make a turn."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"is not valid JSON ({exc.msg})", path=source, line=exc.lineno) from None
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise TranscriptError("is JSON but has no 'segments' list (Podcasting 2.0 transcript expected)", path=source)
    turns, times = [], []
    for n, seg in enumerate(segments):
        if not isinstance(seg, dict) or not str(seg.get("body", "")).strip():
            continue
        speaker = str(seg.get("speaker") or "")
        start = int(round(float(seg.get("startTime", 0)) * 1000))
        end = int(round(float(seg.get("endTime", seg.get("startTime", 0))) * 1000))
        body = " ".join(str(seg["body"]).split())
        if turns and turns[-1].speaker == speaker:
            prev = turns[-1]
            turns[-1] = _turn(speaker, prev.text + " " + body, prev.line, n + 1)
            times[-1] = (times[-1][0], end)
        else:
            turns.append(_turn(speaker, body, n + 1, n + 1))
            times.append((start, end))
    if not turns:
        raise TranscriptError("has no segment with a body", path=source)
    return Transcript("podcast-json", Metadata(), tuple(turns), (), source, tuple(times))
