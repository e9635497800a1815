"""Case bundles: the plain file one installation gives another (docs/exchange.md).

A bundle is a zip holding `manifest.json` (canonical JSON, format `sanctions-bundle/1`),
`signature.json` (the sending installation's Ed25519 signature of the manifest's exact bytes,
with its public key and key id; sanctions/trust/keys.py) and each letter's file under
`letters/<sha256>.pdf`. Its id is the SHA-256 of the manifest's bytes.

Opening one treats it as untrusted input: only those names, no folders, no `..`, no absolute
paths, no duplicates, bounded counts and sizes (read with a limit, whatever the zip's headers
claim, so a zip bomb stops at the limit), a manifest of bounded size and depth, every file's
SHA-256 and size as the manifest says, no file the manifest does not name. Nothing here
reads the database: `sanctions.cases.exchange` decides whether the key is trusted and
whether the bundle fits the local record.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sanctions.errors import BundleRejected
from sanctions.trust import keys

FORMAT = "sanctions-bundle/1"
SIGNATURE_FORMAT = "sanctions-bundle-signature/1"
PUBLIC_KEY_FORMAT = "sanctions-public-key/1"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"

MAX_BUNDLE_BYTES = 256 * 1024 * 1024  # the zip file itself
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_SIGNATURE_BYTES = 4 * 1024
MAX_LETTER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every file uncompressed
MAX_ENTRIES = 2_000
MAX_EVENTS = 1_000
MAX_DEPTH = 12
_LIMITS = {"manifest.json": MAX_MANIFEST_BYTES, "signature.json": MAX_SIGNATURE_BYTES}
_LETTER_NAME = re.compile(r"letters/([0-9a-f]{64})\.pdf")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Bundle:
    """A bundle opened and checked: signature valid for `public_key`, every file present
    with the hash the manifest gives. Whether the key is trusted is the caller's question."""

    bundle_id: str  # SHA-256 of the manifest's bytes
    manifest: dict[str, Any]
    key_id: str
    public_key: str
    files: dict[str, bytes]  # sha256 -> the file


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def write(
    manifest: Mapping[str, Any], files: Mapping[str, bytes], key: keys.InstallationKey
) -> bytes:
    """The bundle's bytes: the manifest, its signature and the files (by SHA-256)."""
    body = canonical(manifest)
    signature = {
        "format": SIGNATURE_FORMAT,
        "key_id": key.key_id,
        "public_key": key.public_hex,
        "signature": key.sign(body),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_entry(MANIFEST), body)
        zf.writestr(_entry(SIGNATURE), canonical(signature))
        for digest in sorted(files):
            zf.writestr(_entry(f"letters/{digest}.pdf"), files[digest])
    return out.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # the same bytes every time
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o640 << 16
    return info


def read(data: bytes) -> Bundle:
    """Open and check a bundle's bytes (refused with `BundleRejected` saying why)."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRejected(f"the bundle is {len(data)} bytes; at most {MAX_BUNDLE_BYTES}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleRejected(f"not a case bundle (a zip file): {exc}") from None
    if len(infos) > MAX_ENTRIES:
        raise BundleRejected(f"the bundle holds {len(infos)} files; at most {MAX_ENTRIES}")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise BundleRejected("the bundle names a file twice")
    for info in infos:
        if not (info.filename in (MANIFEST, SIGNATURE) or _LETTER_NAME.fullmatch(info.filename)):
            raise BundleRejected(
                f"the bundle holds {info.filename[:120]!r}: only {MANIFEST}, {SIGNATURE} and "
                "letters/<sha256>.pdf are allowed (no folders, no paths outside the bundle)"
            )
        if info.flag_bits & 0x1:
            raise BundleRejected(f"{info.filename} is encrypted")
        cap = _LIMITS.get(info.filename, MAX_LETTER_BYTES)
        if info.file_size > cap:  # what the header says; reading is bounded as well
            raise BundleRejected(
                f"{info.filename} unpacks to {info.file_size} bytes, more than the {cap} "
                "allowed: refused as a zip bomb"
            )
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise BundleRejected(
            f"the bundle unpacks to more than {MAX_TOTAL_BYTES} bytes: refused as a zip bomb"
        )
    if MANIFEST not in names or SIGNATURE not in names:
        raise BundleRejected(f"the bundle lacks {MANIFEST} or {SIGNATURE}")
    budget = [MAX_TOTAL_BYTES]
    body = _read_entry(zf, MANIFEST, MAX_MANIFEST_BYTES, budget)
    signature = _json(_read_entry(zf, SIGNATURE, MAX_SIGNATURE_BYTES, budget), SIGNATURE)
    key_id, public, sig = _signature_fields(signature)
    if not keys.verify(public, body, sig):
        raise BundleRejected(
            "the signature does not match the manifest: the bundle was altered after it was "
            "signed, or not signed by the key it names"
        )
    manifest = _json(body, MANIFEST)
    check_manifest(manifest)
    files: dict[str, bytes] = {}
    listed = {str(x["sha256"]): x for x in manifest["letters"]}
    for name in names:
        match = _LETTER_NAME.fullmatch(name)
        if match is None:
            continue
        digest = match.group(1)
        if digest not in listed:
            raise BundleRejected(f"{name} is in the bundle but not in its manifest")
        content = _read_entry(zf, name, MAX_LETTER_BYTES, budget)
        if hashlib.sha256(content).hexdigest() != digest or len(content) != listed[digest]["size"]:
            raise BundleRejected(
                f"{name} does not match its SHA-256 and size in the manifest: the file was altered"
            )
        files[digest] = content
    for digest in listed:
        if digest not in files:
            raise BundleRejected(f"letters/{digest}.pdf is in the manifest but not in the bundle")
    return Bundle(hashlib.sha256(body).hexdigest(), manifest, key_id, public, files)


def _read_entry(zf: zipfile.ZipFile, name: str, limit: int, budget: list[int]) -> bytes:
    """At most `limit` bytes of `name`, decompressed (whatever the header says)."""
    cap = min(limit, budget[0])
    try:
        with zf.open(name) as f:
            content = f.read(cap + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise BundleRejected(f"{name}: cannot be read from the bundle: {exc}") from None
    if len(content) > cap:
        raise BundleRejected(
            f"{name} is larger than allowed ({cap} bytes once unpacked): refused as a zip "
            "bomb or an oversized file"
        )
    budget[0] -= len(content)
    return content


def _json(body: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise BundleRejected(f"{name} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BundleRejected(f"{name} is not a JSON object")
    if _depth(value) > MAX_DEPTH:
        raise BundleRejected(f"{name} is nested deeper than {MAX_DEPTH} levels")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _signature_fields(signature: Mapping[str, Any]) -> tuple[str, str, str]:
    if signature.get("format") != SIGNATURE_FORMAT:
        raise BundleRejected(
            f"{SIGNATURE}: format {str(signature.get('format'))[:40]!r}, "
            f"expected {SIGNATURE_FORMAT}"
        )
    key_id, public, sig = (signature.get(k) for k in ("key_id", "public_key", "signature"))
    if not (isinstance(public, str) and _HEX64.fullmatch(public)):
        raise BundleRejected(f"{SIGNATURE}: public_key is not 32 bytes in hexadecimal")
    if key_id != keys.key_id(public):
        raise BundleRejected(f"{SIGNATURE}: key_id is not the SHA-256 of its public key")
    if not (isinstance(sig, str) and re.fullmatch(r"[0-9a-f]{128}", sig)):
        raise BundleRejected(f"{SIGNATURE}: signature is not 64 bytes in hexadecimal")
    return key_id, public, sig


# -- the manifest's shape ---------------------------------------------------------------
_CASE_FIELDS = {
    "origin": dict, "reference": str, "register_number": (str, type(None)), "agency": str,
    "nip": str, "employee": dict, "contest": str, "reported_on": str, "act_date": str,
    "workflow_version": str, "allegations": list, "state": str, "facts": dict,
}  # fmt: skip
_EVENT_FIELDS = {
    "seq": int, "on": str, "trigger": str, "source": (str, type(None)), "dest": str,
    "inputs": dict, "note": str, "late": list, "workflow_version": str, "facts_after": dict,
    "letters": list,
}  # fmt: skip
_LETTER_FIELDS = {
    "sha256": str, "size": int, "issuer": str, "number": str, "kind": str, "title": str,
    "date": str, "subject": str, "confidential": bool, "event_seq": int, "received": bool,
}  # fmt: skip


def check_manifest(manifest: Mapping[str, Any]) -> None:
    """The manifest has the shape of `FORMAT` (refused with what is wrong)."""
    if manifest.get("format") != FORMAT:
        raise BundleRejected(
            f"{MANIFEST}: format {str(manifest.get('format'))[:40]!r} is not one this version "
            f"reads ({FORMAT})"
        )
    for key, kind in (("sender", dict), ("to", str), ("case", dict), ("events", list),
                      ("letters", list), ("created_at", str)):  # fmt: skip
        if not isinstance(manifest.get(key), kind):
            raise BundleRejected(f"{MANIFEST}: {key} is missing or not a {kind.__name__}")
    sender = manifest["sender"]
    if not isinstance(sender.get("issuer"), str) or not isinstance(sender.get("key_id"), str):
        raise BundleRejected(f"{MANIFEST}: sender needs issuer and key_id")
    _fields(manifest["case"], _CASE_FIELDS, "case")
    origin = manifest["case"]["origin"]
    if not isinstance(origin.get("key_id"), str) or not isinstance(origin.get("reference"), str):
        raise BundleRejected(f"{MANIFEST}: case.origin needs key_id and reference")
    events = manifest["events"]
    if not events or len(events) > MAX_EVENTS:
        raise BundleRejected(f"{MANIFEST}: events: between 1 and {MAX_EVENTS} expected")
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            raise BundleRejected(f"{MANIFEST}: events[{i}] is not an object")
        _fields(event, _EVENT_FIELDS, f"events[{i}]")
        if event["seq"] != i + 1:
            raise BundleRejected(f"{MANIFEST}: events[{i}].seq is {event['seq']}, expected {i + 1}")
    for i, letter in enumerate(manifest["letters"]):
        if not isinstance(letter, dict):
            raise BundleRejected(f"{MANIFEST}: letters[{i}] is not an object")
        _fields(letter, _LETTER_FIELDS, f"letters[{i}]")
        if not _HEX64.fullmatch(letter["sha256"]):
            raise BundleRejected(f"{MANIFEST}: letters[{i}].sha256 is not a SHA-256 digest")


def _fields(value: Mapping[str, Any], fields: Mapping[str, Any], where: str) -> None:
    for name, kind in fields.items():
        if (
            name not in value
            or not isinstance(value[name], kind)
            or (kind is int and isinstance(value[name], bool))
        ):
            raise BundleRejected(f"{MANIFEST}: {where}.{name} is missing or of the wrong type")


# -- public key files -------------------------------------------------------------------
def public_key_file(key: keys.InstallationKey, issuers: list[str], label: str) -> bytes:
    """What `sanctions keys init` writes for the other offices: the public key, its id and
    the issuers this installation hosts (the ones its bundles may speak for)."""
    body = {
        "format": PUBLIC_KEY_FORMAT,
        "key_id": key.key_id,
        "public_key": key.public_hex,
        "issuers": sorted(issuers),
        "label": label,
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def read_public_key(data: bytes, where: str) -> tuple[str, list[str], str]:
    """(public key, issuers, label) of a public key file, refused with what is wrong."""
    if len(data) > MAX_SIGNATURE_BYTES * 4:
        raise BundleRejected(f"{where}: too large for a public key file")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleRejected(f"{where}: not a public key file (JSON): {exc}") from None
    if not isinstance(value, dict) or value.get("format") != PUBLIC_KEY_FORMAT:
        raise BundleRejected(f"{where}: not a {PUBLIC_KEY_FORMAT} file (`sanctions keys init`)")
    public, issuers = value.get("public_key"), value.get("issuers")
    if not (isinstance(public, str) and _HEX64.fullmatch(public)):
        raise BundleRejected(f"{where}: public_key is not 32 bytes in hexadecimal")
    if value.get("key_id") != keys.key_id(public):
        raise BundleRejected(f"{where}: key_id is not the SHA-256 of its public key")
    if not (isinstance(issuers, list) and issuers and all(isinstance(x, str) for x in issuers)):
        raise BundleRejected(f"{where}: issuers: a list of agency codes expected")
    return public, [str(x) for x in issuers], str(value.get("label") or "")
