"""Bulk INSERT of model rows, for writes of thousands of rows (imports, batches of cases),
and row objects built without the ORM's attribute events (rows the write path inserts)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import JSON, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import configure_mappers
from sqlalchemy.sql.elements import Null
from sqlmodel import Session, SQLModel


def insert_rows(session: Session, rows: Sequence[SQLModel], *, ids: bool = True) -> None:
    """INSERT `rows` (of one table) in one executemany and, with `ids`, give them their ids.
    At import volumes the ORM's unit of work costs more than the INSERT itself."""
    if not rows:
        return
    table: Any = type(rows[0]).__table__  # type: ignore[attr-defined]
    columns = [c.name for c in table.columns if c.name != "id"]
    values = [{c: getattr(row, c) for c in columns} for row in rows]
    db = session.connection()  # Core: the ORM's bulk insert costs more than the statement
    if not ids:
        insert_values(db, table, values)
        return
    for row, new_id in zip(rows, insert_returning_ids(db, table, values), strict=True):
        row.id = new_id


# On PostgreSQL, above this many rows COPY beats an INSERT (whose thousands of placeholders
# psycopg parses again for every statement too long for its cache).
COPY_FROM = 50


def insert_values(db: Connection, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (dicts of column values, every dict the same keys) into `table`: one
    executemany; for more than `COPY_FROM` rows COPY on PostgreSQL and the driver's own
    executemany on SQLite (SQLAlchemy's per-row handling of the parameters costs more than
    the statement). The same rows every way: values are bound as their column types bind
    them (JSON serialized as SQLAlchemy's JSON type serializes it)."""
    if not rows:
        return
    if len(rows) <= COPY_FROM:
        db.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    if db.dialect.name != "postgresql":
        _executemany(db, table, columns, rows)
        return
    json_columns = {c.name: c.type.none_as_null for c in table.columns if isinstance(c.type, JSON)}
    serialize = db.dialect._json_serializer or _dumps
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    _json(row[c], serialize, json_columns[c]) if c in json_columns else row[c]
                    for c in columns
                ]
            )  # fmt: skip


def _executemany(
    db: Connection, table: Any, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """One executemany on the driver's cursor, each value bound by its column type's own
    processor (as SQLAlchemy binds it), without SQLAlchemy's per-row parameter handling."""
    processors = [_processor(table.c[c].type, db.dialect) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    bound = [(i, process) for i, process in enumerate(processors) if process is not None]
    values: list[Any] = []
    for row in rows:
        line = [row[c] for c in columns]
        for i, process in bound:
            line[i] = process(line[i])
        values.append(line)
    cursor = db.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
    finally:
        cursor.close()


def _processor(type_: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processor; for a JSON column of a dialect that serializes with
    `json.dumps` (none of ours is configured otherwise), the same text by `_dumps`."""
    own: Callable[[Any], Any] | None = type_.bind_processor(dialect)
    if not isinstance(type_, JSON) or dialect._json_serializer is not None:
        return own
    if type_._str_impl.bind_processor(dialect) is not None:
        return own  # a dialect that processes the text too
    none_as_null = type_.none_as_null

    def process(value: Any) -> str | None:
        if value.__class__ is dict and _ENCODER is not None:  # most values: no check below
            return "".join(_ENCODER(value, 0))
        if value is JSON.NULL:
            value = None
        elif isinstance(value, Null) or (value is None and none_as_null):
            return None
        return _dumps(value)

    return process


def _dumps(value: Any) -> str:
    """`json.dumps(value)` (its default options: the same text), from one encoder built once
    instead of at every call (a third of its cost on an import's small dicts); no check for
    circular values, which rows do not hold."""
    if _ENCODER is None:  # a Python without json's C speedups
        return json.dumps(value)
    if value.__class__ is str:
        return _encode_string(value)
    return "".join(_ENCODER(value, 0))


_encode_string: Callable[[str], str] = json.encoder.encode_basestring_ascii
_make_encoder: Any = json.encoder.c_make_encoder  # type: ignore[attr-defined]
_ENCODER: Callable[[Any, int], Any] | None = (
    None
    if _make_encoder is None
    else _make_encoder(
        None, json.JSONEncoder().default, _encode_string, None, ": ", ", ", False, False, True
    )
)


def _json(value: Any, serialize: Callable[[Any], str], none_as_null: bool) -> str | None:
    """`value` as the JSON type binds it (None is JSON null unless the column says NULL)."""
    return None if value is None and none_as_null else serialize(value)


def reserve_ids(db: Connection, table: Any, count: int) -> list[int]:
    """`count` new ids for `table`, in the order INSERTs one by one would take them: drawn
    from its sequence on PostgreSQL; on SQLite those after the largest id, which is what an
    INSERT gives an `INTEGER PRIMARY KEY` without AUTOINCREMENT (none of ours has it), safe
    because every writing transaction begins with BEGIN IMMEDIATE (`sanctions.db`): no other
    writer can insert between this read and the caller's INSERT."""
    if db.dialect.name != "postgresql":
        last = db.execute(text(f'SELECT max(id) FROM "{table.name}"')).scalar()
        return list(range(int(last or 0) + 1, int(last or 0) + 1 + count))
    query = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
    return sorted(db.execute(query, {"t": f'"{table.name}"', "n": count}).scalars())


def insert_returning_ids(
    db: Connection, table: Any, rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """INSERT `rows` into `table` and give their new ids, in order. With more than
    `COPY_FROM` rows the ids are reserved first (`reserve_ids`: in order, as the INSERTs one
    by one would take them) and the rows inserted (copied, on PostgreSQL) with them."""
    if not rows:
        return []
    ids = reserve_ids(db, table, len(rows)) if len(rows) > COPY_FROM else None
    if ids is None:
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(db.execute(statement, list(rows)).scalars())
    insert_values(db, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


M = TypeVar("M", bound=SQLModel)


def values_of(obj: Any, names: Sequence[str]) -> dict[str, Any]:
    """`obj`'s values of `names`, read from its instance dictionary where they are loaded
    (what the ORM's attribute would answer, without its descriptor: a step reads a hundred
    and forty of them), else through the attribute (one the ORM must still load; a row)."""
    loaded = getattr(obj, "__dict__", None)
    if loaded is None:
        return {name: getattr(obj, name) for name in names}
    return {name: loaded[name] if name in loaded else getattr(obj, name) for name in names}


def row_values(model: type[SQLModel], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the model's defaults for its other fields: the values of the row
    `construct` builds (every column but those left out, e.g. an id not given yet)."""
    row = dict(values)
    for name, spec, default in _defaults(model):
        if name in row:
            continue
        row[name] = spec.get_default(call_default_factory=True) if default is _FRESH else default
    if values.get("id") is None:
        row.pop("id", None)
    return row


def _defaults(model: type[Any]) -> list[tuple[str, Any, Any]]:
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        if not model.__mapper__.configured:
            configure_mappers()  # once: asking again costs more than the rest of this function
        defaults = _DEFAULTS[model] = [
            (name, spec, spec.default if _shared(spec) else _FRESH)
            for name, spec in model.model_fields.items()
        ]
    return defaults


def construct(model: type[M], values: Mapping[str, Any]) -> M:
    """A new row object of `model` with `values` (the model's defaults for the rest), built the
    way the ORM builds the rows it loads: a table model's __init__ sends an attribute event per
    field, ten times the cost, for objects the write path inserts with Core and never adds to
    the session."""
    defaults = _defaults(model)
    row: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    fields = row.__dict__
    for name, spec, default in defaults:
        if name in values:
            fields[name] = values[name]
        elif default is _FRESH:
            fields[name] = spec.get_default(call_default_factory=True)
        else:
            fields[name] = default
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row


# Each model's fields with their default, read once (pydantic's `model_fields` builds its
# mapping at every call): an immutable default shared, else (`_FRESH`) made anew per row.
_DEFAULTS: dict[type[Any], list[tuple[str, Any, Any]]] = {}
_FRESH: Any = object()


def _shared(spec: Any) -> bool:
    return spec.default_factory is None and (
        spec.default is None or type(spec.default) in (str, int, float, bool, bytes)
    )
