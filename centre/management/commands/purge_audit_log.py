"""Delete audit entries past their retention period, keeping the chain verifiable."""

from __future__ import annotations

import argparse
import getpass
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from centre.audit import AuditPurgeRefused, audit_log_purge, audit_oldest_purgeable_day
from centre.periods import date_text


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 年-月-日，例如2026-01-31：{text}") from None


class Command(BaseCommand):
    help = (
        "清理保存期已满的审计日志：删除某日（北京时间）之前的记录，防篡改链从最后删除的记录接续。"
        "保存期内的记录（AUDIT_RETENTION_DAYS，至少180天）一律拒绝删除；链条校验不通过时也拒绝。"
        "须以审计表的所有者或数据库超级用户连接运行（应用角色无权删除）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--before",
            type=_day,
            required=True,
            metavar="年-月-日",
            help="删除此日之前（不含此日）的记录",
        )

    def handle(self, *args, before: date, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("清理审计日志只支持PostgreSQL。")
        try:
            deleted = audit_log_purge(before=before, operator=f"manage.py ({getpass.getuser()})")
        except AuditPurgeRefused as exc:
            raise CommandError(f"{exc}未删除任何记录。") from exc
        limit = audit_oldest_purgeable_day()
        self.stdout.write(
            self.style.SUCCESS(
                f"已删除{deleted}条{date_text(before)}之前的审计日志"
                f"（保存期{settings.AUDIT_RETENTION_DAYS}天，{date_text(limit)}起的记录保留），"
                "清理本身已记入审计日志。"
            )
        )
