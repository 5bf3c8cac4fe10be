"""French speech synthesis with eSpeak NG (the library and voice data that the
``espeakng-loader`` wheel ships), called through ctypes.

``synthesize(words)`` returns int16 samples and the sample where each word starts, from
eSpeak's word events (SSML marks are not used: after a sentence end, eSpeak reports a mark
at the start of the sentence before). The library holds one engine per process (a second
``espeak_Initialize`` takes over the first one's callback), so this module keeps a single
``_Engine`` and serialises calls to it.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from dataclasses import dataclass

import numpy as np

from aligner.errors import AlignerError

log = logging.getLogger(__name__)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_INITIALIZE_PHONEME_EVENTS = 0x0001
_EVENT_LIST_TERMINATED = 0
_BUFFER_MS = 1000  # audio handed to the callback at a time (the default, 60 ms, costs 25k Python calls an hour)


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: ``samples`` (int16) at ``rate`` Hz; ``word_starts[i]`` is the
    sample where word ``i`` begins; ``length`` samples in all."""

    samples: np.ndarray
    rate: int
    word_starts: tuple[int, ...]
    phonemes: tuple[tuple[int, str], ...] = ()  # (first sample, eSpeak phoneme name)


class _Engine:
    """The process's eSpeak NG engine."""

    def __init__(self, voice: str):
        try:
            import espeakng_loader
        except ImportError:  # pragma: no cover - a dependency of the package
            raise AlignerError("the espeakng-loader package is missing; reinstall aligner") from None
        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = espeakng_loader.get_data_path().encode()
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self.rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, data, _INITIALIZE_PHONEME_EVENTS)
        if self.rate <= 0:
            raise AlignerError("eSpeak NG could not start (its voice data is missing); reinstall espeakng-loader")
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise AlignerError(f"eSpeak NG has no voice {voice!r}")
        self.voice = voice
        self._chunks: list[np.ndarray] = []
        self._words: list[tuple[int, int]] = []
        self._phonemes: list[tuple[int, str]] = []
        self._callback = _CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]

    def _collect(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type == _EVENT_WORD:
                self._words.append((e.text_position - 1, e.sample))
            elif e.type == _EVENT_PHONEME:
                name = bytes(e.id.string).split(b"\0")[0].decode("ascii", "replace").strip("',")
                self._phonemes.append((e.sample, name))
            i += 1
        return 0

    def synthesize(self, words: list[str], rate_wpm: int) -> Speech:
        text, spans, pos = [], [], 0
        for w in words:
            text.append(w)
            spans.append((pos, pos + len(w)))
            pos += len(w) + 1
        data = " ".join(text).encode("utf-8")
        with _LOCK:
            self._lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
            self._chunks, self._words, self._phonemes = [], [], []
            self._lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            events = list(self._words)
            phonemes = tuple(self._phonemes)
        return Speech(samples.astype(np.int16, copy=False), self.rate, _word_starts(spans, events, len(samples)), phonemes)


def _word_starts(spans: list[tuple[int, int]], events: list[tuple[int, int]], n_samples: int) -> tuple[int, ...]:
    """The first word event inside each word's characters; a word without one starts
    where the word before it does."""
    starts: list[int | None] = [None] * len(spans)
    k = 0
    for char, sample in sorted(events):
        while k < len(spans) and char >= spans[k][1]:
            k += 1
        if k < len(spans) and spans[k][0] <= char and starts[k] is None:
            starts[k] = min(sample, n_samples)
    out, last = [], 0
    for s in starts:
        last = max(last, s) if s is not None else last
        out.append(last)
    return tuple(out)


_LOCK = threading.Lock()
_ENGINES: dict[str, _Engine] = {}


def synthesize(words: list[str], *, rate_wpm: int = 175, voice: str = "fr") -> Speech:
    """Say ``words`` (each one or more spoken words) in a row; time each of them."""
    with _LOCK:
        engine = _ENGINES.get(voice)
        if engine is None:
            if _ENGINES:
                raise AlignerError("eSpeak NG runs one voice per process")
            engine = _ENGINES[voice] = _Engine(voice)
    return engine.synthesize(words, rate_wpm)
