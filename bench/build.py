"""Build every episode that the figures of bench/RESULTS.md and the README's table are
measured on, without aligning them: on a new machine, one command, then
``python bench/realign.py`` aligns them all from there.

    python bench/build.py            # every set below (about 40 minutes on two cores the first time)
    python bench/build.py --list     # their names, built or not
    python bench/build.py --held-out # the held-out set instead, in bench/held_out/ (about 12 minutes)

The sets are those of RESULTS.md's commands (tables 1-27) and of its "Reading it" entries:
seed 1 at 5 to 180 minutes and its variants, seeds 2-28, 40-53 and the fresh seeds 60-93 at
5 and 20 minutes, seeds 31-36 in every mix, held-out seeds in some, transcripts cut late,
written 30 s early, without their stage directions, with turns the recording lacks. An
episode already built by the current builder is kept (``run.episode``); the variants only
rewrite a transcript. Two are built at a time, each in a process of its own.

The held-out set (``held_out``) is kept apart: recordings built after the bench's choices
had been made, to give the figure to expect on recordings that no choice was made on;
``python bench/realign.py --held-out`` aligns them alone.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import episodes  # noqa: E402
import run  # noqa: E402

SHORT = (5, 20)


def _seeds(first: int, last: int) -> range:
    return range(first, last + 1)


def recordings() -> list[tuple[float, int, str]]:
    """(minutes, seed, mix) of every recording, the longest first (two at a time end together)."""
    out = [(m, 1, "") for m in (180, 90, 30, 10)]
    plain = [*_seeds(1, 28), *_seeds(31, 36), *_seeds(40, 53), *_seeds(60, 93)]
    out += [(m, s, "") for s in plain for m in SHORT]
    mixed = {mix: list(_seeds(31, 36)) for mix in episodes.MIXES if mix}
    mixed["tight"] += list(_seeds(46, 48))
    mixed["bed"] += list(_seeds(49, 51))
    mixed["fast"] += list(_seeds(40, 45))
    out += [(m, s, mix) for mix, seeds in mixed.items() for s in seeds for m in SHORT]
    return sorted(out, key=lambda r: -r[0])


def held_out() -> list[tuple[float, int, str]]:
    """(minutes, seed, mix) of the held-out recordings, the longest first: seeds 120-139,
    140-151 and 152-163 at 5 and 20 minutes, built from the fifty-first session on
    (RESULTS.md), each batch measured before any change was looked for in it (the
    fifty-fifth session's widening after replays was then chosen on two of them, the
    fifty-sixth's voices after music on two others, the fifty-seventh's ends before left-out
    talk against its voices alone on one more, and its margin after a replay on the whole
    set, then checked on the bench, the fifty-eighth's ends before stretched words on two
    more, the fifty-ninth's starts after stretched words on three more, the sixtieth's music
    score asked about on one more, its value chosen on both sets), in the bench's plain mix
    and in each of the others (the seeds of a session's batch share their mixes). Seeds
    140-151, the sixty-third session's batch, were built after every choice above and
    measured before any change was looked for in them: each in the plain mix, and each pair
    of 140-149 in two of the others. The sixty-third session's two rounds of the named-music
    hypothesis and its end before music inside a stretched word were then chosen on them.
    Seeds 152-163, the sixty-fourth session's, likewise, with each pair in two mixes and the
    unevenly loud speakers, the weakest mix so far, given three pairs. Seeds 164-175, the
    sixty-sixth session's, likewise, the two weakest mixes (tight, uneven) given two pairs
    each. Seeds 176-187, the sixty-seventh session's, likewise, the four weakest mixes then
    (uneven, overlap, tight, bed) given two pairs each and the two strongest (compressed,
    gated) none. Seeds 188-199, the sixty-eighth session's, likewise, in the same shares, seeds 200-211,
    the sixty-ninth session's, likewise, and seeds 212-223, the seventieth session's, likewise."""
    sets = {
        "": [*_seeds(120, 129), *_seeds(132, 135), *_seeds(140, 223)],
        "compressed": [*_seeds(120, 125), *_seeds(136, 139), *_seeds(148, 149), *_seeds(160, 161), *_seeds(168, 169)],
        "tight": [*_seeds(120, 125), *_seeds(132, 135), *_seeds(144, 145), *_seeds(152, 153), *_seeds(164, 165),
                  *_seeds(174, 175), *_seeds(178, 179), *_seeds(182, 183), *_seeds(190, 193),
                  *_seeds(202, 205), *_seeds(214, 217)],
        "noisy": [*_seeds(126, 129), *_seeds(142, 143), *_seeds(156, 157), *_seeds(170, 171), *_seeds(186, 187),
                  *_seeds(196, 197), *_seeds(208, 209),
                  *_seeds(220, 221)],
        "voiced": [*_seeds(126, 129), *_seeds(132, 135), *_seeds(142, 143), *_seeds(158, 159), *_seeds(164, 165),
                   *_seeds(184, 185), *_seeds(196, 197), *_seeds(208, 209),
                   *_seeds(220, 221)],
        "fast": [*_seeds(130, 131), *_seeds(136, 139), *_seeds(144, 145), *_seeds(162, 163), *_seeds(166, 167),
                 *_seeds(184, 185), *_seeds(198, 199), *_seeds(210, 211),
                 *_seeds(222, 223)],
        "overlap": [*_seeds(130, 131), *_seeds(136, 139), *_seeds(146, 147), *_seeds(156, 157), *_seeds(172, 173),
                    *_seeds(178, 181), *_seeds(188, 191), *_seeds(200, 203),
                    *_seeds(212, 215)],
        "bed": [*_seeds(130, 131), *_seeds(140, 141), *_seeds(154, 155), *_seeds(170, 171), *_seeds(176, 177),
                *_seeds(182, 183), *_seeds(192, 195), *_seeds(204, 207),
                *_seeds(216, 219)],
        "gated": [*_seeds(130, 131), *_seeds(148, 149), *_seeds(162, 163), *_seeds(172, 173)],
        "sung": [*_seeds(130, 131), *_seeds(140, 141), *_seeds(158, 159), *_seeds(168, 169), *_seeds(186, 187),
                 *_seeds(198, 199), *_seeds(210, 211),
                 *_seeds(222, 223)],
        "uneven": [*_seeds(130, 131), *_seeds(146, 147), *_seeds(152, 155), *_seeds(160, 161), *_seeds(166, 167),
                   *_seeds(174, 177), *_seeds(180, 181), *_seeds(188, 189), *_seeds(194, 195),
                   *_seeds(200, 201), *_seeds(206, 207),
                   *_seeds(212, 213), *_seeds(218, 219)],
    }
    out = [(m, s, mix) for mix, seeds in sets.items() for s in seeds for m in SHORT]
    return sorted(out, key=lambda r: -r[0])


def variants() -> list[tuple[str, object]]:
    """(episode name, how its variant is made from it) of every variant."""
    out: list[tuple[str, object]] = []
    for m in (5, 10, 20, 30, 90):  # table 1, 19-21 and 23: half transcripts, and without timecodes
        out += [(f"ep{m}m_s1", lambda mp3: [run.unanchored(mp3), run.unanchored(run.partial(mp3, 0.5))])]
    out += [("ep180m_s1", run.unanchored), ("ep90m_s1", lambda mp3: run.offset(mp3, -30)),
            ("ep90m_s1", lambda mp3: run.offset(mp3, 15)),  # an offset that a timecode near its time may share
            ("ep90m_s1", run.undirected), ("ep90m_s1", lambda mp3: run.unsaid(mp3, 4))]
    for s in _seeds(13, 20):  # tables 10 and 12: whole, the later half or nine tenths, with and without timecodes
        for m in SHORT:
            out += [(f"ep{m}m_s{s}", run.unanchored)]
            out += [(f"ep{m}m_s{s}", lambda mp3, share=share: run.unanchored(run.late(mp3, share))) for share in (0.5, 0.1)]
    for s in [*_seeds(1, 12), *_seeds(60, 77)]:  # table 22 and the README's row without stage directions
        out += [(f"ep{m}m_s{s}", run.undirected) for m in SHORT]
    for s in _seeds(1, 6):  # tables 24 and 25
        out += [(f"ep{m}m_s{s}", lambda mp3: run.unsaid(mp3, 2)) for m in SHORT]
    return out


def _build(recording: tuple[float, int, str], folder: Path | None = None) -> str:
    return run.episode(*recording, folder=folder).stem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the recordings' names and whether each is built")
    parser.add_argument("--jobs", type=int, default=2, help="recordings built at once")
    parser.add_argument("--held-out", action="store_true", help="the held-out set instead, in bench/held_out/")
    args = parser.parse_args(argv)
    todo, folder = (held_out(), run.HELD_OUT) if args.held_out else (recordings(), run.EPISODES)
    if args.list:
        for r in todo:
            name = run.episode_name(*r)
            print(name, "built" if (folder / f"{name}.truth.json").exists() else "-")
        return 0
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        for name in pool.map(_build, todo, [folder] * len(todo)):
            print(name, flush=True)
    if args.held_out:
        print(f"{len(todo)} held-out recordings built in {folder}")
        return 0
    for name, make in variants():
        make(run.EPISODES / f"{name}.mp3")
    print(f"{len(todo)} recordings built, their variants written, in {run.EPISODES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
