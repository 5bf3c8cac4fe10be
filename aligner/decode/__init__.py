"""Stage: decode an audio file, once, into the one audio type used inside: ``Audio``.

Decoders: ffmpeg (a system ffmpeg on PATH, else the binary the imageio-ffmpeg wheel
ships) for every format; libmpg123 (``mpg123.py``) for MP3 files when the system has it,
in two thirds of ffmpeg's CPU time; soundfile (libsndfile: wav, flac, ogg/vorbis/opus, mp3) when no
ffmpeg can run. All give mono int16 at ``rate`` Hz, never a whole 44.1 kHz or float64 copy
of the file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from aligner.decode import mpg123
from aligner.errors import AudioError

log = logging.getLogger(__name__)

DEFAULT_RATE = 16_000
_BLOCK_SECONDS = 60
_PAD_SECONDS = 0.05
_HALVES_MIN_SECONDS = 120.0  # shorter files decode in one go
_PREROLL_SECONDS = 1.0
_MAX_SLIP_SECONDS = 0.2  # how far a seek may land from where one-go decoding puts that time


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono int16 ``samples`` at ``rate`` Hz, decoded from ``source``."""

    samples: np.ndarray
    rate: int
    source: str = ""
    sha256: str = ""

    @property
    def duration_ms(self) -> int:
        return len(self.samples) * 1000 // self.rate


def find_ffmpeg() -> str | None:
    """A usable ffmpeg: the system's, else the one in the imageio-ffmpeg wheel."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


def decode(path: str | Path, *, rate: int = DEFAULT_RATE, decoder: str = "auto") -> Audio:
    """Decode ``path`` to mono int16 at ``rate`` Hz.

    ``decoder`` is ``"auto"`` (libmpg123 for an MP3 file when the system has it, else
    ffmpeg when one is found, else soundfile), ``"ffmpeg"``, ``"mpg123"`` (an MP3 file;
    ffmpeg reads its duration) or ``"soundfile"``. Raises ``AudioError`` for a missing,
    unreadable or empty file.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path}: no such audio file; check the path")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty (0 bytes); give a recording")
    if decoder not in ("auto", "ffmpeg", "mpg123", "soundfile"):
        raise ValueError(f"unknown decoder {decoder!r}")
    ffmpeg = find_ffmpeg() if decoder != "soundfile" else None
    if decoder in ("ffmpeg", "mpg123") and ffmpeg is None:
        raise AudioError("no ffmpeg found; install imageio-ffmpeg or put ffmpeg on PATH")
    if decoder == "mpg123" and not mpg123.available():
        raise AudioError("no libmpg123 found; install it (Debian: libmpg123-0) or decode with ffmpeg")
    samples = _decode_probed(path, ffmpeg, rate, decoder) if ffmpeg else _decode_soundfile(path, rate)
    if len(samples) == 0:
        raise AudioError(f"{path}: holds no audio samples; give a recording with sound")
    log.debug("decoded %s: %.1f s at %d Hz", path, len(samples) / rate, rate)
    return Audio(samples, rate, str(path), file_sha256(path))


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode_probed(path: Path, ffmpeg: str, rate: int, decoder: str) -> np.ndarray:
    """Decode an MP3 file with libmpg123 (``decoder`` "auto" or "mpg123"), anything else
    with ffmpeg, straight into one int16 array sized from the duration that ffmpeg reads
    in the container, so that the samples never sit in memory twice; a long file in two
    halves at once, one per core (either decoder reads an MP3 on one core)."""
    duration, is_mp3 = _probe(path, ffmpeg)
    if duration is None:
        return _ffmpeg_pipe(path, ffmpeg, rate)
    if decoder == "mpg123" and not is_mp3:
        raise AudioError(f"{path}: not an MP3 file; decode it with ffmpeg")
    # a file stitched from several encodes goes to ffmpeg unless asked: the joins' timing
    if is_mp3 and (decoder == "mpg123" or decoder == "auto" and mpg123.available() and not mpg123.stitched(path)):
        try:
            return _decode_ranges(partial(mpg123.decode_range, path, rate), rate, duration)
        except mpg123.Unsupported as exc:
            if decoder == "mpg123":
                raise AudioError(f"{path}: libmpg123 cannot decode it ({exc}); decode it with ffmpeg") from None
            log.debug("%s: libmpg123 cannot decode it (%s); ffmpeg does", path, exc)
    return _decode_ranges(partial(_ffmpeg_range, path, ffmpeg, rate), rate, duration)


def _ffmpeg_range(path: Path, ffmpeg: str, rate: int, dest: np.ndarray, *, start: float | None = None,
                  limit: float | None = None, **kwargs) -> np.ndarray:
    """``_ffmpeg_into`` from ``start`` seconds, for ``limit`` seconds."""
    command = _command(path, ffmpeg, rate, start=start, limit=limit) if start or limit else None
    return _ffmpeg_into(path, ffmpeg, rate, dest, command=command, **kwargs)


def _decode_ranges(decode_range, rate: int, duration: float) -> np.ndarray:
    """Decode with ``decode_range`` (a stretch of the file into preallocated arrays, as
    ``_ffmpeg_range``) into one array sized from ``duration``: a long file in two halves."""
    out = np.empty(int(duration * rate) + rate, np.int16)  # a second of margin
    if duration >= _HALVES_MIN_SECONDS and (os.cpu_count() or 1) > 1:
        samples = _halves(decode_range, rate, out, duration)
        if samples is not None:
            return samples
    return decode_range(out)


def _halves(decode_range, rate: int, dest: np.ndarray, duration: float) -> np.ndarray | None:
    """Decode the first half into ``dest[:split]`` and, at the same time, the second half
    from ``_PREROLL_SECONDS`` before the split on (the pre-roll primes the decoder and the
    resampler: an MP3 or Opus decoder's first 200 ms after a seek differ). The pre-roll's
    last half must match the first half's last samples, shifted by at most
    ``_MAX_SLIP_SECONDS``, else (a seek that lands elsewhere, as in a file with wrong
    timestamps) None: decode in one go."""
    split_s = round(duration / 2, 2)  # whole 10 ms: whole samples at 16 and 44.1 kHz
    split, pre = int(round(split_s * rate)), int(_PREROLL_SECONDS * rate)
    if split >= len(dest):
        return None
    preroll = np.empty(pre, np.int16)
    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(decode_range, dest[:split], limit=split_s, keep_rest=False)
        b = pool.submit(decode_range, dest[split:], start=split_s - _PREROLL_SECONDS, head=preroll)
        try:
            head_part, tail_part = a.result(), b.result()
        except AudioError:  # the one-go decoding says what is wrong, if anything is
            return None
    if not len(head_part) or not len(tail_part):
        return None
    # the pre-roll's second half is found in the first half's end, where the seek landed;
    # the first half may also stop short of ``split_s`` by as much (timestamps that skip a
    # frame at each join of a file stitched from several MP3s, as with inserted ads: one-go
    # decoding plays the frame, seeking and ``-t`` count without it)
    head, max_slip = len(head_part), int(_MAX_SLIP_SECONDS * rate)
    slip = _seek_slip(preroll, dest[:head], max_slip) if head >= split - max_slip else None
    if slip is None:
        log.debug("the two halves do not meet; decoding in one go")
        return None
    if slip == 0 and head == split and np.shares_memory(tail_part, dest):  # all of it in ``dest``, in place
        return dest[: split + len(tail_part)]
    if slip < 0:  # the seek landed early: the second half starts with samples the first ends with
        return np.concatenate([dest[:head], tail_part[-slip:]])
    # the seek landed late: the pre-roll ends with the samples between the halves
    return np.concatenate([dest[:head], preroll[len(preroll) - slip:], tail_part])


def _seek_slip(preroll: np.ndarray, first: np.ndarray, max_slip: int) -> int | None:
    """How many samples after ``first``'s end the pre-roll ends (negative: before it): the
    pre-roll's second half is found in the end of ``first``; None when it is not there,
    within ``max_slip`` samples either way."""
    check = len(preroll) // 2
    width = check - max_slip
    if width <= 0 or len(first) < check:
        return None
    target = first[len(first) - check:len(first) - check + width]
    # exact seeks first (the usual case), then every slip by cross-correlation
    start = len(preroll) - check
    if _same_sound(preroll[start:start + width], target):
        return 0
    from scipy.signal import correlate

    a = preroll[start - max_slip:start + max_slip + width].astype(np.float32)
    scores = correlate(a, target.astype(np.float32), mode="valid", method="fft")
    at = start + int(np.argmax(scores)) - max_slip  # where ``target`` sits in the pre-roll
    if at != start and _same_sound(preroll[at:at + width], target):
        return start - at
    return None


def _same_sound(a: np.ndarray, b: np.ndarray) -> bool:
    """Two decodings of the same stretch: equal, or off by a few units (AAC's overlapping
    frames), not by a shift of the sound."""
    diff = np.abs(a.astype(np.int32) - b.astype(np.int32))
    level = float(np.sqrt(np.mean(b.astype(np.float64) ** 2)))
    return float(diff.mean()) <= 0.01 * level + 1.0


_DURATION = re.compile(rb"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_MP3 = re.compile(rb"Input #0, mp3,.*?Stream #0:\d+.*?: Audio: mp3\b", re.DOTALL)


def _probe(path: Path, ffmpeg: str) -> tuple[float | None, bool]:
    """The container's duration, from ffmpeg's banner (None when it does not say), and
    whether the file is an MP3 (its first audio stream MPEG layer 3 in an MP3 file)."""
    proc = subprocess.run([ffmpeg, "-nostdin", "-hide_banner", "-i", str(path)], capture_output=True, check=False)
    m = _DURATION.search(proc.stderr)
    if not m:
        return None, False
    h, mi, sec = m.groups()
    return int(h) * 3600 + int(mi) * 60 + float(sec), bool(_MP3.search(proc.stderr))


def _command(path: Path, ffmpeg: str, rate: int, *, start: float | None = None, limit: float | None = None) -> list[str]:
    """ffmpeg decoding ``path`` (from ``start`` seconds, for ``limit`` seconds) to mono
    int16 at ``rate`` on stdout."""
    seek = ["-ss", f"{start:.3f}"] if start else []
    until = ["-t", f"{limit:.3f}"] if limit else []
    # every layout mixed down to mono before it is resampled: the same samples as "-ac 1
    # -ar" (to a unit, in AAC), which resamples every channel first; 90 minutes of stereo
    # MP3, 6.0 -> 5.5 CPU-s. (A layout that changes inside the file, a mono ad stitched into
    # a stereo show, is mixed down as "-ac 1" does it; a "pan" filter halved its level.)
    mono = (["-af", f"aresample=ochl=mono:rematrix_maxval=1,aresample={rate}"] if _mixes_down_first(ffmpeg)
            else ["-ac", "1", "-ar", str(rate)])
    # -flush_packets 0: into a pipe, ffmpeg otherwise writes every decoded frame on its own
    # (207k writes of 836 bytes for a 90-minute MP3: 1.5 s more than decoding to a file)
    return [ffmpeg, "-nostdin", "-v", "error", *seek, "-i", str(path), *until, "-map", "0:a:0", "-vn",
            *mono, "-f", "s16le", "-acodec", "pcm_s16le", "-flush_packets", "0", "-"]


@lru_cache(maxsize=4)
def _mixes_down_first(ffmpeg: str) -> bool:
    """Whether this ffmpeg's resampler takes an output layout (``ochl``: ffmpeg 5.1 on)."""
    proc = subprocess.run([ffmpeg, "-hide_banner", "-h", "filter=aresample"], capture_output=True, check=False)
    return b"ochl" in proc.stdout + proc.stderr


def _failed(path: Path, stderr: bytes, code: int) -> AudioError:
    reason = _last_line(stderr) or f"ffmpeg exit code {code}"
    return AudioError(f"{path}: cannot be decoded as audio ({reason}); check that it is a recording (mp3, ogg, opus, m4a, flac, wav)")


def _ffmpeg_into(path: Path, ffmpeg: str, rate: int, dest: np.ndarray, *, command: list[str] | None = None,
                 head: np.ndarray | None = None, keep_rest: bool = True) -> np.ndarray:
    """Decode into ``head`` (when given) then ``dest``; what does not fit (a duration
    under-reported) is appended, or dropped when not ``keep_rest``. Returns the samples
    after ``head``: a view of ``dest`` when they all fitted there."""
    proc = subprocess.Popen(command or _command(path, ffmpeg, rate), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()))
    reader.start()
    if head is not None:
        _read_into(proc.stdout, head)
    filled = _read_into(proc.stdout, dest)
    rest = proc.stdout.read() if keep_rest else b""
    if not keep_rest:
        proc.stdout.close()  # ffmpeg stops on the broken pipe: its exit code then says nothing
    code = proc.wait()
    reader.join()
    if code != 0 and keep_rest:
        raise _failed(path, errors[0] if errors else b"", code)
    samples = dest[:filled]
    if rest:
        samples = np.concatenate([samples, np.frombuffer(rest, dtype="<i2")])
    return samples


def _read_into(stream, buf: np.ndarray) -> int:
    """Fill ``buf`` (int16) from ``stream``; the samples read."""
    view = memoryview(buf).cast("B")
    filled = 0
    while filled < len(view):
        n = stream.readinto(view[filled:])
        if not n:
            break
        filled += n
    return filled // 2


def _ffmpeg_pipe(path: Path, ffmpeg: str, rate: int) -> np.ndarray:
    proc = subprocess.run(_command(path, ffmpeg, rate), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise _failed(path, proc.stderr, proc.returncode)
    return np.frombuffer(proc.stdout, dtype="<i2").astype(np.int16, copy=False)


def _last_line(data: bytes) -> str:
    lines = [l.strip() for l in data.decode("utf-8", "replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def _decode_soundfile(path: Path, rate: int) -> np.ndarray:
    import soundfile as sf
    from scipy.signal import resample_poly

    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"{path}: cannot be decoded as audio ({exc}); check that it is a recording") from None
    src = info.samplerate
    g = np.gcd(src, rate)
    up, down = rate // g, src // g
    block, pad = int(_BLOCK_SECONDS * src), int(_PAD_SECONDS * src)
    out = []
    with sf.SoundFile(str(path)) as f:
        total = f.frames
        for start in range(0, total, block):
            lo, hi = max(0, start - pad), min(total, start + block + pad)
            f.seek(lo)
            data = f.read(hi - lo, dtype="float32", always_2d=True).mean(axis=1)
            res = data if up == down == 1 else resample_poly(data, up, down).astype(np.float32)
            head = (start - lo) * rate // src
            keep = (min(total, start + block) - start) * rate // src
            out.append(res[head:head + keep])
    merged = np.concatenate(out) if out else np.zeros(0, np.float32)
    return np.clip(np.round(merged * 32767.0), -32768, 32767).astype(np.int16)
