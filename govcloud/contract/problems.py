"""One validation problem, rendered as the single line agencies read: ``FILE:LINE: field.path: message``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WHOLE_DOCUMENT = "(document)"


@dataclass(frozen=True, order=True)
class Problem:
    """A problem in one file, pointing at the line and field an agency must fix."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ContractError(Exception):
    """Raised when one or more files break the contract; carries every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ValueError):
    """The command line asks for something that cannot be: a bad option, a missing file, the wrong stack.

    The CLI exits 2 on it, and on nothing else; any other unexpected exception is an internal error (70). A
    ``ValueError`` subclass, so code that already catches ``ValueError`` keeps catching it."""
