"""Build the benchmark episodes, align each with `aligner` as a separate process, score it
against the ground truth, and print one table.

    python bench/run.py                      # 5, 20 and 90 minutes
    python bench/run.py --sizes 5 --markdown # a Markdown table for RESULTS.md

Wall time and peak memory are those of the whole `aligner align` process; the decode floor
is `ffmpeg -i in.mp3 -ac 1 -ar 16000 -f s16le -` on the same file, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402
import episodes  # noqa: E402
import score  # noqa: E402

EPISODES = HERE / "episodes"
RUNS = HERE / "runs"


def timed(cmd: list[str], **kwargs) -> tuple[int, float, int, bytes]:
    """(exit code, wall seconds, peak RSS in MiB, stderr) of a whole child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - start, usage.ru_maxrss // 1024, err


def episode(c, minutes: float, seed: int) -> Path:
    name = f"ep{minutes:g}m_s{seed}"
    mp3 = EPISODES / f"{name}.mp3"
    if not mp3.exists():
        audio, text, truth = episodes.build(c, minutes=minutes, seed=seed, corrupt_anchor=True)
        episodes.write(audio, text, truth, EPISODES, name)
    return mp3


def run_one(mp3: Path) -> dict:
    name = mp3.stem
    truth = json.loads((EPISODES / f"{name}.truth.json").read_text())
    out = RUNS / name
    code, wall, rss, err = timed([sys.executable, "-m", "aligner", "align", str(mp3), str(EPISODES / f"{name}.txt"), "-o", str(out)])
    if code != 0:
        return {"episode": name, "error": err.decode(errors="replace").strip()}
    ffmpeg = corpus_mod._ffmpeg()
    _, decode_wall, _, _ = timed([ffmpeg, "-v", "error", "-i", str(mp3), "-ac", "1", "-ar", "16000", "-f", "s16le", "-"])
    doc = json.loads((out / f"{name}.json").read_text())
    map_json = out / "map.json"
    timed([sys.executable, "-m", "aligner", "map", str(mp3), "--json", str(map_json)])
    regions = json.loads(map_json.read_text())["regions"]
    return {
        "episode": name, "minutes": truth["minutes"], "turns": len(truth["turns"]),
        "start": score.score_turns(doc["turns"], truth)["start"], "end": score.score_turns(doc["turns"], truth)["end"],
        "caption_overlaps": score.caption_overlaps(doc["turns"], truth),
        "anchors": score.score_anchors(doc["anchors"], truth),
        "map": score.map_accuracy(regions, truth),
        "wall_s": round(wall, 2), "peak_mib": rss, "ffmpeg_decode_s": round(decode_wall, 2),
    }


def table(rows: list[dict], markdown: bool) -> str:
    head = ["episode", "turns", "start median ms", "p90 ms", "max ms", "≤0.1 s", "≤0.5 s", "≤1 s", "end median ms",
            "captions on music/untranscribed", "anchors shifted flagged", "correct flagged", "map frame acc.",
            "wall s", "ffmpeg decode s", "peak MiB"]
    lines = []
    for r in rows:
        if "error" in r:
            lines.append([r["episode"], "error: " + r["error"]] + [""] * (len(head) - 2))
            continue
        s, a = r["start"], r["anchors"]
        lines.append([r["episode"], r["turns"], f"{s['median_ms']:.0f}", f"{s['p90_ms']:.0f}", f"{s['max_ms']:.0f}",
                      f"{s['within_100ms']:.0%}", f"{s['within_500ms']:.0%}", f"{s['within_1000ms']:.0%}",
                      f"{r['end']['median_ms']:.0f}", r["caption_overlaps"], f"{a['shifted_flagged']}/{a['shifted']}",
                      f"{a['correct_flagged']}/{a['anchors'] - a['shifted']}", f"{r['map']['frame_accuracy']:.1%}",
                      r["wall_s"], r["ffmpeg_decode_s"], r["peak_mib"]])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(str(x) for x in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    fmt = lambda row: "  ".join(str(x).rjust(w) for x, w in zip(row, widths))
    return "\n".join([fmt(head)] + [fmt(line) for line in lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,20,90", help="episode lengths in minutes, comma-separated")
    parser.add_argument("--seeds", default="1", help="seeds, comma-separated")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    c = corpus_mod.load()
    rows = []
    for minutes in (float(x) for x in args.sizes.split(",")):
        for seed in (int(x) for x in args.seeds.split(",")):
            rows.append(run_one(episode(c, minutes, seed)))
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(table(rows, args.markdown))
    (RUNS / "last.json").parent.mkdir(parents=True, exist_ok=True)
    (RUNS / "last.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
