"""Time two versions of `aligner align` on the same built episode, alternated, and say
whether they write the same outputs.

    python bench/alternate.py ep90m_s1 --rev ae9aab4             # 5 pairs: that commit, then this checkout
    python bench/alternate.py ep20m_s1 --rev HEAD~2 --pairs 10

The machine's speed wanders (by a third within minutes on the bench's), so a speed-up of a
few percent shows only in runs alternated with the version before it: each pair runs the
two in turn, the first of them swapped from one pair to the next (old, new, new, old, ...),
and the report gives each version's median and the median of the differences within
pairs, after one untimed run of each. ffmpeg's decode of the file (`ffmpeg -i in.mp3 -ac
1 -ar 16000 -f s16le -`) runs once per pair too, for the ratio the issue asks about.

The other version is checked out once in ``bench/cache/worktrees/<commit>`` (``git
worktree``); each version runs from its own folder, with ``PYTHONPATH`` set to it for the
speak stage's processes. (Before the thirty-third session both ran from the folder the
command was given in, the checkout: the two versions were the same code.)
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402

ROOT = HERE.parent
WORKTREES = HERE / "cache" / "worktrees"


def checkout(rev: str) -> Path:
    """A worktree of ``rev`` (made once per commit)."""
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = WORKTREES / commit[:12]
    if not (tree / "aligner").is_dir():
        WORKTREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(tree), commit], cwd=ROOT, check=True,
                       capture_output=True)
    return tree


def version_command(tree: Path, args: list[str]) -> tuple[list[str], dict]:
    """``python -m aligner ARGS`` as the version checked out in ``tree`` runs it: from that
    folder, whose ``aligner`` then comes first (``-m`` puts the working folder before
    ``PYTHONPATH``: run from a checkout, every version ran that checkout's code), with
    ``PYTHONPATH`` for the processes it starts."""
    return [sys.executable, "-m", "aligner", *args], {"env": dict(os.environ, PYTHONPATH=str(tree)), "cwd": str(tree)}


def schedule(pairs: int) -> list[tuple[str, str]]:
    """The order of the two versions in each pair: the one that ran second runs first next."""
    return [("old", "new") if k % 2 == 0 else ("new", "old") for k in range(pairs)]


def summary(times: dict[str, list[float]], decode: list[float]) -> dict:
    """Medians of each version's times, of the differences within pairs (new - old) and of
    each version's ratio to ffmpeg's decode in the same pair."""
    diffs = [n - o for n, o in zip(times["new"], times["old"])]
    return {
        "pairs": len(diffs),
        "old_median_s": round(statistics.median(times["old"]), 2),
        "new_median_s": round(statistics.median(times["new"]), 2),
        "paired_difference_median_s": round(statistics.median(diffs), 2),
        "ffmpeg_median_s": round(statistics.median(decode), 2),
        "old_ratio_median": round(statistics.median([o / d for o, d in zip(times["old"], decode)]), 2),
        "new_ratio_median": round(statistics.median([n / d for n, d in zip(times["new"], decode)]), 2),
    }


def _differing(a: Path, b: Path) -> list[str]:
    """The output files that differ between folders ``a`` and ``b`` (or exist in one only)."""
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    return [n for n in names if not ((a / n).exists() and (b / n).exists() and filecmp.cmp(a / n, b / n, shallow=False))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episode", help="a built episode's name (bench/episodes/NAME.mp3 and NAME.txt)")
    parser.add_argument("--rev", required=True, help="the other version: a commit, tag or branch")
    parser.add_argument("--pairs", type=int, default=5, help="pairs of runs")
    args = parser.parse_args(argv)
    mp3, txt = run.EPISODES / f"{args.episode}.mp3", run.EPISODES / f"{args.episode}.txt"
    if not mp3.exists() or not txt.exists():
        parser.error(f"no built episode {args.episode!r} in {run.EPISODES}; build it with bench/run.py first")
    trees = {"old": checkout(args.rev), "new": ROOT}
    out = {v: run.RUNS / "alternate" / f"{args.episode}_{v}" for v in trees}
    times: dict[str, list[float]] = {"old": [], "new": []}
    decode: list[float] = []

    def align(version: str) -> float | None:
        command, where = version_command(trees[version], ["align", str(mp3), str(txt), "-o", str(out[version])])
        code, wall, _, err = run.timed(command, **where)
        if code != 0:
            print(f"{version}: aligner failed: {err.decode(errors='replace').strip()}", file=sys.stderr)
            return None
        return wall

    # one run of each first, not timed: a new worktree's first run compiles numba's kernels
    # into its cache (10 s more at 90 minutes), and the files are read into the page cache
    if any(align(version) is None for version in trees):
        return 1
    for k, order in enumerate(schedule(args.pairs)):
        for version in order:
            wall = align(version)
            if wall is None:
                return 1
            times[version].append(wall)
        decode.append(run.ffmpeg_decode_s(mp3))
        print(f"pair {k + 1}: old {times['old'][-1]:.2f} s, new {times['new'][-1]:.2f} s, ffmpeg {decode[-1]:.2f} s",
              flush=True)
    report = summary(times, decode)
    differing = _differing(out["old"], out["new"])
    print(", ".join(f"{k} {v}" for k, v in report.items()))
    print("outputs: the same bytes" if not differing else f"outputs differing: {', '.join(differing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
