"""Read a form's YAML keeping line numbers, and refusing duplicate keys that PyYAML would
otherwise drop silently (a second `label:` must not quietly win). A file over the budgets of
file_budget.py (size, nesting, aliases) is refused before PyYAML builds anything from it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from .file_budget import MAX_FILE_BYTES, check_shape, parser_too_deep, too_big
from .problems import Problem


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line it started on in the file."""

    line: int | None = None


Duplicate = tuple[str, int, LineDict]  # (key, line, the mapping it is in)


class _Refused(Exception):
    def __init__(self, message: str, line: int | None):
        self.message, self.line = message, line


def _construct_mapping(loader: _PlainFormLoader | _FastFormLoader,
                       node: yaml.MappingNode) -> LineDict:
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - own  # `<<: *anchor` entries come first; own keys override them
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    own_keys: set[object] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise _Refused("a key must be a plain word, not a list or a mapping",
                           key_node.start_mark.line + 1) from None
        if index >= merged:
            if key in own_keys:
                loader.duplicates.append((str(key), key_node.start_mark.line + 1, mapping))
                continue  # keep the first, report the second
            own_keys.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


# YAML 1.1 reads too much into plain words: 10:30 as the base-60 number 630, 0123 as octal 83,
# 2026-01-02 as a date. In a form only plain decimal numbers are numbers; everything else stays
# text, and the form engine reads it by the question's type.
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _with_form_rules(loader: type[_PlainFormLoader] | type[_FastFormLoader]) -> None:
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _KEEP_AS_TEXT]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"),
        list("-+0123456789."))


class _PlainFormLoader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []


_with_form_rules(_PlainFormLoader)

# libyaml's parser when PyYAML has it: the kiosk reads every form at start, about five times
# faster. PyYAML's own parser is used again for a file that is not valid YAML, as its words
# say more ("found character '\t' that cannot start any token").
_FormLoader: type[_PlainFormLoader] | type[_FastFormLoader]
try:
    from yaml import CSafeLoader
except ImportError:  # PyYAML built without libyaml
    _FormLoader = _PlainFormLoader
else:
    class _FastFormLoader(CSafeLoader):
        def __init__(self, stream: str):
            super().__init__(stream)
            self.duplicates: list[Duplicate] = []

    _with_form_rules(_FastFormLoader)
    _FormLoader = _FastFormLoader


def _load(text: str, loader_class: type[_PlainFormLoader] | type[_FastFormLoader],
          ) -> tuple[Any, list[Duplicate]]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _checked_load(text: str, loader_class: type[_PlainFormLoader] | type[_FastFormLoader],
                  ) -> tuple[Any, list[Duplicate]]:
    """Load the text once its events are within the budgets (file_budget.py)."""
    events = loader_class(text)
    try:
        over = check_shape(events)
    finally:
        events.dispose()
    if over is not None:
        raise _Refused(over.message, over.line)
    return _load(text, loader_class)


def _parse(text: str) -> tuple[Any, list[Duplicate]]:
    """(data, duplicate keys); raises YAMLError or _Refused."""
    try:
        return _checked_load(text, _FormLoader)
    except yaml.YAMLError as error:
        deep = parser_too_deep(error)
        if deep is not None:
            raise _Refused(deep.message, deep.line) from None
        return _checked_load(text, _PlainFormLoader)  # raises again, in PyYAML's own words


def _read_text(path: Path) -> str | Problem:
    """The file's text, or why it is not read: the size is checked before reading it."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        raw = b"" if size > MAX_FILE_BYTES else file.read(MAX_FILE_BYTES + 1)
    over = too_big(max(size, len(raw)))
    if over is not None:
        return Problem(str(path), over.message)
    return raw.decode("utf-8")


def read_form_file(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The file's mapping, or None and the problem that stopped it being read."""
    name = str(path)
    try:
        text = _read_text(path)
    except FileNotFoundError:
        return None, [Problem(name, "the file does not exist")]
    except UnicodeDecodeError:
        return None, [Problem(name, "the file is not UTF-8 text; save it as UTF-8")]
    except OSError as error:
        return None, [Problem(name, f"the file cannot be read ({error.strerror})")]
    if isinstance(text, Problem):
        return None, [text]
    try:
        data, duplicates = _parse(text)
    except _Refused as bad:
        return None, [Problem(name, bad.message, line=bad.line)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(name, f"this is not valid YAML: {reason}",
                              line=mark.line + 1 if mark else None)]
    if duplicates:
        return None, [
            Problem(name, f"the key '{key}' appears twice in one place; keep one",
                    question=str(within["name"]) if "name" in within else None,
                    column=key, line=line)
            for key, line, within in duplicates
        ]
    if not isinstance(data, dict):
        return None, [Problem(name, "a form file must be a mapping with form_id, title, "
                                    "languages and survey at the top")]
    return data, []
