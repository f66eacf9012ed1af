"""Where a line of one version of a file stands in the next version (review markers are listed
with their line in the final text), in time linear in the file size for the edits codemods make.

The lines both versions share are matched the way patience diff matches them: the common
start and end, then the lines that occur exactly once in each version, in order (the longest
increasing run, n log n), then the same again between those anchors. What is left between
anchors, usually lines that repeat (a script of many similar commands, the same review marker
again and again), is aligned walking forward: after a mismatch, the nearest pair of equal lines
within a few lines of each side (an inserted marker, a rewritten line) resynchronises the walk.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter

#: How far past a mismatch the forward walk looks for the two versions to agree again.
_RESYNC_WINDOW = 24


class LineMap:
    """Where a line of ``old_text`` stands in ``new_text`` (matched on first use)."""

    def __init__(self, old_text: str, new_text: str) -> None:
        self._texts = (old_text, new_text)
        self._blocks: list[tuple[int, int, int]] | None = None  # (old start, new start, size)
        self._starts: list[int] = []
        self._old_count = self._new_count = 0

    def __call__(self, line: int) -> int:
        """The 1-based line of ``new_text`` for 1-based ``line`` of ``old_text``: its match, or
        for a line that was rewritten or removed the line at the same offset in what replaced
        it (at most its last line; the line after the match before, when nothing did)."""
        if self._blocks is None:
            old_lines, new_lines = (text.split("\n") for text in self._texts)
            self._blocks = matching_blocks(old_lines, new_lines)
            self._starts = [old for old, _, _ in self._blocks]
            self._old_count, self._new_count = len(old_lines), len(new_lines)
        index = line - 1
        if index >= self._old_count:
            return line
        at = bisect_right(self._starts, index) - 1
        old_end, new_end = (0, 0) if at < 0 else _ends(self._blocks[at])
        if index < old_end:
            return new_end - (old_end - index) + 1
        next_new = self._blocks[at + 1][1] if at + 1 < len(self._blocks) else self._new_count
        return min(new_end + (index - old_end), max(next_new - 1, new_end)) + 1


def matching_blocks(old: list[str], new: list[str]) -> list[tuple[int, int, int]]:
    """(old start, new start, size) of the runs of equal lines matched, in order."""
    pairs: list[tuple[int, int]] = []
    regions = [(0, len(old), 0, len(new))]
    while regions:
        old_lo, old_hi, new_lo, new_hi = regions.pop()
        while old_lo < old_hi and new_lo < new_hi and old[old_lo] == new[new_lo]:
            pairs.append((old_lo, new_lo))
            old_lo, new_lo = old_lo + 1, new_lo + 1
        while old_lo < old_hi and new_lo < new_hi and old[old_hi - 1] == new[new_hi - 1]:
            old_hi, new_hi = old_hi - 1, new_hi - 1
            pairs.append((old_hi, new_hi))
        if old_lo == old_hi or new_lo == new_hi:
            continue
        anchors = _unique_anchors(old, old_lo, old_hi, new, new_lo, new_hi)
        if not anchors:
            pairs.extend(_walk_forward(old, old_lo, old_hi, new, new_lo, new_hi))
            continue
        for old_at, new_at in anchors:
            pairs.append((old_at, new_at))
            regions.append((old_lo, old_at, new_lo, new_at))
            old_lo, new_lo = old_at + 1, new_at + 1
        regions.append((old_lo, old_hi, new_lo, new_hi))
    return _runs(sorted(pairs))


def _unique_anchors(
    old: list[str], old_lo: int, old_hi: int, new: list[str], new_lo: int, new_hi: int
) -> list[tuple[int, int]]:
    """The lines found exactly once in each region, the longest run of them in the same order."""
    old_counts = Counter(old[old_lo:old_hi])
    new_counts = Counter(new[new_lo:new_hi])
    new_index = {new[j]: j for j in range(new_lo, new_hi) if new_counts[new[j]] == 1}
    candidates = [
        (i, new_index[old[i]])
        for i in range(old_lo, old_hi)
        if old_counts[old[i]] == 1 and old[i] in new_index
    ]
    return _longest_increasing(candidates)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by their first item) whose second items
    increase (patience sorting)."""
    tails: list[int] = []  # the smallest second item ending a run of each length
    tail_at: list[int] = []  # index in pairs of that item
    previous: list[int] = []
    for position, (_, second) in enumerate(pairs):
        length = bisect_left(tails, second)
        if length == len(tails):
            tails.append(second)
            tail_at.append(position)
        else:
            tails[length] = second
            tail_at[length] = position
        previous.append(tail_at[length - 1] if length else -1)
    run: list[tuple[int, int]] = []
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        run.append(pairs[position])
        position = previous[position]
    return run[::-1]


def _walk_forward(
    old: list[str], old_lo: int, old_hi: int, new: list[str], new_lo: int, new_hi: int
) -> list[tuple[int, int]]:
    """Equal lines matched walking both regions forward; after a mismatch, the nearest equal
    pair within the window (fewest lines skipped, skipping new lines first) is the next match."""
    pairs: list[tuple[int, int]] = []
    i, j = old_lo, new_lo
    while i < old_hi and j < new_hi:
        if old[i] == new[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
            continue
        found = _resync(old, i, old_hi, new, j, new_hi)
        if found is None:
            i, j = i + 1, j + 1
        else:
            i, j = found
    return pairs


def _resync(
    old: list[str], i: int, old_hi: int, new: list[str], j: int, new_hi: int
) -> tuple[int, int] | None:
    for skipped in range(1, _RESYNC_WINDOW + 1):
        for old_skipped in range(skipped + 1):
            old_at, new_at = i + old_skipped, j + skipped - old_skipped
            if old_at < old_hi and new_at < new_hi and old[old_at] == new[new_at]:
                return old_at, new_at
    return None


def _runs(pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    blocks: list[tuple[int, int, int]] = []
    for old, new in pairs:
        if blocks and _ends(blocks[-1]) == (old, new):
            start_old, start_new, size = blocks[-1]
            blocks[-1] = (start_old, start_new, size + 1)
        else:
            blocks.append((old, new, 1))
    return blocks


def _ends(block: tuple[int, int, int]) -> tuple[int, int]:
    old, new, size = block
    return old + size, new + size
