"""Publishing the day's signed checkpoint outside the database: a file, and optionally mail to
the supervisory body (which keeps it and may countersign it as a witness)."""

from __future__ import annotations

import json
import os
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sanctions.errors import StorageError
from sanctions.mailing import send, smtp_server


def as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_file(folder: Path, document: dict[str, Any]) -> Path:
    """`folder/checkpoint-<signed date>-<size>.json`, written whole then renamed (0640)."""
    day = str(document["signed_at"])[:10]
    target = folder / f"checkpoint-{day}-{document['size']}.json"
    try:
        folder.mkdir(mode=0o750, parents=True, exist_ok=True)
        tmp = folder / f".tmp-{os.getpid()}-{target.name}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(as_text(document))
        tmp.replace(target)
    except OSError as exc:
        raise StorageError(f"cannot write the checkpoint into {folder}: {exc.strerror}") from exc
    return target


def mail(url: str, to: str, document: dict[str, Any]) -> None:
    """Send the checkpoint as a JSON attachment through the SMTP server at `url`."""
    smtp_server(url)  # a bad setting is refused before anything is built
    message = EmailMessage()
    message["Subject"] = f"Checkpoint log perkara netralitas ASN ({document['size']} entri)"
    message["From"] = "sanctions@localhost"
    message["To"] = to
    message.set_content(
        f"Terlampir checkpoint log perkara yang ditandatangani ({document['signed_at']}): "
        f"{document['size']} entri, akar {document['root']}.\n"
        "Simpan berkas ini; dengan berkas ini setiap perubahan catatan sesudahnya dapat "
        "dibuktikan (sanctions audit verify --since).\n"
    )
    message.add_attachment(
        as_text(document).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename=f"checkpoint-{str(document['signed_at'])[:10]}-{document['size']}.json",
    )
    send(url, message)
