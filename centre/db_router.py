"""The database router, active only when DATABASE_REPLICA_URL is set (centre.replica)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from centre import replica

_SAME_DATA = {DEFAULT_DB_ALIAS, replica.REPLICA}


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        return replica.read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        replica.mark_written()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if obj1._state.db in _SAME_DATA and obj2._state.db in _SAME_DATA:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
