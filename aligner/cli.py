"""The command line: parse arguments, call the library, turn domain errors into one
line on stderr and a named exit code. No alignment logic lives here."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from contextlib import contextmanager
from enum import IntEnum

import click

from aligner import __version__
from aligner.errors import AlignerError
from aligner.jsonable import to_jsonable
from aligner.transcript import FORMATS, Transcript, read_transcript
from aligner.transcript.timecodes import format_clock


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    TRANSCRIPT = 3
    AUDIO = 4
    ALIGNMENT = 5
    OUTPUT = 6
    MARKERS_OFF = 7
    BATCH_FAILED = 8
    INTERRUPTED = 130


class MarkersOff(AlignerError):
    """Raised by ``check`` when a marker is off by more than the tolerance."""

    exit_code = ExitStatus.MARKERS_OFF


class BatchFailed(AlignerError):
    """Raised by ``batch`` when an episode failed (the others were still aligned)."""

    exit_code = ExitStatus.BATCH_FAILED


class _OneLineHandler(logging.Handler):
    """Warnings from the library as ``aligner: warning: …`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower()
        click.echo(f"aligner: {level}: {record.getMessage()}", err=True)


def _setup_logging(verbose: int) -> None:
    root = logging.getLogger("aligner")
    root.handlers[:] = [_OneLineHandler()]
    root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    root.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aligner")
@click.option("-v", "--verbose", count=True, help="More messages (-vv for debugging).")
def cli(verbose: int) -> None:
    """Align a long radio or podcast transcript with its recording."""
    _setup_logging(verbose)


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Transcript format (detected by default).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole model as JSON.")
def parse(transcript: str, fmt: str | None, as_json: bool) -> None:
    """Print the structure of TRANSCRIPT: header, turns, directions, sections, anchors."""
    model = read_transcript(transcript, format=fmt)
    if as_json:
        click.echo(json.dumps(to_jsonable(model), ensure_ascii=False, indent=2))
    else:
        click.echo(summarize(model))


# each stage as the pipeline reports it: its share of a 90-minute run's time (bench table
# 19: decoding 30 %, the features 5 %, the map 12 %, waiting for eSpeak 10 %, aligning 42 %),
# by which the bar moves on when it ends, and what the bar then says
_STAGES = {"read": (1, "transcript read"), "decode": (30, "audio decoded"), "features": (5, "features computed"),
           "map": (12, "audio mapped"), "speak": (10, "turns synthesised"), "align": (42, "aligned")}
ALIGN_STAGES = tuple(_STAGES)
MAP_STAGES = ("decode", "features", "map")


@contextmanager
def progress(stages: tuple[str, ...], file=None):
    """A bar on stderr (or ``file``) that moves on as each of ``stages`` ends, shown on a
    terminal only; yields the pipeline's hook. The bar ends its line on the way out, also
    when an error is on its way to being printed."""
    file = file or sys.stderr
    if not file.isatty():  # (click would still print the label)
        yield lambda stage, value: None
        return
    shares = {s: _STAGES[s][0] for s in stages}
    with click.progressbar(length=sum(shares.values()), label="aligner", file=file, show_eta=False,
                           item_show_func=lambda stage: _STAGES.get(stage, (0, stage))[1] if stage else "") as bar:
        yield lambda stage, value: bar.update(shares.get(stage, 0), stage)


_CUT_HELP = ("The recording may lack some of the transcript's turns (a podcast cut from a broadcast, with the "
             "broadcast's transcript): let the alignment leave them out, listed as not found. Off by default: it also "
             "leaves out a few turns that are said but match poorly.")
_BUNDLED_AUDIO = "audio/sample.mp3"
_BUNDLED_TRANSCRIPT = "transcripts/sample.txt"


@cli.command("align")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str), default=_BUNDLED_AUDIO, required=False)
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=str), default=_BUNDLED_TRANSCRIPT, required=False)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output folder (default: outputs/<audio stem>/).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Transcript format (detected by default).")
@click.option("--id3-chapters", is_flag=True, help="Also write <stem>.chapters.mp3: a copy of AUDIO (an MP3) with ID3 chapters.")
@click.option("--captions", type=click.Choice(["standard", "one-line", "turn"]), default="standard", show_default=True,
              help="Caption cues: two lines of 42 characters, one line, or one cue per turn.")
@click.option("--cut", is_flag=True, help=_CUT_HELP)
def align_command(audio: str, transcript: str, outdir: str | None, fmt: str | None, id3_chapters: bool, captions: str,
                  cut: bool) -> None:
    """Align TRANSCRIPT with AUDIO and write captions and the alignment JSON.

    With no argument, aligns the bundled sample (audio/sample.mp3, transcripts/sample.txt)."""
    from pathlib import Path

    alignment = _aligned(audio, transcript, fmt, cut=cut)
    from aligner.write import write_all

    stem = Path(audio).stem
    folder = Path(outdir) if outdir else Path("outputs") / stem
    paths = write_all(alignment, folder, stem, captions=captions, audio_href=_relative(audio, folder))
    if id3_chapters:
        from aligner.write.id3 import write_chaptered_mp3

        paths.append(write_chaptered_mp3(alignment, audio, folder / f"{stem}.chapters.mp3"))
    click.echo(f"{len(alignment.turns)} turns aligned over {format_clock(alignment.duration_ms)} of audio")
    for check in alignment.anchors:
        verdict = "ok" if check.ok else "OFF"
        click.echo(f"  anchor line {check.anchor.line} {check.anchor.written}: written {format_clock(check.anchor.time_ms)}, "
                   f"measured {format_clock(check.measured_ms)} ({check.delta_ms / 1000:+.1f} s) {verdict}")
    for region in alignment.uncovered:
        click.echo(f"  {region.kind.replace('_', ' ')}: {format_clock(region.start_ms)}-{format_clock(region.end_ms)}")
    for turn in alignment.unplaced:
        click.echo(f"  not found in the audio: line {alignment.transcript.items[turn.item].line} ({turn.speaker}), "
                   "no captions")
    for path in paths:
        click.echo(f"wrote {path}")


def _aligned(audio: str, transcript: str, fmt: str | None, *, cut: bool = False):
    """The pipeline's alignment, its speak stage's processes started before the pipeline's
    modules are imported: their own imports (half a second each) overlap those."""
    from aligner.speak import Workers

    with Workers() as workers:
        from aligner.align.config import AlignConfig
        from aligner.pipeline import run

        with progress(ALIGN_STAGES) as hook:
            return run(audio, transcript, transcript_format=fmt, hook=hook, config=AlignConfig(cut=cut),
                       workers=workers)


def _relative(audio: str, folder) -> str:
    """The audio's path as the review page in ``folder`` links it."""
    import os

    return os.path.relpath(os.path.abspath(audio), os.path.abspath(folder)).replace(os.sep, "/")


@cli.command("check")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=str))
@click.option("--tolerance", type=float, default=5.0, show_default=True, help="Seconds a marker may be off.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output folder (default: outputs/<audio stem>/).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Transcript format (detected by default).")
def check_command(audio: str, transcript: str, tolerance: float, outdir: str | None, fmt: str | None) -> None:
    """Check every timecode and section marker of TRANSCRIPT against AUDIO.

    Exits with status 7 when a marker is off by more than the tolerance."""
    from pathlib import Path

    tolerance_ms = int(round(tolerance * 1000))
    alignment = _aligned(audio, transcript, fmt)
    from aligner.write import report, write_all

    stem = Path(audio).stem
    folder = Path(outdir) if outdir else Path("outputs") / stem
    write_all(alignment, folder, stem, tolerance_ms=tolerance_ms, audio_href=_relative(audio, folder))
    rows = report.markers(alignment, tolerance_ms=tolerance_ms)
    for m in rows:
        written = format_clock(m.written_ms) if m.written_ms is not None else "-"
        delta = f"{m.delta_ms / 1000:+.1f} s" if m.delta_ms is not None else "-"
        click.echo(f"line {m.line or '-':>4}  {written:>8}  {format_clock(m.measured_ms):>8}  {delta:>9}  {m.verdict:<15} {m.text}")
    off = [m for m in rows if m.verdict == "off"]
    if off:
        raise MarkersOff(f"{len(off)} marker(s) off by more than {tolerance:g} s; see the report")


@cli.command("batch")
@click.argument("source", type=click.Path(path_type=str))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=str), required=True, help="Output folder.")
@click.option("-j", "--jobs", type=int, default=0, show_default="one per core", help="Episodes aligned at once.")
@click.option("--force", is_flag=True, help="Redo episodes even when nothing changed since their last success.")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster: the scheduler's address (tcp://host:8786), or 'local'.")
@click.option("--fetch", is_flag=True, help="With --cluster: workers send the outputs back instead of writing them.")
@click.option("--cut", is_flag=True, help=_CUT_HELP)
def batch_command(source: str, outdir: str, jobs: int, force: bool, cluster: str | None, fetch: bool, cut: bool) -> None:
    """Align every episode of SOURCE: a folder (audio and transcripts paired by name) or a
    manifest (.csv or .jsonl with audio, transcript and an optional name).

    Resumable: an episode whose inputs and settings are unchanged since its last success
    is skipped. One bad episode fails alone; the exit status is 8 when any failed."""
    from pathlib import Path

    from aligner.batch import plan, run_batch, summary_json
    from aligner.write import write_atomic

    episodes = plan(source)
    if not episodes:
        raise BatchFailed(f"{source}: no episode found (audio and transcript files paired by name)")
    show = sys.stderr.isatty()
    done = []

    def progress(result):
        done.append(result)
        if show:
            filled = 30 * len(done) // len(episodes)
            bar = "#" * filled + "-" * (30 - filled)
            click.echo(f"\r[{bar}] {len(done)}/{len(episodes)} {result.name[:30]}: {result.status:<8}", err=True, nl=False)

    results = run_batch(episodes, outdir, jobs=jobs, force=force, progress=progress, cluster=cluster, fetch=fetch,
                        settings={"cut": True} if cut else None)
    if show:
        click.echo("", err=True)
    click.echo(f"{'episode':<30} {'status':<8} {'duration':>9} {'turns':>6} {'anchors off':>11} {'not found':>9} "
               f"{'wall s':>7}  message")
    for r in results:
        click.echo(f"{r.name:<30} {r.status:<8} {format_clock(int(r.duration_s * 1000)):>9} {r.turns:>6} "
                   f"{r.anchors_off:>11} {r.not_found:>9} {r.wall_s:>7}  {r.message}")
    write_atomic(Path(outdir) / "batch-summary.json", summary_json(results))
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise BatchFailed(f"{len(failed)} of {len(results)} episode(s) failed; see the table or batch-summary.json")


@cli.command("map")
@click.argument("audio", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=str), default=None, help="Also write the regions as JSON.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=str), default=None, help="Also write an Audacity label track.")
def map_command(audio: str, json_path: str | None, labels_path: str | None) -> None:
    """Print where AUDIO has speech, music, speech over music and silence."""
    from pathlib import Path

    from aligner.pipeline import map_file
    from aligner.write import write_atomic

    with progress(MAP_STAGES) as hook:
        amap = map_file(audio, hook=hook)
    for r in amap.regions:
        click.echo(f"{format_clock(r.start_ms):>9} {format_clock(r.end_ms):>9}  {r.kind:<18} {r.confidence:.2f}")
    if not amap.has_speech:
        logging.getLogger("aligner").warning("%s: no speech found", audio)
    if json_path:
        doc = {"duration_ms": amap.duration_ms, "regions": to_jsonable(amap.regions), "pauses": to_jsonable(amap.pauses)}
        write_atomic(Path(json_path), json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    if labels_path:
        lines = [f"{r.start_ms / 1000:.3f}\t{r.end_ms / 1000:.3f}\t{r.kind}" for r in amap.regions]
        write_atomic(Path(labels_path), "\n".join(lines) + "\n")


def summarize(t: Transcript) -> str:
    """A readable summary of a transcript."""
    meta = t.metadata
    lines = [f"format: {t.format}"]
    if meta.title:
        lines.append(f"title: {meta.title}")
    if meta.date:
        lines.append(f"date: {meta.date.isoformat()}")
    if meta.duration_ms:
        lines.append(f"duration: {format_clock(meta.duration_ms)}")
    if meta.speakers:
        lines.append(f"listed speakers: {', '.join(meta.speakers)}")
    counts = Counter(turn.speaker or "(unknown)" for turn in t.turns)
    lines.append(f"turns: {len(t.turns)} by {len(counts)} speaker{'' if len(counts) == 1 else 's'}")
    lines += [f"  {n:4d}  {name}" for name, n in counts.most_common()]
    kinds = Counter(d.kind.value for d in t.directions)
    lines.append("directions: " + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"))
    for d in t.directions:
        if d.title:
            lines.append(f"  line {d.line}: music break: {d.title}" + (f" by {d.artist}" if d.artist else ""))
        elif d.url:
            lines.append(f"  line {d.line}: replayed segment: {d.url}")
    lines.append(f"sections: {len(t.sections)}")
    lines += [f"  line {s.line}: {s.title}" for s in t.sections]
    lines.append(f"anchors: {len(t.anchors)}")
    for a in t.anchors:
        item = t.items[a.item]
        where = f"turn of {item.speaker}" if hasattr(item, "speaker") else "section start"
        lines.append(f"  line {a.line}: {a.written} = {format_clock(a.time_ms)} ({where})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status instead of raising ``SystemExit``."""
    try:
        cli.main(args=argv, prog_name="aligner", standalone_mode=False)
    except AlignerError as exc:
        click.echo(f"aligner: error: {exc}", err=True)
        return int(getattr(exc, "exit_code", ExitStatus.ERROR))
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitStatus.USAGE)
    except click.exceptions.Abort:
        click.echo("aligner: interrupted", err=True)
        return int(ExitStatus.INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("aligner: interrupted", err=True)
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitStatus.OK)
    return int(ExitStatus.OK)


def entry_point() -> None:
    """The console script (and ``python -m aligner``): exit with the status of :func:`main`."""
    exit_now(main())


def exit_now(status: int) -> None:
    """End the process with ``status`` once stdout, stderr and the log are flushed, without
    the interpreter's teardown: every output file is written and closed by then, and the
    teardown only unloads modules, numba's compiled kernels the slowest of them (0.35 s of
    a 90-minute alignment's 18)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    logging.shutdown()
    os._exit(status)
