"""The short tails of music that the map weighs: at each edge where music meets a run of
"speech", the sounds before the pause that precedes the voice the detector hears (see
``aligner.audiomap._music_before_voice``), shorter than ``MapConfig.heard_tail_min_ms``;
what the truth says they are, by the detector's peak on them, and how many the map gives
to the music. The figures behind ``MapConfig.unheard_tail_peak``.

    python bench/tails.py                        # the whole episodes and mixes at 5 and 20 minutes
    python bench/tails.py 'ep20m_*_tight' --list  # some of them, and every tail a line

Each episode is decoded and mapped again with this checkout's code (a few seconds for 20
minutes); the map is listened to, not changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import realign  # noqa: E402
import run  # noqa: E402
from aligner.features import HOP_MS  # noqa: E402

WHOLE = ["ep5m_s*", "ep20m_s*"]
PEAKS = (0.1, 0.3, 0.5)  # the detector's peak on a tail, binned at these


def tails(name: str, folder: Path = run.EPISODES) -> list[dict]:
    """The episode's tails shorter than ``heard_tail_min_ms``: ``side`` ("after music" or
    "before music"), their span in frames, the detector's peak on their sound, whether the
    map gave them to the music, and the share of them in music and in a turn in truth."""
    import aligner.audiomap as audiomap
    from aligner import pipeline
    from aligner.decode import decode
    from aligner.features import log_mel

    found, edge = [], {}
    into, before = audiomap._music_into_run, audiomap._music_before_voice

    def noted_into(s, e, speech, quiet, config, *, from_end):
        edge.update(s=s, e=e, from_end=from_end)
        return into(s, e, speech, quiet, config, from_end=from_end)

    def noted_before(p, quiet, config, *, last):
        moved = before(p, quiet, config, last=last)
        whole = before(p, quiet, dataclasses.replace(config, heard_tail_min_ms=0), last=last)  # any length
        if whole and whole < config.heard_tail_min_ms // HOP_MS:
            sounding = quiet[:whole] == 0
            s, e = (edge["e"] - whole, edge["e"]) if edge["from_end"] else (edge["s"], edge["s"] + whole)
            found.append({"side": "before music" if edge["from_end"] else "after music", "start": s, "stop": e,
                          "peak": float(p[:whole][sounding].max(initial=0.0)), "given": bool(moved)})
        return moved

    audiomap._music_into_run, audiomap._music_before_voice = noted_into, noted_before
    try:
        audio = decode(folder / f"{name}.mp3")
        audiomap.map_audio(log_mel(audio.samples, audio.rate), speech=pipeline._detector(audio))
    finally:
        audiomap._music_into_run, audiomap._music_before_voice = into, before
    truth = json.loads((folder / f"{name}.truth.json").read_text())
    frames = truth["duration_ms"] // HOP_MS + 1
    music, said = np.zeros(frames, bool), np.zeros(frames, bool)
    for g in truth["regions"]:
        if g["kind"] in ("music", "jingle"):
            music[g["start_ms"] // HOP_MS:g["end_ms"] // HOP_MS] = True
    for t in truth["turns"]:
        said[t["start_ms"] // HOP_MS:t["end_ms"] // HOP_MS] = True
    for f in found:
        f.update(episode=name, music=float(music[f["start"]:f["stop"]].mean()), said=float(said[f["start"]:f["stop"]].mean()))
    return found


def kind(tail: dict) -> str:
    """What the truth says a tail is: music (half of it or more), speech (a turn on over
    0.3 of it) or silence."""
    return "music" if tail["music"] >= 0.5 else "speech" if tail["said"] > 0.3 else "silence"


def peak_bin(peak: float) -> str:
    for top, bottom in zip(PEAKS, (0.0, *PEAKS)):
        if peak < top:
            return f"{bottom:g}-{top:g}"
    return f">={PEAKS[-1]:g}"


def summary(found: list[dict]) -> str:
    """A line per side and kind: how many tails, by the detector's peak, and how many the map gave to the music."""
    bins = [peak_bin(p) for p in (0.0, *PEAKS)]
    lines = [f"{'side':13s} {'truth':8s} {'tails':>5s} {'given':>5s}  " + "  ".join(f"peak {b:>7s}" for b in bins)]
    for side in ("after music", "before music"):
        for what in ("music", "speech", "silence"):
            group = [t for t in found if t["side"] == side and kind(t) == what]
            if group:
                count = Counter(peak_bin(t["peak"]) for t in group)
                lines.append(f"{side:13s} {what:8s} {len(group):5d} {sum(t['given'] for t in group):5d}  "
                             + "  ".join(f"{count[b]:12d}" for b in bins))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", help="episode names or globs (default: the whole 5- and 20-minute ones)")
    parser.add_argument("--jobs", type=int, default=2, help="episodes mapped at once")
    parser.add_argument("--list", action="store_true", help="every tail, a line each")
    args = parser.parse_args(argv)
    names = realign.episode_names(args.episodes or WHOLE)
    if not args.episodes:
        names = [n for n in names if realign.variant(n) == ""]  # whole transcripts, any mix
    if not names:
        parser.error("no built episode matches; build them with bench/build.py first")
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        found = [t for ts in pool.map(tails, names) for t in ts]
    if args.list:
        for t in found:
            print(f"{t['episode']:24s} {t['side']:13s} {t['start'] * HOP_MS / 1000:8.2f}-{t['stop'] * HOP_MS / 1000:<8.2f} peak {t['peak']:.2f} "
                  f"{'given' if t['given'] else 'left '} truth {kind(t)} (music {t['music']:.2f}, turn {t['said']:.2f})")
        print()
    print(f"{len(names)} episodes, {len(found)} tails under heard_tail_min_ms")
    print(summary(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
