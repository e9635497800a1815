"""The installation's Ed25519 key: created once, kept in a file only its owner reads, used
to sign what the installation vouches for (the log's checkpoints; later, exchanged files).

The private key is a PKCS#8 PEM file created 0600 (`SANCTIONS_KEY_FILE`); whoever verifies
needs only the public key (32 bytes, hexadecimal), which every signed document carries and
which a verifier compares with the one it trusts. The key id is the SHA-256 of the raw public
key. Signatures are over bytes the caller makes canonical.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from sanctions.errors import InputError, StorageError


@dataclass(frozen=True)
class InstallationKey:
    private: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return public_bytes(self.private.public_key()).hex()

    @property
    def key_id(self) -> str:
        return key_id(self.public_hex)

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def load_or_create(path: Path) -> InstallationKey:
    """The key in `path`, created (0600, its folder 0700) if the file does not exist."""
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
        except FileExistsError:
            pass  # another process created it first: use that one
        except OSError as exc:
            raise StorageError(f"cannot create the installation key {path}: {exc}") from exc
    return load(path)


def load(path: Path) -> InstallationKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageError(f"cannot read the installation key {path}: {exc.strerror}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path}: not an Ed25519 key")
    return InstallationKey(key)


def verify(public_hex: str, message: bytes, signature_hex: str) -> bool:
    """Whether `signature_hex` is the signature of `message` by the key `public_hex`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
