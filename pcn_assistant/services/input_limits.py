"""Limits on what a user's file may make the app do, so hostile input fails in one line.

``load_json`` parses JSON and refuses documents nested deeper than ``MAX_JSON_DEPTH``:
Python's parser raises ``RecursionError`` (not a ``ValueError``) near 1,000 levels, and
code that walks a document recursively can fail well before that. An Open Referral
document nests about eight levels, so 64 leaves ample room.

``check_zip`` refuses a zip whose declared uncompressed size or entry count is beyond
reason before anything inflates it (the xlsx guard uses the same limits).
"""

from __future__ import annotations

import json
import zipfile

from pcn_assistant.errors import InvalidInput

MAX_JSON_DEPTH = 64
MAX_UNCOMPRESSED = 1 << 30  # 1 GB
MAX_ENTRIES = 10_000


def load_json(text: str, what: str) -> object:
    """``json.loads``, refusing deep nesting with ``InvalidInput``; syntax errors still
    raise ``json.JSONDecodeError`` for the caller to word."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise InvalidInput(f"{what} is nested too deeply to read (more than {MAX_JSON_DEPTH} levels): "
                           "it is damaged or not a data file") from None
    depth = json_depth(document, MAX_JSON_DEPTH + 1)
    if depth > MAX_JSON_DEPTH:
        raise InvalidInput(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep: "
                           "it is damaged or not a data file")
    return document


def json_depth(document: object, stop: int) -> int:
    """Nesting depth of a parsed document (without recursion), counting no further than ``stop``."""
    deepest = 0
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest >= stop:
            return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def check_zip(archive: zipfile.ZipFile, file_name: str) -> None:
    """Refuse a zip that would unpack to more than ``MAX_UNCOMPRESSED`` or holds too many parts."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise InvalidInput(f"{file_name} holds {len(entries):,} files, more than the {MAX_ENTRIES:,} allowed, "
                           "so it was not opened")
    declared = sum(e.file_size for e in entries)
    if declared > MAX_UNCOMPRESSED:
        raise InvalidInput(f"{file_name} would unpack to {declared / (1 << 20):,.0f} MB, more than the "
                           f"{MAX_UNCOMPRESSED >> 20:,} MB limit, so it was not opened")
