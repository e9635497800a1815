"""Bulk INSERT of model rows, for writes of thousands of rows (imports, batches of cases)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlmodel import Session, SQLModel


def insert_rows(session: Session, rows: Sequence[SQLModel], *, ids: bool = True) -> None:
    """INSERT `rows` (of one table) in one executemany and, with `ids`, give them their ids.
    At import volumes the ORM's unit of work costs more than the INSERT itself."""
    if not rows:
        return
    table = type(rows[0])
    values = [row.model_dump(exclude={"id"}) for row in rows]
    if not ids:
        session.execute(insert(table), values)
        return
    key = table.id  # type: ignore[attr-defined]
    statement = insert(table).returning(key, sort_by_parameter_order=True)
    for row, new_id in zip(rows, session.execute(statement, values).scalars(), strict=True):
        row.id = new_id
