"""The one exception tree of `sanctions`.

Every error a user can cause or meet is a `SanctionsError`; the CLI maps it to a message and
to the class's `exit_code`, and never shows a traceback for one.

    SanctionsError
    ├── DefinitionError          declared data (workflow, catalogue, templates, config) is wrong
    ├── InputError               a value typed or imported by a user is invalid
    │   ├── InvalidNip
    │   └── UnknownCode          a violation, sanction or other code not in the catalogue
    ├── NotFound                 a case, agency, employee, contest or letter does not exist
    ├── RuleViolation            the law or the workflow forbids the step
    │   ├── TransitionNotAllowed the trigger is not allowed from the current state
    │   ├── GuardFailed          a named guard refused (carries the rules that failed)
    │   └── DeadlinePassed       the step came after a deadline the rule makes strict
    ├── PermissionDenied         the acting user lacks the role (or agency) for the step
    ├── ConcurrencyConflict      someone else changed the case first; nothing was written
    ├── Conflict                 the thing already exists (duplicate NIP, register number …)
    │   ├── AlreadyAccepted      a case bundle accepted before (a replay)
    │   └── RecordConflict       a case bundle that contradicts the local record
    ├── StorageError             the database is unavailable, locked or not migrated
    ├── RenderError              a document could not be printed (missing value, bad template)
    └── BundleRejected           a case bundle is not to be trusted: unsafe or malformed file,
                                 untrusted key, bad signature, a file that does not match its hash
"""

from __future__ import annotations

from typing import ClassVar


class SanctionsError(Exception):
    """Root of every error this package raises on purpose."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DefinitionError(SanctionsError):
    """Declared data is invalid. The message names the file and the path inside it."""

    exit_code: ClassVar[int] = 3

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class InputError(SanctionsError):
    exit_code: ClassVar[int] = 2


class InvalidNip(InputError):
    pass


class UnknownCode(InputError):
    pass


class NotFound(SanctionsError):
    exit_code: ClassVar[int] = 4


class RuleViolation(SanctionsError):
    exit_code: ClassVar[int] = 5


class TransitionNotAllowed(RuleViolation):
    pass


class GuardFailed(RuleViolation):
    def __init__(self, message: str, *, failures: list[str]) -> None:
        super().__init__(message)
        self.failures = failures


class DeadlinePassed(RuleViolation):
    pass


class PermissionDenied(SanctionsError):
    exit_code: ClassVar[int] = 6


class ConcurrencyConflict(SanctionsError):
    exit_code: ClassVar[int] = 7


class Conflict(SanctionsError):
    exit_code: ClassVar[int] = 8


class AlreadyAccepted(Conflict):
    pass


class RecordConflict(Conflict):
    pass


class StorageError(SanctionsError):
    exit_code: ClassVar[int] = 9


class RenderError(SanctionsError):
    exit_code: ClassVar[int] = 10


class BundleRejected(SanctionsError):
    exit_code: ClassVar[int] = 11


# The name of each exit code, as `--json` refusals give it (docs/cli.md lists them all).
EXIT_NAMES = {
    1: "failure",
    2: "input_error",
    3: "definition_error",
    4: "not_found",
    5: "rule_violation",
    6: "permission_denied",
    7: "concurrency_conflict",
    8: "conflict",
    9: "storage_error",
    10: "render_error",
    11: "bundle_rejected",
}


def error_object(exc: SanctionsError) -> dict[str, object]:
    """A refusal as `--json` prints it on stderr."""
    return {
        "error": {
            "exit_code": exc.exit_code,
            "name": EXIT_NAMES.get(exc.exit_code, "failure"),
            "kind": type(exc).__name__,
            "message": exc.message,
        }
    }
