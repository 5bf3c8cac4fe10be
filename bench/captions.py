"""How the captions are cut: each turn of a transcript laid at a steady pace (a word every
``--pace`` ms), cut into WebVTT cues by the writer, and counted.

    python bench/captions.py [TRANSCRIPT] [--pace 330] [--show]

TRANSCRIPT defaults to the reference page (transcripts/libre-a-vous-2024-07-02.txt). The
counts: cues and lines; lines over 42 characters; cues cut (not at their turn's end) after
a sentence, a clause's punctuation, a word leaning on the next one (an article, a
preposition, a possessive: ``le``, ``de``, ``votre``…) or another word; cues that end one
sentence and stop inside the next; cues of one word; lines whose last word leans on the
next line. The pace is steady, so the cuts come from the text and the 7-second limit, as
they do between the pauses of a real recording.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aligner.align.model import TurnTiming, WordTiming  # noqa: E402
from aligner.transcript import read_transcript  # noqa: E402
from aligner.transcript.normalize import normalize  # noqa: E402
from aligner.write import vtt  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / "transcripts" / "libre-a-vous-2024-07-02.txt"
_KINDS = {"sentence": "after a sentence", "clause": "after a clause's punctuation", "leaning": "after a leaning word",
          "word": "after another word"}


def steady_turn(speaker: str, text: str, pace_ms: int) -> TurnTiming:
    """The turn with its alignable words one after another, ``pace_ms`` each."""
    words = [w for w in normalize(text) if w.alignable]
    timed = tuple(WordTiming(w.written, k * pace_ms, (k + 1) * pace_ms, 1.0, w.start, w.end) for k, w in enumerate(words))
    return TurnTiming(0, speaker, text, 0, len(words) * pace_ms, 1.0, timed)


def count(turns: list[TurnTiming], show: bool = False) -> Counter:
    out = Counter()
    for turn in turns:
        cues = vtt.split_turn(turn)
        for k, cue in enumerate(cues):
            words = cue.text.split()
            lines = vtt.wrap(cue.text).split("\n")
            out["cues"] += 1
            out["lines"] += len(lines)
            out["lines over 42 characters"] += sum(len(line) > vtt.MAX_LINE for line in lines)
            out["one-word cues"] += len(words) == 1
            out["lines ending on a leaning word"] += len(lines) == 2 and vtt.cut_kind(lines[0].split()[-1]) == "leaning"
            if k == len(cues) - 1:
                continue
            kinds = [vtt.cut_kind(w) for w in words]
            kind = _KINDS[kinds[-1]]
            out["cut " + kind] += 1
            if "sentence" in kinds[:-1] and kinds[-1] != "sentence":
                out["cues leaving a new sentence open"] += 1
            if show and kind in ("after a leaning word", "after another word"):
                print(f"  {kind}: {cue.text!r}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("transcript", nargs="?", default=str(REFERENCE))
    parser.add_argument("--pace", type=int, default=330, help="ms per word (default 330: about 180 words a minute)")
    parser.add_argument("--show", action="store_true", help="print the cues cut inside a clause")
    args = parser.parse_args()
    transcript = read_transcript(args.transcript)
    counts = count([steady_turn(t.speaker, t.text, args.pace) for t in transcript.turns], args.show)
    print(f"{Path(args.transcript).name}: {len(transcript.turns)} turns at {args.pace} ms a word")
    for key in ("cues", "lines", "lines over 42 characters", "cut after a sentence", "cut after a clause's punctuation",
                "cut after another word", "cut after a leaning word", "cues leaving a new sentence open",
                "one-word cues", "lines ending on a leaning word"):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
