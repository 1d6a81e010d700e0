"""The record pipeline's errors: every problem of a batch, by record and field."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordError:
    """One error of a batch: which record (0-based; None for the batch as a whole), which field (None
    when it is about the whole record), and the message the write API answers."""

    index: int | None
    field: str | None
    message: str


class RecordValidationError(Exception):
    """Every error found in a batch; the batch is stored only when there is none."""

    def __init__(self, errors: list[RecordError]):
        self.errors = list(errors)
        super().__init__("; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [error.message for error in self.errors]


def errors_of_each(
    records: list[dict], offset: int, first_error: Callable[[dict], tuple[str, str] | None]
) -> list[RecordError]:
    """Each record's error as `first_error` gives it, (field, message) or None; the records counted
    from `offset` (a chunk of a larger batch)."""
    errors = []
    for index, record in enumerate(records, offset):
        error = first_error(record)
        if error:
            errors.append(RecordError(index, *error))
    return errors
