"""Bulk INSERT of model rows, for writes of thousands of rows (imports, batches of cases),
and row objects built without the ORM's attribute events (rows the write path inserts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import configure_mappers
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


M = TypeVar("M", bound=SQLModel)


def construct(model: type[M], values: Mapping[str, Any]) -> M:
    """A new row object of `model` with `values` (the model's defaults for the rest), built the
    way the ORM builds the rows it loads: a table model's __init__ sends an attribute event per
    field, ten times the cost, for objects the write path inserts with Core and never adds to
    the session."""
    configure_mappers()  # a no-op once the models are configured
    row: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    fields = row.__dict__
    for name, spec in model.model_fields.items():
        fields[name] = (
            values[name] if name in values else spec.get_default(call_default_factory=True)
        )
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row
