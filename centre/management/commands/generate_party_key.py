"""Write a new key file for the encryption of personal data (see centre.crypto)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from centre.crypto import Keyring, generate_key, write_key_file


class Command(BaseCommand):
    help = (
        "生成个人信息加密密钥文件（权限0600），把其路径写入PARTY_KEY_FILE。"
        "请离线备份该文件：丢失后已加密的证件号码和电话将无法解密。"
    )
    # Creating a key must work before the project is otherwise configured (first run).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="密钥文件路径，例如var/party.key")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "覆盖已有的密钥文件。覆盖后，用旧密钥加密的数据只有在旧密钥文件"
                "仍列在PARTY_PREVIOUS_KEY_FILES中时才能解密。"
            ),
        )

    def handle(self, *args, path: Path, force: bool, **options) -> None:
        if path.exists() and not force:
            raise CommandError(
                f"密钥文件{path}已存在，未覆盖：覆盖会使已加密的数据无法解密。"
                "确需更换密钥请先备份旧文件并加 --force。"
            )
        key = generate_key()
        try:
            write_key_file(path, key + "\n")
        except OSError as exc:
            raise CommandError(f"无法写入密钥文件{path}：{exc.strerror}") from exc
        key_id = Keyring.from_files(path).current_key_id.hex()
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成密钥文件{path}（密钥编号{key_id}，权限0600）。"
                "请离线备份：丢失此文件将无法解密已加密的个人信息。"
            )
        )
