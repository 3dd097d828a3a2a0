"""The database roles for production: an application role that is not a superuser and owns
nothing, and the audit log that role may only append to and read. Prints the SQL, or with
``--apply`` runs it on the configured database (the compose stack's ``grants`` step)."""

from __future__ import annotations

import argparse
import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def _role(text: str) -> str:
    if not _ROLE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"角色名只能由小写字母、数字和下划线组成：{text}")
    return text


def _env_name(text: str) -> str:
    if not _ENV_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"环境变量名只能由大写字母、数字和下划线组成：{text}")
    return text


def app_role_sql(*, app: str) -> str:
    """The application's role: it reads and writes the tables and nothing more. Not a
    superuser (a superuser ignores every grant, the audit log's included), owning no table
    (an owner may ALTER, DISABLE TRIGGER, TRUNCATE or DROP its tables whatever the grants),
    creating nothing: migrations run as the owner, the application never changes the schema.
    GB/T 22239-2019 8.1.4.2 d (授予管理用户所需的最小权限) applied to the database account."""
    app = _role(app)
    return f"""\
-- 应用角色：不是超级用户，不拥有任何表，只能读写数据（GB/T 22239-2019 8.1.4.2 d 最小权限）。
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN
        CREATE ROLE "{app}" NOLOGIN;
    END IF;
    IF EXISTS (
        SELECT FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
        WHERE r.rolname = '{app}'
    ) THEN
        RAISE EXCEPTION '应用角色{app}拥有数据库对象：请先把它们的所有者改为迁移所用的角色';
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO "{app}"', current_database());
END
$$;
ALTER ROLE "{app}" NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM "{app}";
GRANT USAGE ON SCHEMA public TO "{app}";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}";
-- 以后的迁移（由执行本脚本的角色运行）新建的表和序列同样授权。
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{app}";
"""  # noqa: S608


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


def database_roles_sql(*, owner: str, app: str) -> str:
    """The whole script: the app role's general rights first, then the audit log's
    narrower ones, which take back what the general grant gave on those two tables."""
    return app_role_sql(app=app) + audit_grants_sql(owner=owner, app=app)


class Command(BaseCommand):
    help = (
        "数据库角色与审计日志授权：应用角色不是超级用户、不拥有任何表，可读写业务数据；审计表归独立的"
        "所有者角色所有，应用角色只能INSERT和SELECT。默认输出SQL，请以数据库超级用户执行，例如 "
        "`python manage.py audit_grants --owner maodiao_audit --app maodiao_app | psql "
        "--single-transaction`；加 --apply则直接在DATABASE_URL所指的数据库中执行"
        "（须以超级用户连接）。"
        "每次数据库迁移或恢复后再执行一次。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--owner", type=_role, required=True, help="审计表的所有者角色（不用于登录）"
        )
        parser.add_argument("--app", type=_role, required=True, help="应用连接数据库所用的角色")
        parser.add_argument(
            "--apply",
            action="store_true",
            help="在当前配置的数据库中执行（一个事务），而不是输出SQL",
        )
        parser.add_argument(
            "--password-env",
            type=_env_name,
            metavar="NAME",
            help=(
                "与 --apply一起使用：应用角色的登录密码取自这个环境变量（不写在命令行上），"
                "例如APP_DB_PASSWORD；不指定时应用角色的登录方式不变"
            ),
        )

    def handle(
        self, *args, owner: str, app: str, apply: bool, password_env: str | None, **options
    ) -> None:
        if password_env and not apply:
            raise CommandError("--password-env只能与 --apply一起使用：密码不输出到屏幕。")
        script = database_roles_sql(owner=owner, app=app)
        if not apply:
            self.stdout.write(script, ending="")
            return
        password = None
        if password_env:
            password = os.environ.get(password_env, "")
            if len(password) < 16:
                raise CommandError(
                    f"环境变量{password_env}未设置或少于16个字符：应用角色的数据库密码"
                    "至少16个字符。未做任何修改。"
                )
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色只支持PostgreSQL。")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(script)
            if password is not None:
                # A literal, not a parameter: PostgreSQL takes no parameters in ALTER ROLE.
                cursor.execute(
                    sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}")
                    .format(sql.Identifier(app), sql.Literal(password))
                    .as_string()
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"已设置数据库角色：应用角色{app}（非超级用户，不拥有表"
                f"{'，可登录' if password is not None else ''}）可读写业务数据，"
                f"审计表归{owner}所有，{app}对审计日志只能INSERT和SELECT。"
            )
        )
