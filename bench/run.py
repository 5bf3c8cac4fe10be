"""Build the benchmark episodes, align each with `aligner` as a separate process, score it
against the ground truth, and print one table.

    python bench/run.py                      # 5, 20 and 90 minutes
    python bench/run.py --sizes 5 --markdown # a Markdown table for RESULTS.md
    python bench/run.py --aeneas             # and aeneas (aeneas-ng) side by side
    python bench/run.py --partial 0.5        # and each episode with half its transcript
    python bench/run.py --late 0.5           # and each episode with only its later half transcribed
    python bench/run.py --unanchored         # and each transcript without its timecodes
    python bench/run.py --offset -30         # and each with every timecode written 30 s early
    python bench/run.py --undirected         # and each transcript without its stage directions
    python bench/run.py --unsaid 2           # and each with 2 turns more that the recording lacks
    python bench/run.py --unsaid 2 --cut     # ... aligned with `aligner align --cut`
    python bench/run.py --mix bed            # episodes mixed otherwise (see episodes.MIXES)

With ``--aeneas``, the runner installs aeneas-ng in its own virtual environment
(bench/cache/aeneas-venv); it builds against Debian's libespeak-ng-dev, festival-dev and
libestools-dev, and runs with Debian's ffmpeg and espeak-ng, which the runner installs with
apt-get when it runs as root. aeneas gets the same transcript, one turn per line.

Wall time and peak memory are those of the whole `aligner align` process; the decode floor
is `ffmpeg -i in.mp3 -ac 1 -ar 16000 -f s16le -` on the same file, in the same run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402
import episodes  # noqa: E402
import score  # noqa: E402

EPISODES = HERE / "episodes"
# the held-out episodes (``build.py --held-out``, ``realign.py --held-out``), apart from the
# bench's own so that a run over the bench leaves them out
HELD_OUT = HERE / "held_out"
RUNS = HERE / "runs"


def timed(cmd: list[str], **kwargs) -> tuple[int, float, int, bytes]:
    """(exit code, wall seconds, peak RSS in MiB, stderr) of a whole child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - start, usage.ru_maxrss // 1024, err


def episode_name(minutes: float, seed: int, mix: str = "") -> str:
    return f"ep{minutes:g}m_s{seed}" + (f"_{mix}" if mix else "")


def episode(minutes: float, seed: int, mix: str = "", folder: Path | None = None) -> Path:
    """The episode's MP3 (in ``folder``, by default ``EPISODES``), built first if missing or
    built otherwise. It is built in a process of its own: a child inherits its parent's
    resident memory until it execs, and the peak memory measured for the aligner would
    include the gigabyte that building took here."""
    folder = folder or EPISODES
    name = episode_name(minutes, seed, mix)
    mp3 = folder / f"{name}.mp3"
    truth = folder / f"{name}.truth.json"
    # the truth is written last: an MP3 without it is what a build stopped halfway left
    if (not mp3.exists() or not truth.exists()
            or json.loads(truth.read_text()).get("build") != list(episodes.BUILD)):
        builder = multiprocessing.get_context("spawn").Process(target=_build, args=(minutes, seed, name, mix, folder))
        builder.start()
        builder.join()
        if builder.exitcode != 0:
            raise RuntimeError(f"building {name} failed")
    return mp3


def _build(minutes: float, seed: int, name: str, mix: str, folder: Path) -> None:
    audio, text, truth = episodes.build(corpus_mod.load(), minutes=minutes, seed=seed, corrupt_anchor=True, mix=mix)
    episodes.write(audio, text, truth, folder, name)


def partial(mp3: Path, share: float) -> Path:
    """``<name>_part<share>.mp3`` (a link to the whole recording) with the transcript of its
    first ``share`` of turns."""
    return _variant(mp3, f"_part{round(share * 100)}", lambda text, truth: episodes.cut(text, truth, share))


def late(mp3: Path, share: float) -> Path:
    """``<name>_late<share>.mp3`` (a link to the whole recording) with the transcript of its
    turns after the first ``share``, a timecode written at its first turn."""
    return _variant(mp3, f"_late{round(share * 100)}", lambda text, truth: episodes.late(text, truth, share))


def offset(mp3: Path, seconds: int) -> Path:
    """``<name>_off<seconds>.mp3`` (a link to the same recording) with every timecode of its
    transcript ``seconds`` later."""
    return _variant(mp3, f"_off{seconds}", lambda text, truth: episodes.offset(text, truth, seconds))


def unanchored(mp3: Path) -> Path:
    """``<name>_noanchor.mp3`` (a link to the same recording) with no timecode in its
    transcript."""
    return _variant(mp3, "_noanchor", episodes.unanchored)


def undirected(mp3: Path) -> Path:
    """``<name>_nodir.mp3`` (a link to the same recording) with no stage direction in its
    transcript."""
    return _variant(mp3, "_nodir", episodes.undirected)


def unsaid(mp3: Path, count: int) -> Path:
    """``<name>_unsaid<count>.mp3`` (a link to the same recording) with ``count`` turns more
    in its transcript, that the recording does not hold."""
    return _variant(mp3, f"_unsaid{count}", lambda text, truth: episodes.unsaid(text, truth, count, truth.get("seed", 0)))


def _variant(mp3: Path, suffix: str, change) -> Path:
    """An episode that is ``mp3`` (linked) with its transcript and truth changed."""
    name = f"{mp3.stem}{suffix}"
    link = EPISODES / f"{name}.mp3"
    if not link.exists():
        link.symlink_to(mp3.resolve().name)
    text, truth = change((EPISODES / f"{mp3.stem}.txt").read_text(encoding="utf-8"),
                         json.loads((EPISODES / f"{mp3.stem}.truth.json").read_text()))
    (EPISODES / f"{name}.txt").write_text(text, encoding="utf-8")
    (EPISODES / f"{name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return link


def _map_regions(mp3: Path, out: Path) -> list[dict]:
    """The regions ``aligner map`` finds in ``mp3``."""
    map_json = out / "map.json"
    timed([sys.executable, "-m", "aligner", "map", str(mp3), "--json", str(map_json)])
    return json.loads(map_json.read_text())["regions"]


def ffmpeg_decode_s(mp3: Path) -> float:
    """Wall seconds of the issue's decode floor on ``mp3``: ``ffmpeg -i in.mp3 -ac 1 -ar 16000
    -f s16le -``."""
    return timed([corpus_mod._ffmpeg(), "-v", "error", "-i", str(mp3), "-ac", "1", "-ar", "16000", "-f", "s16le",
                  "-"])[1]


def run_one(mp3: Path, cut: bool = False) -> dict:
    """``aligner align`` on the episode (with ``--cut`` when ``cut``), scored."""
    name = mp3.stem
    truth = json.loads((EPISODES / f"{name}.truth.json").read_text())
    out = RUNS / (f"{name}_cut" if cut else name)
    code, wall, rss, err = timed([sys.executable, "-m", "aligner", "align", str(mp3), str(EPISODES / f"{name}.txt"),
                                  "-o", str(out), *(["--cut"] if cut else [])])
    if code != 0:
        return {"episode": name, "error": err.decode(errors="replace").strip()}
    decode_wall = ffmpeg_decode_s(mp3)
    doc = json.loads((out / f"{name}.json").read_text())
    # a cut transcript's truth no longer says where all the speech is: no map score
    scored_map = {} if "covered_turns" in truth else {"map": score.map_accuracy(_map_regions(mp3, out), truth)}
    return {**scored(name, doc, truth, "aligner --cut" if cut else "aligner"), **scored_map,
            "wall_s": round(wall, 2), "peak_mib": rss, "ffmpeg_decode_s": round(decode_wall, 2)}


def scored(name: str, doc: dict, truth: dict, tool: str) -> dict:
    """An alignment JSON ``doc`` scored against the episode's ``truth``: a row of the table
    (without the map and the times)."""
    turns = score.score_turns(doc["turns"], truth)
    return {
        "episode": name, "tool": tool, "minutes": truth["minutes"],
        "turns": len(truth["turns"]),
        "start": turns["start"], "end": turns["end"], "start_at_changes": turns["start_at_changes"],
        "utterance_end": score.score_utterance_ends(doc["turns"], truth),
        "caption_overlaps": score.caption_overlaps(doc["turns"], truth),
        "not_found": score.not_found(doc["turns"], truth),
        **({"unsaid": {"turns": len(truth["unsaid_turns"]), "captioned": score.unsaid_captioned(doc["turns"], truth)}}
           if "unsaid_turns" in truth else {}),
        "anchors": score.score_anchors(doc["anchors"], truth),
    }


AENEAS_VENV = HERE / "cache" / "aeneas-venv"
AENEAS_DEBS = ("espeak-ng", "libespeak-ng-dev", "ffmpeg", "festival-dev", "libestools-dev")


def aeneas_python() -> Path:
    """The Python of a virtual environment with aeneas-ng, made on first use."""
    python = AENEAS_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import aeneas.cdtw.cdtw"], capture_output=True).returncode == 0:
        return python
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", *AENEAS_DEBS], check=True, capture_output=True)
    else:
        print(f"aeneas needs: apt-get install {' '.join(AENEAS_DEBS)}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(AENEAS_VENV)], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "numpy", "aeneas-ng"], check=True)
    return python


def run_aeneas(mp3: Path, python: Path) -> dict:
    """aeneas on the same episode: one fragment per turn, French, JSON out."""
    sys.path.insert(0, str(HERE.parent))
    from aligner.transcript import read_transcript

    name = mp3.stem
    truth = json.loads((EPISODES / f"{name}.truth.json").read_text())
    out = RUNS / name / "aeneas"
    out.mkdir(parents=True, exist_ok=True)
    plain = out / "turns.txt"
    turns = read_transcript(EPISODES / f"{name}.txt").turns
    plain.write_text("\n".join(" ".join(t.text.split()) for t in turns) + "\n", encoding="utf-8")
    result = out / "aeneas.json"
    code, wall, rss, err = timed([str(python), "-m", "aeneas.tools.execute_task", str(mp3), str(plain),
                                  "task_language=fra|is_text_type=plain|os_task_file_format=json", str(result)])
    if code != 0:
        return {"episode": name, "tool": "aeneas", "error": err.decode(errors="replace").strip()[-300:]}
    fragments = json.loads(result.read_text())["fragments"]
    predicted = [{"start": float(f["begin"]), "end": float(f["end"])} for f in fragments]
    scored = score.score_turns(predicted, truth)
    return {"episode": name, "tool": "aeneas", "minutes": truth["minutes"], "turns": len(truth["turns"]),
            "start": scored["start"], "end": scored["end"], "caption_overlaps": score.caption_overlaps(predicted, truth),
            "wall_s": round(wall, 2), "peak_mib": rss}


def table(rows: list[dict], markdown: bool) -> str:
    head = ["episode", "tool", "turns", "start median ms", "p90 ms", "max ms", "≤0.1 s", "≤0.5 s", "≤1 s", "end median ms",
            "captions on music/untranscribed", "anchors shifted flagged", "correct flagged", "map frame acc.", "map acc. ±0.25 s",
            "music edges ≤0.5 s", "wall s", "ffmpeg decode s", "peak MiB"]
    lines = []
    for r in rows:
        if "error" in r:
            lines.append([r["episode"], r.get("tool", "aligner"), "error: " + r["error"]] + [""] * (len(head) - 3))
            continue
        s, a = r["start"], r.get("anchors")
        lines.append([r["episode"], r.get("tool", "aligner"), r["turns"], f"{s['median_ms']:.0f}", f"{s['p90_ms']:.0f}",
                      f"{s['max_ms']:.0f}", f"{s['within_100ms']:.0%}", f"{s['within_500ms']:.0%}", f"{s['within_1000ms']:.0%}",
                      f"{r['end']['median_ms']:.0f}", r["caption_overlaps"],
                      f"{a['shifted_flagged']}/{a['shifted']}" if a else "-",
                      f"{a['correct_flagged']}/{a['anchors'] - a['shifted']}" if a else "-",
                      f"{r['map']['frame_accuracy']:.1%}" if "map" in r else "-",
                      f"{r['map']['frame_accuracy_collar']:.1%}" if "map" in r else "-",
                      _edges_within(r["map"]) if "map" in r else "-",
                      r["wall_s"], r.get("ffmpeg_decode_s", "-"), r["peak_mib"]])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(str(x) for x in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    fmt = lambda row: "  ".join(str(x).rjust(w) for x, w in zip(row, widths))
    return "\n".join([fmt(head)] + [fmt(line) for line in lines])


def _edges_within(scored_map: dict) -> str:
    edges = scored_map["music_edges"]
    return f"{edges.get('n_within_500ms', 0)}/{edges['n']}"


def totals(rows: list[dict]) -> str:
    """One line per tool and kind of transcript (whole, ``_part50``, ``_noanchor``, ...):
    turn starts within 0.5 and 1 s (and within 0.5 s those at a change of speaker or after a
    break, not those that go on with the same speaker's talk: ``score.paragraph_turns``),
    turn ends within 0.5 s (where the rows score them), the ends of the words before pauses
    inside turns within 0.1 s (``score.score_utterance_ends``),
    captions on music or untranscribed audio and anchors flagged (issue 4's targets),
    summed over the episodes of the table; and one for the
    audio map (issue 3's: frame accuracy, music edges within 0.5 s) over the episodes it
    was scored on."""
    sums: dict[tuple[str, str], Counter] = {}
    for r in rows:
        s = sums.setdefault((r.get("tool", "aligner"), r.get("variant", "")), Counter())
        if "error" in r:
            s["failed"] += 1
            continue
        a = r.get("anchors") or {}
        s.update(ok=r["start"]["n_within_500ms"], ok_1s=r["start"]["n_within_1000ms"], turns=r["turns"],
                 overlaps=r.get("caption_overlaps", 0), shifted_flagged=a.get("shifted_flagged", 0),
                 shifted=a.get("shifted", 0), correct_flagged=a.get("correct_flagged", 0),
                 correct=a.get("anchors", 0) - a.get("shifted", 0))
        changes = r.get("start_at_changes") or {}
        s.update(changes=changes.get("n", 0), changes_ok=changes.get("n_within_500ms", 0))
        if "end" in r:
            s.update(ends=r["end"]["n"], ends_ok=r["end"]["n_within_500ms"])
        if r.get("utterance_end", {}).get("n"):
            s.update(pauses=r["utterance_end"]["n"], pauses_ok=r["utterance_end"]["n_within_100ms"])
        for key, pick in (("right_max_s", max), ("shifted_min_s", min)):
            if key in a:
                s[key] = pick(s[key], a[key]) if key in s else a[key]
        if "unsaid" in r:
            s.update(unsaid=r["unsaid"]["turns"], unsaid_captioned=r["unsaid"]["captioned"])
        if "not_found" in r:
            s.update(listed_unsaid=r["not_found"]["unsaid"], listed_said=r["not_found"]["said"])
    lines = []
    for (tool, variant), s in sums.items():
        line = f"- {tool} {variant or 'whole transcripts'}: {s['ok']} of {s['turns']} turn starts within 0.5 s"
        if s["turns"]:
            line += f" ({s['ok'] / s['turns']:.1%}), {s['ok_1s']} within 1 s ({s['ok_1s'] / s['turns']:.1%})"
        if s["changes"]:
            line += (f"; at a change of speaker or after a break {s['changes_ok']} of {s['changes']} within 0.5 s "
                     f"({s['changes_ok'] / s['changes']:.1%})")
        if s["ends"]:
            line += f"; {s['ends_ok']} of {s['ends']} turn ends within 0.5 s ({s['ends_ok'] / s['ends']:.1%})"
        if s["pauses"]:
            line += (f"; the word before a pause inside a turn ends within 0.1 s of the speech {s['pauses_ok']} "
                     f"of {s['pauses']} times ({s['pauses_ok'] / s['pauses']:.1%})")
        line += f"; {s['overlaps']} captions on music or untranscribed audio"
        if tool.startswith("aligner"):
            line += (f"; shifted anchors flagged {s['shifted_flagged']}/{s['shifted']}, "
                     f"correct ones flagged {s['correct_flagged']}/{s['correct']}")
            margins = [f"right ones measured {s['right_max_s']:.1f} s off at most"] if "right_max_s" in s else []
            if "shifted_min_s" in s:
                margins.append(f"shifted ones {s['shifted_min_s']:.1f} s at least" if margins
                               else f"shifted ones measured {s['shifted_min_s']:.1f} s off at least")
            if margins:
                line += "; " + ", ".join(margins)
        if s["unsaid"]:
            line += (f"; {s['unsaid_captioned']} of {s['unsaid']} turns that the recording lacks given some of it, "
                     f"{s['listed_unsaid']} listed as not found")
        if s["listed_said"]:
            line += f"; {s['listed_said']} turns said listed as not found"
        lines.append(line + (f"; {s['failed']} failed" if s["failed"] else ""))
    maps = [r["map"] for r in rows if "map" in r and "error" not in r]
    if maps:
        accuracy = [m["frame_accuracy"] for m in maps]
        edges = sum(m["music_edges"]["n"] for m in maps)
        near = sum(m["music_edges"].get("n_within_500ms", 0) for m in maps)
        lines.append(f"- audio map, {len(maps)} episode{'s' if len(maps) > 1 else ''}: "
                     f"frame accuracy {sum(accuracy) / len(accuracy):.2%} on average "
                     f"(lowest {min(accuracy):.1%}, {sum(a < 0.97 for a in accuracy)} under 97 %), "
                     f"{near} of {edges} music edges within 0.5 s")
    return "Totals:\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,20,90", help="episode lengths in minutes, comma-separated")
    parser.add_argument("--seeds", default="1", help="seeds, comma-separated")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--aeneas", action="store_true", help="also run aeneas (aeneas-ng) on each episode")
    parser.add_argument("--partial", type=float, default=0.0,
                        help="also align each episode with only this share of its transcript (e.g. 0.5)")
    parser.add_argument("--late", type=float, default=0.0,
                        help="also align each episode with the transcript of its turns after this share of them, "
                             "a timecode written at the first (e.g. 0.5)")
    parser.add_argument("--offset", type=int, default=0,
                        help="also align each episode with every timecode written this many seconds later "
                             "(e.g. -30: a recording cut otherwise than the show they were written for)")
    parser.add_argument("--unanchored", action="store_true",
                        help="also align each episode (and its partial or late transcript) with every timecode removed")
    parser.add_argument("--undirected", action="store_true",
                        help="also align each episode (and its variants) with no stage direction in its transcript")
    parser.add_argument("--unsaid", type=int, default=0,
                        help="also align each episode with this many turns more in its transcript, "
                             "that the recording does not hold (a passage cut from it)")
    parser.add_argument("--cut", action="store_true",
                        help="align with `aligner align --cut` (the recording may lack turns of the transcript)")
    parser.add_argument("--mix", default="", choices=sorted(episodes.MIXES),
                        help="mix the episodes otherwise: louder beds, louder hiss, shorter pauses, uneven levels, gated pauses, a compressor, songs, voiced jingles, quicker talk, overlapping changes of speaker")
    args = parser.parse_args(argv)
    peer = aeneas_python() if args.aeneas else None
    rows = []
    for minutes in (float(x) for x in args.sizes.split(",")):
        for seed in (int(x) for x in args.seeds.split(",")):
            mp3 = episode(minutes, seed, args.mix)
            rows.append(run_one(mp3, args.cut))
            if peer is not None:
                rows.append(run_aeneas(mp3, peer))
            variants = [partial(mp3, args.partial)] if args.partial else []
            variants += [late(mp3, args.late)] if args.late else []
            variants += [offset(mp3, args.offset)] if args.offset else []
            if args.unanchored:
                variants += [unanchored(v) for v in [mp3] + variants]
            if args.undirected:
                variants += [undirected(v) for v in [mp3] + variants]
            variants += [unsaid(mp3, args.unsaid)] if args.unsaid else []
            rows += [dict(run_one(v, args.cut), variant=v.stem[len(mp3.stem):]) for v in variants]
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(table(rows, args.markdown))
    print()
    print(totals(rows))
    (RUNS / "last.json").parent.mkdir(parents=True, exist_ok=True)
    (RUNS / "last.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
