"""The one error the services raise for bad input: it names the field (or row) and what is allowed."""

from __future__ import annotations


class ValidationError(Exception):
    """Bad input: `field` names what was wrong, `message` says what is allowed.

    Messages name fields and allowed values, never the identifying values themselves, so they are
    safe to show, log or print.
    """

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.row = row

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class ValidationErrors(ValidationError):
    """Several errors at once (an import lists every bad row)."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        first = errors[0] if errors else ValidationError("input", "invalid")
        super().__init__(first.field, first.message, first.row)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
