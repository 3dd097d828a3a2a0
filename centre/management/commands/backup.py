"""Back up the database, the media files and a manifest (see centre.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from centre.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份：把数据库（pg_dump自定义格式，与清单取自同一快照）、MEDIA_ROOT下的文件和清单"
        "（时间、数据库、迁移、各表记录数、文件的SHA-256、密钥文件的指纹，不含密钥本身）写入一个"
        "新的或空的目录。只支持PostgreSQL。密钥文件请另行离线保管。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "directory", type=Path, help="备份目录（新建或空目录），例如 /backups/2026-12-05"
        )

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            manifest = backup_create(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        cases = manifest["counts"].get("intake.Case", 0)
        audit = manifest["counts"].get("centre.AuditLog", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到{directory}：数据库{manifest['database']}（案件{cases}件，"
                f"审计日志{audit}条），文件{manifest['media_files']}个。"
                "清单manifest.json记有各文件的SHA-256和密钥指纹；"
                "密钥文件不在备份中，请另行离线保管。"
            )
        )
