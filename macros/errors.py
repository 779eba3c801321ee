"""One exception family for every problem an editor or an operator can cause: `cli` catches
HandbookError and prints its Chinese message, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the data, located at a file, line and column (1-based)."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} 提示：{self.hint}" if self.hint else text


class HandbookError(Exception):
    """Base of every error the engine raises on purpose."""


class DataError(HandbookError):
    """The data has problems; all of them are listed, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"共发现 {len(self.problems)} 个问题，未生成任何内容。")
        return "\n".join(lines)


class BuildError(HandbookError):
    """A stage after validation failed (site or PDF); the published site is untouched."""


def did_you_mean(wrong: str, candidates: Iterable[str]) -> str:
    """A Chinese 'did you mean' hint for an unknown id or key, or '' when nothing is close."""
    import difflib  # only when something is wrong: not part of every check's start-up

    matches = difflib.get_close_matches(wrong, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"你是不是想写 '{matches[0]}'？" if matches else ""
