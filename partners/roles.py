"""The system administrator keeps the partners' webhook subscriptions and reads (and
replays) their delivery logs."""

from __future__ import annotations

from centre.roles import ALL_VERBS, config_permissions, role_grant


def declare() -> None:
    role_grant(
        "sysadmin",
        *config_permissions("partners", "webhooksubscription", verbs=ALL_VERBS),
        "partners.view_webhookdelivery",
        "partners.replay_webhookdelivery",
    )
