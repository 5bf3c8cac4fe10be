"""aligner: align a long radio or podcast transcript with its recording.

The work flows one way through named stages, one sub-package each:

    decode      audio file      -> Audio (mono int16 samples at a known rate)
    audiomap    Audio           -> AudioMap (speech, music, silence regions)
    transcript  transcript file -> Transcript (turns, directions, sections, anchors)
    align       Audio, AudioMap, Transcript -> Alignment
    write       Alignment       -> caption, chapter and report files

``aligner.pipeline`` runs them in order; ``aligner.cli`` is the thin command line.
"""

__version__ = "0.1.0"
