"""Start sealing the audit log with a new key; the entries sealed so far keep their key."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from centre.audit import AuditKeyring, audit_keyring_from_settings
from centre.crypto import generate_key, write_key_file
from centre.models import AuditLog
from centre.services import audit_record


class Command(BaseCommand):
    help = (
        "更换审计日志密钥：生成新的密钥文件（权限0600），并用当前密钥在审计日志中记下这次更换。"
        "之后把AUDIT_KEY_FILE指向新文件、把旧文件加入AUDIT_PREVIOUS_KEY_FILES并重启服务；"
        "已有记录不重新计算，校验时用旧密钥核对。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path", type=Path, help="新密钥文件路径，例如 /run/secrets/audit_key_2027"
        )

    def handle(self, *args, path: Path, **options) -> None:
        if path.exists():
            raise CommandError(f"文件{path}已存在，未覆盖：请为新密钥指定一个新的文件名。")
        try:
            current = audit_keyring_from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        old_path = settings.AUDIT_KEY_FILE
        try:
            write_key_file(path, generate_key() + "\n")
        except OSError as exc:
            raise CommandError(f"无法写入密钥文件{path}：{exc.strerror}") from exc
        new_id = AuditKeyring.from_files(path).current_id
        # The handover is itself an entry, sealed with the outgoing key: the log says when the
        # key changed and to which one, and nobody can later claim another key took over.
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditLog.Action.AUDIT_KEY_ROTATED,
                username=f"manage.py ({getpass.getuser()})",
                detail={"from_key": current.current_id, "to_key": new_id},
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成新的审计日志密钥文件{path}（密钥编号{new_id}，权限0600），"
                f"并已在审计日志中记录由密钥{current.current_id}更换为{new_id}。"
            )
        )
        self.stdout.write(
            "接下来请：\n"
            f"  1. 把旧密钥文件{old_path}加入AUDIT_PREVIOUS_KEY_FILES（校验旧记录要用它，"
            "不要删除；请离线备份）；\n"
            f"  2. 把AUDIT_KEY_FILE改为{path}；\n"
            "  3. 重启网站服务和后台任务进程（web、worker、beat），使其用新密钥记录；\n"
            "  4. 运行 `python manage.py verify_audit` 确认审计日志完整。"
        )
