"""Sending a message through the SMTP server a setting names (`SANCTIONS_SMTP_URL`): the
reminder job's letters and the day's signed checkpoint."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import SplitResult, unquote, urlsplit

from sanctions.errors import InputError


def smtp_server(url: str) -> SplitResult:
    """`url` split, if it is smtp://[user:password@]host[:port] or smtps://…; else InputError."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise InputError(f"SANCTIONS_SMTP_URL: expected smtp://host:port, got {url!r}")
    return parts


def send(url: str, message: EmailMessage) -> None:
    """Send `message` through the SMTP server at `url` (port 25, or 465 for smtps)."""
    parts = smtp_server(url)
    client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    assert parts.hostname is not None
    with client_class(parts.hostname, port, timeout=30) as client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
