"""The roles of the centre, as Django groups holding named permissions.

Each app declares the roles that work at its window and what it grants to others, from its
``AppConfig.ready()`` (``<app>/roles.py``): ``role_define`` names a role, its label, the
page it lands on and its place in the home-page order; ``role_grant`` adds the app's own
permissions (or a landing page) to a role another app defined. So centre names no other
app's permissions or URLs. The groups are brought in line after every ``migrate``
(``centre.services.roles_sync``); ``centre/tests/test_roles_snapshot.py`` pins the result.

The three administrators are kept apart as 等保 三级 requires (三员分立): the system
administrator configures, the security administrator manages accounts and rights, the
auditor only reads the audit log. No one may hold two of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: Any  # a lazy translation
    home: str | None  # URL name of the page the role lands on
    permissions: tuple[str, ...]
    staff: bool = False  # may enter the Django admin
    # Someone holding several roles lands on the home of the one with the smallest rank.
    rank: int = 1000


# Filled by the apps' ready(); one dict object for the life of the process, in rank order.
ROLES: dict[str, Role] = {}
# Grants made before the role's own app defined it (apps are ready in INSTALLED_APPS order).
_PENDING: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}


def _merged(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """Both, each permission once: a second ``ready()`` (tests) adds nothing twice."""
    return tuple(dict.fromkeys((*first, *more)))


def _store(role: Role) -> None:
    ROLES[role.code] = role
    ordered = sorted(ROLES.values(), key=lambda each: each.rank)
    ROLES.clear()
    ROLES.update((each.code, each) for each in ordered)


def role_define(
    code: str,
    label: Any,
    *,
    rank: int,
    home: str | None = None,
    permissions: tuple[str, ...] = (),
    staff: bool = False,
) -> None:
    """Declare a role; what others granted it (before or after) is kept."""
    known = ROLES.get(code)
    role = Role(code, label, home or (known.home if known else None), permissions, staff, rank)
    if known is not None:
        role = replace(role, permissions=_merged(known.permissions, permissions))
    for granted, granted_home in _PENDING.pop(code, []):
        role = replace(
            role, permissions=_merged(role.permissions, granted), home=granted_home or role.home
        )
    _store(role)


def role_grant(code: str, *permissions: str, home: str | None = None) -> None:
    """Give a role defined by any app this app's permissions (and, if said, its landing
    page: the supervisor lands on mediation's queue)."""
    role = ROLES.get(code)
    if role is None:
        _PENDING.setdefault(code, []).append((permissions, home))
        return
    _store(
        replace(role, permissions=_merged(role.permissions, permissions), home=home or role.home)
    )


ADMIN_ROLES = frozenset({"sysadmin", "secadmin", "auditor"})

# The administrators' models in centre that the system administrator configures.
_CONFIG_MODELS = (
    "county",
    "region",
    "window",
    "department",
    "category",
    "documenttemplate",
    "holiday",
    "calendaryear",
    "deadlinerule",
)


def config_permissions(app_label: str, *models: str, verbs: tuple[str, ...]) -> tuple[str, ...]:
    """The admin's model permissions an app gives the system administrator."""
    return tuple(f"{app_label}.{verb}_{model}" for model in models for verb in verbs)


ALL_VERBS = ("add", "change", "view", "delete")


PARTNER = "partner"


def define_centre_roles() -> None:
    """The roles that belong to no window: the supervisor across the windows and the three
    administrators (called from centre's ready())."""
    role_define(
        "supervisor",
        _("窗口督办员"),
        rank=20,
        permissions=(
            "centre.use_intake_desk",
            "centre.use_mediation_desk",
            "centre.supervise_windows",
            "centre.view_dashboard",
        ),
    )
    # Another platform's system (a service account: token-only, from its listed addresses);
    # intake grants it registering cases and reading those it sent.
    role_define(PARTNER, _("对接平台"), rank=900)
    role_define(
        "sysadmin",
        _("系统管理员"),
        rank=130,
        home="admin:index",
        staff=True,
        permissions=(
            "centre.configure_system",
            *config_permissions("centre", *_CONFIG_MODELS, verbs=("add", "change", "view")),
            "centre.delete_region",
            "centre.delete_category",
            "centre.delete_department",
            "centre.view_heartbeat",
        ),
    )
    role_define(
        "secadmin",
        _("安全管理员"),
        rank=140,
        home="admin:index",
        staff=True,
        permissions=(
            "centre.manage_accounts",
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "auth.view_group",
            "centre.add_staffprofile",
            "centre.change_staffprofile",
            "centre.view_staffprofile",
            # Reading the counties and departments is needed to place staff in them.
            "centre.view_county",
            "centre.view_department",
            "centre.view_window",
            "centre.view_region",
            # Unlocking a locked account is deleting its failed attempts.
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            # Tokens are listed without their value and revoked, never read.
            "centre.view_apitoken",
            "centre.change_apitoken",
            # A lost phone: the account's dynamic-password device is reset, audited.
            "centre.reset_two_factor",
            "centre.view_serviceaccount",
            "centre.change_serviceaccount",
        ),
    )
    role_define(
        "auditor",
        _("安全审计员"),
        rank=150,
        home="admin:index",
        staff=True,
        permissions=(
            "centre.read_audit_log",
            "centre.view_auditlog",
            "axes.view_accesslog",
            "axes.view_accessfailurelog",
        ),
    )
