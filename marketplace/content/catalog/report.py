"""What an import reports: the counts, and each refused row or image with its row
number as the spreadsheet shows it, its column and the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marketplace.core.errors import DomainError

MAX_REPORTED_ERRORS = 1_000  # the report lists these; error_count counts all


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0  # data rows read; blank rows are not counted
    failed_rows: int = 0
    images_attached: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)

    def add_error(self, row: int | None, column: str | None, message: Any) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": column, "message": str(message)})

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def summary(self) -> dict[str, int]:
        """The counts, as the audit log keeps them (the import's one entry)."""
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "failed_rows": self.failed_rows,
                "images_attached": self.images_attached}


def problem_text(error: DomainError) -> str:
    """A refusal in one line: its field messages, else its detail."""
    messages = [str(m) for ms in error.errors.values() for m in (ms if isinstance(ms, list)
                                                                 else [ms])]
    return " ".join(messages) if messages else error.detail
