"""Restore a backup into an empty database (see centre.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from centre.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "从备份目录恢复到DATABASE_URL所指的空数据库和空的MEDIA_ROOT：先核对备份文件的SHA-256 "
        "和密钥指纹（密钥不符时拒绝），恢复后核对各表记录数并校验审计日志链。"
        "例如DATABASE_URL=postgres://maodiao@host/maodiao_restored "
        "python manage.py restore /backups/2026-12-05"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="manage.py backup写出的备份目录")

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            report = backup_restore(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = report.manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复{report.manifest['created_at']}的备份（来自数据库"
                f"{report.manifest['database']}）：案件{counts.get('intake.Case', 0)}件，"
                f"文件{report.media_files}个；各表记录数与清单相符，"
                f"审计日志{report.audit_checked}条校验通过。"
            )
        )
        self.stdout.write(
            "接下来请以数据库所有者：\n"
            "  1. 运行 `python manage.py migrate`（程序版本比备份新时补齐数据库迁移）；\n"
            "  2. 运行 `python manage.py audit_grants --owner … --app … --apply`，"
            "恢复应用角色的权限（备份不带权限和所有者）。"
        )
