"""The shape of each command's `--json` output: key → type. A type is `str`, `int`, `float`,
`bool`, `date` (ISO `YYYY-MM-DD`), `datetime` (ISO with time), `nip` (18 digits), `any`, or a
literal value, alternatives joined by `|` (`X|null` may be null); a note in parentheses after
it is for people. `[shape]` is a list of that shape, `{"*": shape}` a mapping of any keys to it,
`{"?": shape}` that object or null.
`scripts/cli_reference.py` prints them in docs/cli.md; tests/test_json_schemas.py runs every
command that takes `--json` and checks its output with `problems`. Keys are snake_case and
stable. A refusal under `--json` is `ERROR` on stderr, whatever the command."""

from __future__ import annotations

import re
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
        "received_voids": ["str (the number of a void received from an issuer not hosted)"],
    },
    "case history": [
        {"seq": "int", "on": "date", "actor": "str", "trigger": "str", "from": "str|null",
         "to": "str", "inputs": {"*": "any (the step's input by name)"},
         "late": ["str (deadline)"], "note": "str",
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
         "reserved_at": "datetime", "letter_id": "int|null", "reason": "str|null"}
    ],
    "agency history": [
        {"at": "datetime", "by": "str", "field": "str", "old": "str|null", "new": "str|null",
         "holds_from": "date|null"}
    ],
}  # fmt: skip
for _path in ("contest history", "employee history", "user history", "agency edit",
              "contest edit", "employee edit", "user revoke"):  # fmt: skip
    JSON_SCHEMAS[_path] = JSON_SCHEMAS["agency history"]

_CHANGE_RESULT: Final = {
    "reference": "str",
    "deadline": "str",
    "old_due": "date",
    "new_due": "date",
}
_IMPORT_RESULT: Final = {
    "file": "str", "rows": "int", "added": "int", "present": "int", "employees_added": "int",
    "rejected": "int", "rejects_file": "str|null", "references": ["str (case reference)"],
    "duplicates": [{"row": "int", "same_as_row": "int"}],
    "reference_ranges": ["str (first .. last of a run of consecutive references)"],
    "rows_per_second": "int",
}  # fmt: skip
_CONFIDENCE: Final = "C|S|U"
JSON_SCHEMAS.update(
    {
        "audit refusals": [
            {"at": "datetime", "user": "str", "command": "str|null", "reason": "str"}
        ],
        "audit verify": {
            "cases_checked": "int", "log_size": "int",
            "since_size": "int|null (with --since: the checkpoint's size)",
            "consistency_proof": "int|null (with --since: hashes in the proof)",
            "findings": [
                {"case": "str|null", "event": "int|null", "record": "str", "problem": "str"}
            ],
        },
        "calendar show": [
            {"revision": "str", "effective": "date", "holidays": ["date"],
             "working_days": ["date"], "instrument": "str", "confidence": _CONFIDENCE}
        ],
        "calendar diff": [
            {"case": "str", "agency": "str", "deadline": "str", "due": "date", "new_due": "date"}
        ],
        "calendar apply": {
            "revision": "str",
            "moved": [{"case": "str", "deadline": "str", "due": "date", "new_due": "date"}],
            "failed": {"*": "str (case reference → why)"},
        },
        "case export": {
            "reference": "str", "out": "str",
            "files": [{"file": "str", "bytes": "int", "sha256": "str"}],
        },
        "case import": _IMPORT_RESULT,
        "employee import": _IMPORT_RESULT,
        "case show": {
            "reference": "str", "workflow_version": "str", "supervisory_body": "str",
            "state": "str", "state_label": "str",
            "agency": {"code": "str", "name": "str"},
            "employee": {"nip": "nip", "name": "str", "type": "PNS|PPPK", "position": "str"},
            "contest": {
                "code": "str", "candidate_determination_date": "date|null",
                "penetapan_by_office": {"*": "date (the office's penetapan calon)"},
            },
            "act_office": "str|null", "act_date": "date", "reported_on": "date",
            "allegations": [
                {"code": "str", "track": "str", "level": "str|null", "conduct": "str"}
            ],
            "facts": {"*": "any (a fact the steps recorded, by name)"},
            "serving_effects": "str|null (what serving the sanction withholds: KGB, promotion)",
            "repeat_offence": {
                "?": {
                    "same_kind": "str", "last_sanction": "str", "last_level": "str",
                    "earlier": [
                        {"reference": "str", "sanction": "str", "level": "str",
                         "decided_on": "date", "violations": ["str"]}
                    ],
                }
            },
            "authority": {
                "?": {
                    "officials": ["str"], "rule": "str", "decided_by": "str|null",
                    "appeal_forum": "str|null",
                }
            },
            "deadlines": [
                {"name": "str", "label": "str", "due": "date", "unit": "str",
                 "days_left": "int", "overdue": "bool", "confidence": _CONFIDENCE}
            ],
            "your_roles": ["str (role)"],
            "actions": [
                {"trigger": "str", "to": "str", "label": "str", "allowed": "bool",
                 "needs": ["str"], "why_not": ["str"],
                 "letter_data": ["str (kind (values the letter data must give))"]}
            ],
            "ledger": [
                {"deadline": "str", "kind": "suspension|extension", "amount": "int|null",
                 "from": "date|null", "until": "date|null", "reason": "str", "basis": "str",
                 "event": "int"}
            ],
            "migrations": [
                {"plan": "str", "from": "str", "to": "str", "on": "date", "event": "int"}
            ],
        },
        "catalogue": [
            {"code": "str", "track": "str", "phase": "str|null", "level": "str",
             "conduct": "str", "printed": "norm|confirm", "conf": _CONFIDENCE}
        ],
        "catalogue --sanctions": [
            {"code": "str", "level": "str", "name": "str", "months": "int|null",
             "appeal": "str", "basis": "str", "printed": "article|confirm", "conf": _CONFIDENCE}
        ],
        "catalogue --forms": [
            {"list": "str", "item": "str", "form": "str", "codes": "str", "conf": _CONFIDENCE}
        ],
        "catalogue search": [
            {"code": "str", "score": "float", "track": "str", "level": "str",
             "phase": "str|null", "fits": "bool|null (with --contest and --act-date)",
             "via": "str|null", "conduct": "str", "conf": _CONFIDENCE}
        ],
        "contest list": [
            {"code": "str", "name": "str", "kind": "pemilu|pilkada",
             "penetapan_calon": "date|null",
             "per_office": "str|null (OFFICE=DATE for each office with a date of its own)"}
        ],
        "deadline extend": _CHANGE_RESULT,
        "deadline suspend": _CHANGE_RESULT,
        "employee show": {
            "nip": "nip", "employee_type": "PNS|PPPK", "name": "str", "birth_date": "date",
            "sex": "L|P", "rank": "str|null", "position": "str", "position_type": "str",
            "unit": "str", "agency_id": "int", "address": "str", "status": "str",
        },
        "letter list": [
            {"number": "str", "kind": "str", "case": "str", "date": "date",
             "sifat": "Rahasia|null", "pages": "int", "sha256": "str (first 16 hex digits)",
             "readable": "bool", "voided_by": "str|null (the voiding letter's number)"}
        ],
        "letter preview": [{"kind": "str", "pages": "int", "file": "str"}],
        "letter render": [
            {"number": "str", "status": "ok|FAILED", "file": "str|null", "error": "str|null"}
        ],
        "letter verify": {
            "file": "str", "issued": "bool", "altered": "bool", "number": "str|null",
            "kind": "str|null", "issued_on": "date|null", "detail": "str",
        },
        "remind": {
            "as_of": "date", "dry_run": "bool",
            "cases": [
                {"case": "str", "agency": "str", "deadline": "str", "due": "date",
                 "days_overdue": "int", "step": "str|null", "letter": "str|null",
                 "status": "issued|would_issue|waiting|done|skipped|failed",
                 "detail": "str|null", "mail": "str|null"}
            ],
            "counts": {
                "issued": "int", "would_issue": "int", "waiting": "int", "done": "int",
                "skipped": "int", "failed": "int",
            },
            "mails_retried": "int", "mail_failures": ["str"],
        },
        "report backlog": [
            {"state": "str", "label": "str", "age_0_30": "int", "age_31_60": "int",
             "age_61_90": "int", "age_91_180": "int", "age_over_180": "int", "total": "int",
             "oldest_days": "int"}
        ],
        "report positions": [
            {"group": "str", "label": "str", "cases": "int", "share_percent": "float",
             "top_violation": "str|null", "singled_out": "bool"}
        ],
        "report violations": [
            {"code": "str", "conduct": "str", "cases": "int", "guru_dosen": "int",
             "tenaga_kesehatan": "int", "others": "int"}
        ],
        "user list": [{"user": "str", "role": "str", "agency": "str (code, * for all)"}],
        "workflow list": [
            {"version": "str", "extends": "str|null", "supervisory_body": "str",
             "applies_from": "date", "until": "date|null", "states": "int",
             "transitions": "int", "file": "str"}
        ],
        "workflow migrate": {
            "plan": "str", "from": "str", "to": "str", "dry_run": "bool",
            "cases": [
                {"case": "str", "agency": "str", "state": "str", "after": "str",
                 "deadlines": [{"name": "str", "due": "date"}], "letters": ["str (kind)"],
                 "status": "migrated|would_migrate|changed|failed", "detail": "str|null"}
            ],
            "counts": {
                "migrated": "int", "would_migrate": "int", "changed": "int", "failed": "int"
            },
        },
        "workflow pins": [
            {"unit": "str", "sha256": "str", "pinned": "datetime", "by": "str",
             "note": "str|null"}
        ],
        "workflow validate": {"valid": "bool", "versions": ["str"], "files": "int"},
    }
)  # fmt: skip

_BASE_TYPES: Final = {"str", "int", "float", "bool", "date", "datetime", "nip", "null", "any"}
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?"
)
_NIP: Final = re.compile(r"\d{18}")


def _fits(value: object, name: str) -> bool:
    if name == "any":
        return True
    if name == "null":
        return value is None
    if name == "bool":
        return isinstance(value, bool)
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    pattern = {"date": _DATE, "datetime": _DATETIME, "nip": _NIP}.get(name)
    if pattern is not None:
        return pattern.fullmatch(value) is not None
    return name == "str" or value == name  # a literal value


def problems(value: object, shape: Any, where: str = "$") -> list[str]:
    """Where `value` (parsed JSON) departs from `shape`: missing or unknown keys, a wrong
    type, a null where none is allowed; empty when it conforms."""
    if isinstance(shape, dict):
        if "?" in shape:
            return [] if value is None else problems(value, shape["?"], where)
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r:.60}"]
        if "*" in shape:
            return [p for k, v in value.items() for p in problems(v, shape["*"], f"{where}.{k}")]
        found = [f"{where}: missing key {k!r}" for k in shape if k not in value]
        found += [f"{where}: undeclared key {k!r}" for k in value if k not in shape]
        return found + [
            p for k, v in value.items() if k in shape for p in problems(v, shape[k], f"{where}.{k}")
        ]
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r:.60}"]
        return [
            p for i, item in enumerate(value) for p in problems(item, shape[0], f"{where}[{i}]")
        ]
    names = re.sub(r"\s*\(.*\)\s*$", "", str(shape)).split("|")
    if any(_fits(value, n.strip()) for n in names):
        return []
    return [f"{where}: {value!r:.60} is not {shape}"]


def declared_types(shape: Any) -> set[str]:
    """The base type names a shape uses (for the check that every name is known)."""
    if isinstance(shape, dict):
        return {t for v in shape.values() for t in declared_types(v)}
    if isinstance(shape, list):
        return {t for v in shape for t in declared_types(v)}
    names = re.sub(r"\s*\(.*\)\s*$", "", str(shape)).split("|")
    return {n.strip() for n in names if n.strip() in _BASE_TYPES}
