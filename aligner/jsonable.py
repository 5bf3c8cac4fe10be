"""Frozen dataclasses to plain JSON values (for ``--json`` and the report files)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dataclasses become dicts (with a ``type`` key naming the class), tuples lists,
    enums their value, dates ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"type": type(value).__name__.lower()}
        for f in dataclasses.fields(value):
            out[f.name] = to_jsonable(getattr(value, f.name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value
