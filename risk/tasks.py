"""Celery tasks of the risk app. Each feature keeps its tasks in its own package; importing
them here lets Celery's autodiscovery (which looks for ``tasks``) register them."""

from risk.dashboard import tasks as dashboard_tasks  # noqa: F401
from risk.ledger import tasks as ledger_tasks  # noqa: F401
from risk.warnings import tasks as warning_tasks  # noqa: F401
