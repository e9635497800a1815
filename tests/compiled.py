"""Compiled SQL shared by every engine a test process builds (tests build one per test)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.util import LRUCache


class SharedCompiledCache:
    """One cache of compiled SQL for every engine of the process with the same dialect, as
    `compiled_cache` execution option. SQLAlchemy keys its cache by the dialect *object*, so
    each test's new engine compiled every statement again (about a tenth of a test's CPU);
    here the key names the dialect by its class, server version and the settings that shape
    the SQL text instead. A command line process has one engine: nothing changes there."""

    def __init__(self, size: int = 20_000) -> None:
        self._cache: Any = LRUCache(size)

    @staticmethod
    def _key(key: tuple[Any, ...]) -> tuple[Any, ...]:
        d = key[0]
        shape = (
            type(d),
            d.server_version_info,
            d.paramstyle,
            d.label_length,
            d.max_identifier_length,
            d.use_insertmanyvalues,
            d.supports_native_boolean,
        )
        return (shape, *key[1:])

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        return self._cache.get(self._key(key), default)

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        self._cache[self._key(key)] = value


_COMPILED = SharedCompiledCache()


def share_compiled_sql(engine: Engine) -> Engine:
    """`engine`, compiling into (and reading from) the process's shared cache."""
    engine.update_execution_options(compiled_cache=_COMPILED)
    return engine
