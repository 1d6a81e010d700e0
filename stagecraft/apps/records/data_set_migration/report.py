"""What a migration did or would do: configurations, counts, a sample and the first errors."""

from dataclasses import dataclass, field

from .mapping import Mapping

MAX_ERRORS = 20


@dataclass(frozen=True)
class FailedRecord:
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.field}: {self.message}"


@dataclass
class MigrationReport:
    mapping: Mapping
    old_config: dict
    new_config: dict = field(default_factory=dict)
    created: bool = True
    dry_run: bool = False
    records_read: int = 0
    records_valid: int = 0
    records_failed: int = 0
    records_written: int = 0
    records_replaced: int = 0
    records_in_new_data_set: int = 0
    # A target that existed: its configurable fields before (its token only when the mapping changes
    # it), the settings the mapping applied to it, and whether it kept its own token.
    config_before: dict | None = None
    target_before: dict | None = None  # its serialised form, for the dry run's comparison
    settings_applied: list[str] = field(default_factory=list)
    token_kept: bool = False
    migration_id: int | None = None
    errors: list[FailedRecord] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)

    def add_error(self, error: FailedRecord) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    @property
    def new_name(self) -> str:
        return self.new_config.get("name", "")

    def summary(self) -> str:
        m = self.mapping
        if self.records_failed:
            lines = [
                f"{m.old_label} -> {m.new_label}: {self.records_failed} of {self.records_read} records "
                f"failed validation; nothing was written. First errors:"
            ]
            lines += [f"  {error}" for error in self.errors]
            if self.records_failed > len(self.errors):
                lines.append(f"  ... {self.records_failed - len(self.errors)} more records failed")
            return "\n".join(lines)
        if self.dry_run:
            action = "created" if self.created else "added to"
            return (
                f"{m.old_label} -> {m.new_label}: {self.records_valid} of {self.records_read} records valid; "
                f"{self.new_name} would be {action} (dry run: nothing was written)."
            )
        action = "created" if self.created else "added to"
        replaced = f" ({self.records_replaced} replaced)" if self.records_replaced else ""
        logged = f" Logged as migration #{self.migration_id}." if self.migration_id else ""
        return (
            f"{m.old_label} -> {m.new_label}: {action} {self.new_name}, {self.records_written} records "
            f"written{replaced} from {self.records_read} read; it now holds {self.records_in_new_data_set} "
            f"records.{logged}"
        )

    def existing_target(self) -> str:
        """What happens to a target that exists, said before the summary; "" for a created one."""
        if self.created:
            return ""
        settings = ", ".join(self.settings_applied) or "none"
        token = "keeping its own token" if self.token_kept else "with the mapping's token"
        verb = "would add" if self.dry_run else "adds"
        return (
            f"{self.new_name} already exists: the migration {verb} to it, applying the mapping's settings "
            f"({settings}) and {token}; its other settings and records stay."
        )
