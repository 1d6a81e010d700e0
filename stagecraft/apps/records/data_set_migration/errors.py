"""Errors of the record migration; like every mass update error, each names the object."""

from typing import TYPE_CHECKING

from stagecraft.apps.datasets.services import MassUpdateError

if TYPE_CHECKING:
    from .report import MigrationReport


class MappingError(MassUpdateError):
    """A migration mapping is malformed or names something that does not exist."""


class MigrationFailed(MassUpdateError):
    """Some records did not pass validation: the migration was rolled back, nothing was written.

    `reports` holds, for each mapping, the counts and the first errors, so callers can print them.
    """

    def __init__(self, reports: "list[MigrationReport]") -> None:
        self.reports = reports
        super().__init__("\n".join(report.summary() for report in reports if report.records_failed))
