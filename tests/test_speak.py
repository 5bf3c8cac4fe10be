"""Synthesis: word and phoneme times, and the same output every time."""

from __future__ import annotations

import numpy as np

from aligner.speak import speak
from aligner.speak.tts import synthesize
from aligner.transcript import parse_transcript

TEXT = "Intervenant·e·s : Anne Martin\n\nAnne Martin : Bonjour à tous. Il y a 30\u00a0000 habitants.\n\nAnne Martin : Au revoir.\n"


def test_word_starts_follow_the_words():
    speech = synthesize(["un", "deux", "trois", "quatre"])
    assert speech.rate > 0 and len(speech.samples) > speech.rate // 4
    assert list(speech.word_starts) == sorted(speech.word_starts) and speech.word_starts[0] == 0
    assert len(set(speech.word_starts)) == 4
    assert [name for _, name in speech.phonemes][1] == "d"  # "un" then the d of "deux"


def test_speak_is_the_same_every_time():
    transcript = parse_transcript(TEXT)
    # the second at a lower priority, as the pipeline runs it beside the decoding
    first, second = speak(transcript), speak(transcript, nice=5)
    assert [t.item for t in first] == [0, 1]
    for a, b in zip(first, second):
        assert np.array_equal(a.features, b.features) and np.array_equal(a.word_frames, b.word_frames)
    (hello, bye) = first
    assert [w.written for w in hello.words][-2:] == ["30\u00a0000", "habitants"]
    assert len(hello.phonemes) == len(hello.features)


def test_a_cancelled_synthesis_stops_with_an_error():
    import threading

    import pytest

    from aligner.errors import AlignerError

    cancel = threading.Event()
    cancel.set()  # the caller had an error to report before eSpeak was done
    with pytest.raises(AlignerError, match="speech synthesis failed"):
        speak(parse_transcript(TEXT), cancel=cancel)
    finished = threading.Event()  # set after a normal run: nothing to stop
    spoken = speak(parse_transcript(TEXT), cancel=finished)
    finished.set()
    assert [t.item for t in spoken] == [0, 1]


def test_workers_started_ahead_say_the_same():
    from aligner.speak import Workers

    transcript = parse_transcript(TEXT)
    with Workers(3) as workers:  # more processes than shares: the one left reads nothing and ends
        ahead = speak(transcript, workers=workers)
        assert all(proc.returncode == 0 for proc in workers.procs)
    fresh = speak(transcript)
    assert [t.item for t in ahead] == [t.item for t in fresh] == [0, 1]
    for a, b in zip(ahead, fresh):
        assert np.array_equal(a.features, b.features) and a.phonemes == b.phonemes


def test_a_worker_loads_the_fft_before_its_job_comes():
    import subprocess
    import sys

    # with no job at all (stdin closed at once), it has loaded the module all the same
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "aligner.speak.worker"], input=b"",
                          capture_output=True, check=True)
    assert done.stdout == b""
    assert any(line.rstrip().endswith("| scipy.fft") for line in done.stderr.decode().splitlines())


def test_workers_keep_what_they_free(monkeypatch):
    import time
    from pathlib import Path

    import pytest

    from aligner.speak import Workers

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's workers set it
    with Workers(1) as workers:
        proc = Path(f"/proc/{workers.procs[0].pid}")
        if not (proc / "environ").exists():
            pytest.skip("no /proc here to read a process's environment from")
        # until the child has run the worker, /proc shows the environment it forked with
        deadline = time.monotonic() + 30
        while b"aligner.speak.worker" not in (proc / "cmdline").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)
        names = dict(v.split(b"=", 1) for v in (proc / "environ").read_bytes().split(b"\0") if b"=" in v)
    # glibc's allocator: freed blocks up to 32 MiB stay in the heap, and 256 MiB of them at its top
    assert names[b"MALLOC_MMAP_THRESHOLD_"] == b"33554432" and names[b"MALLOC_TRIM_THRESHOLD_"] == b"268435456"


def test_workers_never_used_are_stopped():
    from aligner.speak import Workers

    with Workers() as workers:
        pass  # an error before the transcript was read, say
    assert all(proc.poll() is not None for proc in workers.procs)


def test_workers_started_before_a_failed_start_are_stopped(monkeypatch):
    import subprocess

    import pytest

    from aligner.speak import Workers

    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        if started:
            raise OSError("out of processes")
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    with pytest.raises(OSError, match="out of processes"):
        Workers(2)
    assert len(started) == 1 and started[0].poll() is not None and started[0].stdin.closed

