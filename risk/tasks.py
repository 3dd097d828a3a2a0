"""Celery tasks of the risk app. Each feature keeps its tasks in its own module; importing
them here lets Celery's autodiscovery (which looks for ``tasks``) register them."""

from risk import ledger_tasks, rollup_tasks, warning_tasks  # noqa: F401
