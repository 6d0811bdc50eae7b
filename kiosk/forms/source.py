"""Read a form's YAML keeping line numbers, and refusing duplicate keys that PyYAML would
otherwise drop silently (a second `label:` must not quietly win)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import Problem


class LineDict(dict):
    """A mapping that remembers the line it started on in the file."""

    line: int | None = None


class _DuplicateKey(Exception):
    def __init__(self, key, line: int):
        self.key, self.line = key, line


class _FormLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _FormLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_FormLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates in a form (defaults) stay text: the form engine parses them by the question's type.
_FormLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_form_file(path: Path) -> tuple[dict | None, list[Problem]]:
    """The file's mapping, or None and the problem that stopped it being read."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "the file does not exist")]
    except UnicodeDecodeError:
        return None, [Problem(name, "the file is not UTF-8 text; save it as UTF-8")]
    except OSError as error:
        return None, [Problem(name, f"the file cannot be read ({error.strerror})")]
    try:
        data = yaml.load(text, Loader=_FormLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as duplicate:
        return None, [Problem(name, f"the key '{duplicate.key}' appears twice in one place",
                              line=duplicate.line)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(name, f"this is not valid YAML: {reason}",
                              line=mark.line + 1 if mark else None)]
    if not isinstance(data, dict):
        return None, [Problem(name, "a form file must be a mapping with form_id, title, "
                                    "languages and survey at the top")]
    return data, []
