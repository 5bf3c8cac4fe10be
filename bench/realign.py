"""Align the built episodes again from what every stage before the alignment gave, kept in
bench/cache/stages/, and score them as run.py does: the alignment stage alone, so that a
change to the engine (aligner/align) is measured on the whole bench in minutes, not hours.

    python bench/realign.py                           # every episode in bench/episodes/
    python bench/realign.py 'ep20m_*_nodir' ep5m_s1   # some of them (names or globs)
    python bench/realign.py --save before             # keep the rows: bench/runs/realign-before.json
    python bench/realign.py --against before          # ... and list what changed since
    python bench/realign.py --cut --config '{"cut_price": 2.0}'   # AlignConfig's settings
    python bench/realign.py 'ep20m_*' --misses        # and every turn start off by more than 0.5 s
    python bench/realign.py --captions                # and every turn on music or untranscribed audio
    python bench/realign.py --held-out --save h       # the held-out episodes instead (bench/held_out/)

The episodes are those run.py built (its variants too: run it first), or with
``--held-out`` those of ``python bench/build.py --held-out``. A stage's output is
computed again when the episode's files, the code of the stages before the alignment
(everything in aligner/ but align/, write/ and batch/) or the versions of the libraries they
use change. Times are not measured here: run.py's are those of the whole command.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import episodes  # noqa: E402
import run  # noqa: E402
import score  # noqa: E402

STAGES = HERE / "cache" / "stages"
PACKAGE = HERE.parent / "aligner"
# the alignment, what comes after it, and the command line, which runs none of the stages
_NOT_BEFORE = ("align", "write", "batch", "cli.py", "__main__.py")
_LIBRARIES = ("numpy", "scipy", "onnxruntime", "espeakng-loader", "soxr", "numba")
_BASE = re.compile(r"^(ep[\d.]+m_s\d+(?:_(%s))?)(.*)$" % "|".join(sorted(m for m in episodes.MIXES if m)))


def stage_version() -> str:
    """A digest of the code and libraries that the stages before the alignment run."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if parts[0] in _NOT_BEFORE or "__pycache__" in parts or not path.is_file():
            continue
        if path.suffix in (".py", ".onnx"):
            h.update("/".join(parts).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.hexdigest()


def episode_names(patterns: list[str], folder: Path = run.EPISODES) -> list[str]:
    """The built episodes (an MP3, its transcript and its truth) whose names match."""
    built = sorted(p.stem for p in folder.glob("*.mp3")
                   if (folder / f"{p.stem}.txt").exists() and (folder / f"{p.stem}.truth.json").exists())
    return [n for n in built if any(fnmatch.fnmatchcase(n, p) for p in patterns or ["*"])]


def variant(name: str) -> str:
    """What run.py's totals group the episode by: the suffix after its seed and mix."""
    m = _BASE.match(name)
    return m.group(3) if m else ""


def mix(name: str) -> str:
    """The episode's mix (a key of ``episodes.MIXES``), "plain" for the usual one."""
    m = _BASE.match(name)
    return (m.group(2) if m else None) or "plain"


def by_mix(rows: list[dict]) -> str:
    """``run.totals`` of the whole transcripts' rows, a line for each mix."""
    return run.totals([{**r, "variant": f"{mix(r['episode'])} mix"} for r in rows if not r.get("variant")])


def prepared(name: str, version: str, folder: Path = run.EPISODES):
    """The episode's ``pipeline.Prepared``, from the cache when it is of this version."""
    from threadpoolctl import threadpool_limits

    from aligner import pipeline
    from aligner.decode import file_sha256

    mp3, text = folder / f"{name}.mp3", folder / f"{name}.txt"
    key = hashlib.sha256(f"{version} {file_sha256(mp3)} {file_sha256(text)}".encode()).hexdigest()
    path = STAGES / f"{name}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            kept_key, ready = pickle.load(f)
        if kept_key == key:
            return ready
    with threadpool_limits(limits=1, user_api="blas"):
        ready = pipeline.prepare(mp3, text)
    STAGES.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "wb") as f:
        pickle.dump((key, ready), f, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return ready


def realign(name: str, version: str, settings: dict, folder: Path = run.EPISODES) -> dict:
    """The episode aligned with ``AlignConfig(**settings)`` from its prepared stages, scored;
    ``digest`` tells two alignments apart (every word's time and confidence, the anchors)."""
    from threadpoolctl import threadpool_limits

    from aligner.align.config import AlignConfig
    from aligner.align.engine import align
    from aligner.errors import AlignerError
    from aligner.jsonable import to_jsonable
    from aligner.write.alignment_json import to_dict

    tool = "aligner --cut" if settings.get("cut") else "aligner"
    try:
        ready = prepared(name, version, folder)
        with threadpool_limits(limits=1, user_api="blas"):
            alignment = align(ready.transcript, ready.spoken, ready.cepstra, ready.audio_map,
                              config=AlignConfig(**settings))
    except AlignerError as exc:  # what the command would report: a row of its own, as run.py's
        return {"episode": name, "tool": tool, "variant": variant(name), "error": str(exc)}
    doc = to_dict(alignment)
    truth = json.loads((folder / f"{name}.truth.json").read_text())
    digest = alignment_digest(doc)
    starts = [round(t["start"], 3) for t in doc["turns"]]
    ends = [round(t["end"], 3) for t in doc["turns"]]
    kind = variant(name)
    # the map, scored once for each recording (with its whole transcript) on the regions
    # that `aligner map --json` writes, as run.py scores them
    scored_map = {} if kind else {"map": score.map_accuracy(to_jsonable(ready.audio_map.regions), truth)}
    return {**run.scored(name, doc, truth, tool), **scored_map, "variant": kind, "digest": digest,
            "starts": starts, "ends": ends}


def alignment_digest(doc: dict) -> str:
    """What tells two alignments of an episode apart (every word's time and confidence, the
    anchors), whatever folder the episode was read from: runs from another checkout (a git
    worktree) compare with this one's."""
    doc = {**doc, "audio": {**doc["audio"], "path": None}, "transcript": {**doc["transcript"], "path": None}}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def _line(r: dict) -> str:
    if "error" in r:
        return f"{r['episode']:30s} error: {r['error']}"
    s, a = r["start"], r["anchors"]
    off = r["turns"] - s["n_within_500ms"]
    text = (f"{r['episode']:30s} {r['turns']:4d} turns, {off:3d} off by more than 0.5 s "
            f"({r['turns'] - s['n_within_1000ms']} by 1 s), captions on music {r['caption_overlaps']}, "
            f"anchors shifted flagged {a['shifted_flagged']}/{a['shifted']}, right ones {a['correct_flagged']}")
    if "unsaid" in r:
        text += f", unsaid given audio {r['unsaid']['captioned']}/{r['unsaid']['turns']}"
    if r["not_found"]["said"] or r["not_found"]["unsaid"]:
        text += f", not found: {r['not_found']['unsaid']} unsaid, {r['not_found']['said']} said"
    return text


def overlaps(rows: list[dict], folder: Path = run.EPISODES, *, tolerance_ms: int = 500) -> str:
    """Every turn that covers music or untranscribed audio by more than ``tolerance_ms``
    (what ``score.caption_overlaps`` counts), a line each: its span, the region's, by how
    much, and the true turn's span (whether it starts or ends wrong: a turn's last words
    laid over a replay's first seconds, or its first words over a jingle)."""
    lines, counted = [], 0
    for r in rows:
        if "ends" not in r:
            continue
        truth = json.loads((folder / f"{r['episode']}.truth.json").read_text())
        said = score.said_turns(list(range(len(r["starts"]))), truth)
        regions = score.untranscribed(truth)
        for k, (start, end) in enumerate(zip(r["starts"], r["ends"])):
            over = score.covered({"start": start, "end": end}, regions, tolerance_ms=tolerance_ms)
            if not over:
                continue
            counted += 1
            gold = truth["turns"][said.index(k)] if k in said else None
            true_span = f"{gold['start_ms'] / 1000:.2f}-{gold['end_ms'] / 1000:.2f}" if gold else "not said"
            for g, o in over:
                lines.append(f"{r['episode']:26s} turn {k:3d} {start:8.2f}-{end:8.2f} over {g['kind']} "
                             f"{g['start_ms'] / 1000:.2f}-{g['end_ms'] / 1000:.2f} by {o / 1000:.2f} s; "
                             f"true turn {true_span}")
    return "\n".join([*lines, f"{counted} turns on music or untranscribed audio"])


def misses(rows: list[dict], folder: Path = run.EPISODES, *, limit_ms: int = 500) -> str:
    """Every turn start off by more than ``limit_ms``, a line each, with what earlier
    sessions looked at first: the error, the true start, the voice and whether its text is
    approximate, whether the voice before is the same, the pause before it, and the music,
    jingles and replays within 15 s."""
    lines, turns = [], 0
    for r in rows:
        if "starts" not in r:
            continue
        truth = json.loads((folder / f"{r['episode']}.truth.json").read_text())
        starts = score.said_turns(r["starts"], truth)
        regions = score.untranscribed(truth)
        for k, (start, gold) in enumerate(zip(starts, truth["turns"])):
            turns += 1
            error = start * 1000 - gold["start_ms"]
            if abs(error) <= limit_ms:
                continue
            before = truth["turns"][k - 1] if k else None
            near = " ".join(f"{g['kind']} {g['start_ms'] / 1000:.1f}-{g['end_ms'] / 1000:.1f}" for g in regions
                            if min(abs(g["start_ms"] - gold["start_ms"]), abs(g["end_ms"] - gold["start_ms"])) < 15_000)
            lines.append(
                f"{r['episode']:26s} turn {k:3d} {error / 1000:+7.2f} s at {gold['start_ms'] / 1000:8.2f} "
                f"{gold.get('voice', '?')}{' (approximate)' if gold.get('approximate_text') else ''}, "
                f"{'same voice' if before and before.get('voice') == gold.get('voice') else 'new voice'} "
                f"after {(gold['start_ms'] - before['end_ms']) / 1000 if before else 0:.2f} s{', ' + near if near else ''}")
    return "\n".join([*lines, f"{len(lines)} of {turns} turn starts off by more than {limit_ms / 1000:g} s"])


def changes(rows: list[dict], before: list[dict]) -> str:
    """The episodes whose alignment differs from ``before``'s (same names), with the turns
    moved by more than 50 ms and the scores that changed; and the totals then."""
    old = {r["episode"]: r for r in before}
    lines, then, changed = [], [], 0
    for r in rows:
        o = old.get(r["episode"])
        if o is None:
            lines.append(f"{r['episode']}: not in the earlier run")
            continue
        then.append(o)
        if o.get("digest") == r.get("digest"):
            continue
        changed += 1
        was, now = o.get("starts", []), r.get("starts", [])
        moved = sum(abs(a - b) > 0.05 for a, b in zip(was, now)) + abs(len(was) - len(now))
        lines.append(f"{r['episode']}: {moved} turn starts moved\n  was {_line(o)}\n  now {_line(r)}")
    head = f"{len(then) - changed} of {len(then)} alignments the same as in the earlier run"
    return "\n".join([head, *lines, "", "The earlier run's " + run.totals(then)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", help="episode names or globs (default: every built episode)")
    parser.add_argument("--cut", action="store_true", help="align as `aligner align --cut` does")
    parser.add_argument("--config", default="{}", help="AlignConfig settings, as a JSON object")
    parser.add_argument("--jobs", type=int, default=2, help="episodes aligned at once (1: in this process)")
    parser.add_argument("--save", metavar="TAG", help="keep the rows in bench/runs/realign-TAG.json")
    parser.add_argument("--against", metavar="TAG", help="list what changed since the rows saved as TAG")
    parser.add_argument("--misses", action="store_true", help="list every turn start off by more than 0.5 s")
    parser.add_argument("--captions", action="store_true",
                        help="list every turn on music or untranscribed audio by more than 0.5 s")
    parser.add_argument("--by-mix", action="store_true", help="the whole transcripts' totals for each mix too")
    parser.add_argument("--held-out", action="store_true",
                        help="the held-out episodes (bench/held_out/, built by `bench/build.py --held-out`)")
    args = parser.parse_args(argv)
    settings = json.loads(args.config)
    if not isinstance(settings, dict):
        parser.error("--config takes a JSON object, e.g. '{\"cut_price\": 2.0}'")
    if args.cut:
        settings["cut"] = True
    folder = run.HELD_OUT if args.held_out else run.EPISODES
    names = episode_names(args.episodes, folder)
    if not names:
        parser.error("no built episode matches; build them with "
                     + ("bench/build.py --held-out" if args.held_out else "bench/run.py") + " first")
    before = None
    if args.against:
        saved = run.RUNS / f"realign-{args.against}.json"
        if not saved.exists():
            parser.error(f"no saved run {saved}; save one with --save {args.against}")
        before = json.loads(saved.read_text())
    version = stage_version()
    todo = (names, [version] * len(names), [settings] * len(names), [folder] * len(names))
    if args.jobs <= 1:  # here, one after the other
        rows = list(map(realign, *todo))
    else:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(realign, *todo))
    for r in rows:
        print(_line(r))
    print()
    print(run.totals(rows))
    if args.by_mix:
        print()
        print(by_mix(rows))
    if args.misses:
        print()
        print(misses(rows, folder))
    if args.captions:
        print()
        print(overlaps(rows, folder))
    if before is not None:
        print()
        print(changes(rows, before))
    if args.save:
        run.RUNS.mkdir(parents=True, exist_ok=True)
        (run.RUNS / f"realign-{args.save}.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
