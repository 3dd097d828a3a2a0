"""Print the SQL that leaves the application's database role able only to append to and
read the audit log."""

from __future__ import annotations

import argparse
import re

from django.core.management.base import BaseCommand

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _role(text: str) -> str:
    if not _ROLE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"角色名只能由小写字母、数字和下划线组成：{text}")
    return text


def audit_grants_sql(*, owner: str, app: str) -> str:
    """GB/T 22239-2019 8.1.4.3 c (审计记录应受到保护，避免受到未预期的删除、修改或覆盖):
    the audit table belongs to a role the application never logs in as; the application's
    role may INSERT and SELECT there and nothing else — no UPDATE, DELETE or TRUNCATE (the
    append-only trigger of migration 0002 does not fire on TRUNCATE; the missing grant does
    refuse it). The chain head is the one row appends move forward: SELECT ... FOR UPDATE and
    UPDATE, never DELETE."""
    # Role names pass _ROLE (lower-case letters, digits, underscores) before they are pasted.
    owner, app = _role(owner), _role(app)
    return f"""\
-- 审计日志的数据库权限（GB/T 22239-2019 8.1.4.3 c）。以数据库超级用户执行，可重复执行：
--   python manage.py audit_grants --owner {owner} --app {app} | psql --single-transaction ...
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN
        CREATE ROLE "{owner}" NOLOGIN;
    END IF;
END
$$;
ALTER TABLE centre_auditlog OWNER TO "{owner}";
ALTER TABLE centre_auditchainhead OWNER TO "{owner}";
ALTER FUNCTION centre_auditlog_refuse_change() OWNER TO "{owner}";
REVOKE ALL ON centre_auditlog, centre_auditchainhead FROM PUBLIC;
REVOKE ALL ON centre_auditlog, centre_auditchainhead FROM "{app}";
GRANT SELECT, INSERT ON centre_auditlog TO "{app}";
GRANT SELECT, INSERT, UPDATE ON centre_auditchainhead TO "{app}";
"""  # noqa: S608


class Command(BaseCommand):
    help = (
        "输出审计日志的数据库授权脚本：审计表归独立的所有者角色所有，应用角色只能 INSERT 和 "
        "SELECT。请以数据库超级用户执行，例如 `python manage.py audit_grants --owner "
        "maodiao_audit --app maodiao | psql --single-transaction`；每次数据库迁移后再执行一次。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--owner", type=_role, required=True, help="审计表的所有者角色（不用于登录）"
        )
        parser.add_argument("--app", type=_role, required=True, help="应用连接数据库所用的角色")

    def handle(self, *args, owner: str, app: str, **options) -> None:
        self.stdout.write(audit_grants_sql(owner=owner, app=app), ending="")
