"""The shape of each command's `--json` output: key → type (`date` is an ISO date string,
`nip` 18 digits, `X|null` may be null, `[...]` a list). `scripts/cli_reference.py` prints them
in docs/cli.md; the tests compare the keys with what the commands print. Keys are snake_case
and stable. A refusal under `--json` is `ERROR` on stderr, whatever the command."""

from __future__ import annotations

from typing import Any, Final

ERROR: Final = {
    "error": {"exit_code": "int", "name": "str (input_error … render_error)", "kind": "str",
              "message": "str"}
}  # fmt: skip

_OVERDUE_ROW: Final = {
    "reference": "str", "employee": "str", "nip": "nip", "agency": "str", "state": "str",
    "stage": "str", "deadline": "str", "deadline_label": "str", "due": "date",
    "working_days_late": "int", "who_must_act": ["str (role)"],
    "who_must_act_labels": ["str"], "reminders": [{"step": "str", "on": "date"}],
    "next_step": "str|null", "next_step_label": "str|null", "next_step_on": "date|null",
}  # fmt: skip

JSON_SCHEMAS: Final[dict[str, Any]] = {
    "desk": [
        {
            "reference": "str", "employee": "str", "nip": "nip", "agency": "str",
            "state": "str", "stage": "str", "steps": ["str (trigger)"], "step_labels": ["str"],
            "deadline": "str|null", "due": "date|null", "days_left": "int|null",
            "since": "date|null",
        }
    ],
    "case list": {
        "total": "int", "offset": "int", "limit": "int",
        "cases": [
            {
                "reference": "str", "register_number": "str|null", "state": "str",
                "state_label": "str", "agency": "str", "employee": "str", "nip": "nip",
                "reported_on": "date", "workflow_version": "str", "overdue": ["str"],
            }
        ],
    },
    "case list --overdue": [_OVERDUE_ROW],
    "report overdue": [_OVERDUE_ROW],
    "case open": {
        "reference": "str", "state": "str", "workflow_version": "str", "warnings": ["str"],
    },
    "case advance": {
        "reference": "str", "trigger": "str", "from": "str", "to": "str", "on": "date",
        "late": ["str (deadline)"], "warnings": ["str"],
        "letters": [
            {"number": "str", "received": "bool", "issuer": "str", "kind": "str",
             "title": "str", "issued_on": "date", "sha256": "str", "file": "str",
             "written_to": "str|null"}
        ],
    },
    "case send": {"bundle_id": "str", "file": "str", "events": "int", "letters": "int"},
    "case accept": {
        "reference": "str", "state": "str", "new_events": "int", "received": ["str"],
        "sender": "str", "bundle_id": "str",
    },
    "keys list": [
        {"key_id": "str", "issuers": "str", "label": "str", "added_by": "str",
         "added_at": "datetime"}
    ],
    "case receive": {"reference": "str", "state": "str", "received": "str (its number)"},
    "agency signer list": [
        {"id": "int", "title": "str", "name": "str", "nip": "nip|null", "rank": "str|null",
         "acting": "str", "on_behalf": "str", "valid_from": "date", "valid_until": "date|null"}
    ],
    "case correct": {
        "reference": "str", "voided_event": "int", "voided_trigger": "str", "voided_on": "date",
        "state": "str", "voiding_letters": ["str (letter number)"],
    },
    "case history": [
        {"seq": "int", "on": "date", "actor": "str", "trigger": "str", "from": "str|null",
         "to": "str", "inputs": {"name": "str"}, "late": ["str (deadline)"], "note": "str",
         "workflow_version": "str"}
    ],
    "agency list": [
        {"code": "str", "name": "str", "kind": "pusat|daerah", "city": "str", "ppk_title": "str"}
    ],
    "report followup": [
        {
            "key": "str", "name": "str", "recommended": "int", "on_time": "int", "late": "int",
            "not_acted": "int", "overdue": "int", "moot": "int", "rate_percent": "float|null",
            "worst_days_late": "int",
        }
    ],
    "letter reserve": [
        {"issuer": "str", "register": "str (counter: * or a series)", "year": "int",
         "seq": "int", "for_date": "date", "state": "free|used|voided", "reserved_by": "str",
         "reserved_at": "datetime", "letter_id": "int|null", "reason": "str"}
    ],
    "agency history": [
        {"at": "datetime", "by": "str", "field": "str", "old": "str|null", "new": "str|null",
         "holds_from": "date|null"}
    ],
}  # fmt: skip
for _path in ("contest history", "employee history", "user history", "agency edit",
              "contest edit", "employee edit", "user revoke"):  # fmt: skip
    JSON_SCHEMAS[_path] = JSON_SCHEMAS["agency history"]
