"""Comparing package versions the way dpkg does (Debian Policy 5.6.12), so that what the
kiosk and the central call "newer" is what the package manager calls newer."""

from __future__ import annotations

import re
from functools import cmp_to_key

_PART = re.compile(r"(\D*)(\d*)")


def _order(char: str) -> int:
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


def _compare_text(a: str, b: str) -> int:
    for i in range(max(len(a), len(b))):
        x = _order(a[i]) if i < len(a) else 0
        y = _order(b[i]) if i < len(b) else 0
        if x != y:
            return -1 if x < y else 1
    return 0


def _compare_part(a: str, b: str) -> int:
    parts_a, parts_b = _PART.findall(a), _PART.findall(b)
    for i in range(max(len(parts_a), len(parts_b))):
        text_a, digits_a = parts_a[i] if i < len(parts_a) else ("", "")
        text_b, digits_b = parts_b[i] if i < len(parts_b) else ("", "")
        if (order := _compare_text(text_a, text_b)) != 0:
            return order
        if (number := int(digits_a or 0) - int(digits_b or 0)) != 0:
            return -1 if number < 0 else 1
    return 0


def _split(version: str) -> tuple[int, str, str]:
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch or 0), upstream, revision


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as a is older than, the same as, or newer than b (dpkg --compare-versions)."""
    epoch_a, upstream_a, revision_a = _split(a)
    epoch_b, upstream_b, revision_b = _split(b)
    if epoch_a != epoch_b:
        return -1 if epoch_a < epoch_b else 1
    return _compare_part(upstream_a, upstream_b) or _compare_part(revision_a, revision_b)


def is_newer(candidate: str, than: str) -> bool:
    return compare(candidate, than) > 0


sort_key = cmp_to_key(compare)
