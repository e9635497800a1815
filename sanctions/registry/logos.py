"""An issuer's kop images (its lambang, the Garuda Pancasila emblem), kept in the letter store.

An image is checked (`sanctions.letters.images`: a real PNG or a self-contained SVG of bounded
size), stored once under its SHA-256 next to the letters (`<store>/images/ab/cd/<sha256>.pdf`,
the store's own naming) and the agency records the digest (`agencies.logo_sha256`,
`agencies.emblem_sha256`), as an edit recorded in `registry_changes`. Every letter's context
names the digest of the image on its kop, so the letter's content hash covers it; rendering
reads the image back by that digest and refuses one whose bytes changed.

The repository ships no emblem: the Garuda Pancasila is the national emblem, and the
installation registers the image it holds (`agency edit CODE --emblem FILE`).
"""

from __future__ import annotations

from pathlib import Path

from sanctions.errors import InputError
from sanctions.letters import images, store

IMAGE_FOLDER = "images"
ROLES = {"logo": "--logo", "emblem": "--emblem"}


def read_image_file(path: Path, *, option: str) -> bytes:
    """The bytes of the image file an officer gave, checked (InputError naming `option`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot read the file ({exc.strerror})") from None
    images.check_image(data, what=f"{option} {path}")
    return data


def put_image(root: Path, data: bytes) -> str:
    """Store a checked image in the letter store; its SHA-256."""
    images.check_image(data)
    store.make_dirs(root, root / IMAGE_FOLDER)
    digest, _ = store.put(root / IMAGE_FOLDER, data)
    return digest


def image_bytes(root: Path, digest: str) -> bytes:
    """The image stored under `digest` (StorageError if missing or altered)."""
    return store.read(root / IMAGE_FOLDER, store.relative_path(digest), digest)


def image_uri(root: Path, digest: str) -> str:
    """The stored image as a data: URI for a letter's HTML."""
    return images.data_uri(image_bytes(root, digest))


def given_images(*, logo: Path | None = None, emblem: Path | None = None) -> dict[str, bytes]:
    """The image files given for an agency, each read and checked: the `agencies` field each
    sets (`logo_sha256`, `emblem_sha256`) → its bytes. Nothing is stored yet."""
    given = {"logo": logo, "emblem": emblem}
    return {
        f"{role}_sha256": read_image_file(path, option=ROLES[role])
        for role, path in given.items()
        if path is not None
    }


def digests(images_by_field: dict[str, bytes]) -> dict[str, str]:
    """The SHA-256 each field records."""
    return {name: store.sha256(data) for name, data in images_by_field.items()}


def store_all(root: Path, images_by_field: dict[str, bytes]) -> None:
    """Store the images once the change that records them was accepted (in its transaction:
    a refused change leaves the store as it was)."""
    for data in images_by_field.values():
        put_image(root, data)
