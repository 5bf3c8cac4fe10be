"""MP3 through libmpg123, the system's shared library (Debian's ``libmpg123-0``), when there
is one: its two channels are mixed before synthesis, so that one channel is synthesised,
then soxr resamples it. The decode stage on 90 minutes of 44.1 kHz stereo MP3 takes 6.3-7.3
CPU-s this way against 9.0-9.7 through ffmpeg, for the same length and the same samples up
to 7 kHz (gapless, as ffmpeg decodes it; the two resamplers differ between 7.3 and 8 kHz).

``decode_range`` has the signature of the ffmpeg decoder's: a stretch of the file (from
``start`` seconds, for ``limit`` seconds) into preallocated arrays, so that the decode stage
splits a long file in two halves the same way whichever decoder reads it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

_OK, _DONE = 0, -12
_FLAGS, _MONO_MIX, _QUIET, _GAPLESS = 1, 0x4, 0x20, 0x40
_MONO, _FLOAT_32 = 1, 0x200
_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)  # every MPEG rate
_CHUNK = 1 << 16  # input samples per read
_REACH_SECONDS = 0.1  # more than soxr's filters reach either side of a sample


class Unsupported(Exception):
    """libmpg123 cannot decode this file as ffmpeg would (a rate that changes inside it, a
    stream it cannot open): the caller decodes it with ffmpeg."""


@lru_cache(maxsize=1)
def _library():
    name = ctypes.util.find_library("mpg123")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    # the *_64 entry points take 64-bit offsets whatever the platform's off_t (1.26 on)
    if lib is None or not all(hasattr(lib, f) for f in ("mpg123_open_64", "mpg123_seek_64")):
        return None
    handle, c_int_p = ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)
    lib.mpg123_new.argtypes, lib.mpg123_new.restype = [ctypes.c_char_p, c_int_p], handle
    lib.mpg123_param.argtypes = [handle, ctypes.c_int, ctypes.c_long, ctypes.c_double]
    lib.mpg123_format_none.argtypes = [handle]
    lib.mpg123_format.argtypes = [handle, ctypes.c_long, ctypes.c_int, ctypes.c_int]
    lib.mpg123_open_64.argtypes = [handle, ctypes.c_char_p]
    lib.mpg123_getformat.argtypes = [handle, ctypes.POINTER(ctypes.c_long), c_int_p, c_int_p]
    lib.mpg123_seek_64.argtypes, lib.mpg123_seek_64.restype = [handle, ctypes.c_int64, ctypes.c_int], ctypes.c_int64
    lib.mpg123_read.argtypes = [handle, ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.mpg123_close.argtypes = lib.mpg123_delete.argtypes = [handle]
    lib.mpg123_init()  # a no-op from 1.27 on, required before
    return lib


def available() -> bool:
    """Whether libmpg123 and soxr can both be loaded."""
    try:
        import soxr  # noqa: F401
    except ImportError:
        return False
    return _library() is not None


_INFO_TAGS = (b"Xing", b"Info")
_SIDE_INFO_ENDS = (36, 21, 13)  # where an info frame's tag sits after its frame's sync: by MPEG version and channels


def stitched(path: str | Path) -> bool:
    """Whether the file holds a second info frame (the Xing/Info frame that heads an
    encode): several encodes joined end to end, as when ads are inserted. libmpg123 plays
    each later info frame as 26 ms of silence, where ffmpeg skips it."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = 0
            for tag in _INFO_TAGS:
                p = data.find(tag)
                while p >= 0:
                    found += any(p >= off and data[p - off] == 0xFF and data[p - off + 1] & 0xE0 == 0xE0
                                 for off in _SIDE_INFO_ENDS)
                    if found > 1:
                        return True
                    p = data.find(tag, p + 1)
    return False


def decode_range(path: str | Path, rate: int, dest: np.ndarray, *, start: float | None = None,
                 limit: float | None = None, head: np.ndarray | None = None, keep_rest: bool = True) -> np.ndarray:
    """Decode ``path`` from ``start`` seconds (for ``limit`` seconds) to mono int16 at
    ``rate``: into ``head`` (when given), then ``dest``; what does not fit is appended, or
    dropped when not ``keep_rest``. Returns the samples after ``head`` (a view of ``dest``
    when they all fitted there). Raises ``Unsupported``."""
    import soxr

    lib = _library()
    error = ctypes.c_int()
    handle = lib.mpg123_new(None, ctypes.byref(error))
    if not handle:
        raise Unsupported(f"mpg123_new failed ({error.value})")
    try:
        lib.mpg123_param(handle, _FLAGS, _QUIET | _MONO_MIX | _GAPLESS, 0.0)
        lib.mpg123_format_none(handle)
        for r in _RATES:  # mono float at the file's own rate: soxr resamples
            lib.mpg123_format(handle, r, _MONO, _FLOAT_32)
        if lib.mpg123_open_64(handle, os.fsencode(path)) != _OK:
            raise Unsupported("mpg123_open failed")
        src, channels, encoding = ctypes.c_long(), ctypes.c_int(), ctypes.c_int()
        if lib.mpg123_getformat(handle, ctypes.byref(src), ctypes.byref(channels), ctypes.byref(encoding)) != _OK:
            raise Unsupported("no MPEG audio frame found")
        src = src.value
        if start and lib.mpg123_seek_64(handle, round(start * src), os.SEEK_SET) < 0:
            raise Unsupported("mpg123_seek failed")
        # past ``limit`` by the resampler's reach, so that its last samples are the ones a
        # decoding that goes on gives (not those of a flush into zeros), then cut there
        wanted = round((limit + _REACH_SECONDS) * src) if limit else None  # input samples
        resampler = soxr.ResampleStream(src, rate, 1, dtype="float32", quality="HQ")
        sink = _Sink(head, dest, keep_rest, cap=round(limit * rate) if limit else None)
        buf, got = np.empty(_CHUNK, np.float32), ctypes.c_size_t()
        while True:
            code = lib.mpg123_read(handle, buf.ctypes.data, buf.nbytes, ctypes.byref(got))
            if code not in (_OK, _DONE):  # a format change (a rate that changes) or an error
                raise Unsupported(f"mpg123_read returned {code}")
            block, last = buf[:got.value // 4], code == _DONE
            if wanted is not None:
                block = block[:wanted]
                wanted -= len(block)
                last = last or wanted == 0
            if not sink.put(resampler.resample_chunk(block, last=last)) or last:
                break
    finally:
        lib.mpg123_close(handle)
        lib.mpg123_delete(handle)
    return sink.samples()


class _Sink:
    """Float samples into ``head`` then ``dest`` as int16 (rounded and clipped as ffmpeg
    converts them), the rest kept aside or not; ``cap`` samples at most in all."""

    def __init__(self, head: np.ndarray | None, dest: np.ndarray, keep_rest: bool, cap: int | None = None):
        self.targets = ([head] if head is not None else []) + [dest]
        self.dest, self.keep_rest = dest, keep_rest
        self.filled = [0] * len(self.targets)
        self.rest: list[np.ndarray] = []
        self.room = cap

    def put(self, block: np.ndarray) -> bool:
        """Store ``block``; False when no more is wanted."""
        if self.room is not None:
            block, self.room = block[:self.room], self.room - min(self.room, len(block))
        block = np.clip(np.rint(block * np.float32(32768.0)), -32768, 32767).astype(np.int16)
        for k, target in enumerate(self.targets):
            room = len(target) - self.filled[k]
            if room > 0 and len(block):
                n = min(room, len(block))
                target[self.filled[k]:self.filled[k] + n] = block[:n]
                self.filled[k] += n
                block = block[n:]
        if len(block):
            if not self.keep_rest:
                return False
            self.rest.append(block)
        return self.room != 0

    def samples(self) -> np.ndarray:
        kept = self.dest[:self.filled[-1]]
        return np.concatenate([kept, *self.rest]) if self.rest else kept
