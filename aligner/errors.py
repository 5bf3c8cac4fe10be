"""One exception tree for every error a user can cause.

The CLI turns any ``AlignerError`` into one line on stderr and the exit code named by
its class; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class AlignerError(Exception):
    """Root of every error caused by the input or the settings, not by a bug."""

    exit_code = 1


class TranscriptError(AlignerError):
    """Raised when a transcript cannot be read: empty, binary, no speaker turn, bad format.

    ``line`` is the 1-based source line where the problem is, when there is one.
    """

    exit_code = 3

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)


class AnchorError(TranscriptError):
    """Raised when the timecode anchors written in a transcript are unusable
    (out of order, or past the end of the audio)."""


class AudioError(AlignerError):
    """Raised when an audio file cannot be decoded, is empty, or holds no usable sound."""

    exit_code = 4


class AlignmentError(AlignerError):
    """Raised when transcript and audio cannot be aligned (for instance a transcript far
    longer than the recording)."""

    exit_code = 5


class OutputError(AlignerError):
    """Raised when an output file cannot be written."""

    exit_code = 6
