"""Re-encrypt the parties' personal data under a new key; the procedure is in intake.rekey."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centre.crypto import KeyFileError, KeyNotFound, Keyring
from intake.rekey import PartyRekeyError, party_keys_rotate

FIELD_LABELS = {"id_number_enc": "证件号码", "phone_enc": "联系电话"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def _keyring(path: Path, role: str) -> Keyring:
    try:
        return Keyring.from_files(current=path)
    except KeyFileError as exc:
        raise CommandError(f"{role}{exc.path}无法载入：{exc.zh}。未做任何修改。") from exc


class Command(BaseCommand):
    help = (
        "更换个人信息加密密钥：用新密钥重新加密全部当事人的证件号码和联系电话、通知的接收号码，"
        "并重新计算检索索引（一个事务内完成，可重复执行）。请在维护时段、停止网站服务和后台任务进程后运行。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--new-key-file",
            type=Path,
            required=True,
            metavar="PATH",
            help="新密钥文件路径（先用generate_party_key生成）",
        )
        parser.add_argument(
            "--old-key-file",
            type=Path,
            metavar="PATH",
            help="旧密钥文件路径，默认为当前PARTY_KEY_FILE所指的文件",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=500,
            metavar="N",
            help="每批加锁并处理的当事人数，默认500",
        )

    def handle(
        self,
        *args,
        new_key_file: Path,
        old_key_file: Path | None,
        batch_size: int,
        **options,
    ) -> None:
        old_path = old_key_file or getattr(settings, "PARTY_KEY_FILE", None)
        if not old_path:
            raise CommandError("未配置PARTY_KEY_FILE，请用 --old-key-file指定旧密钥文件。")
        old_path = Path(old_path)
        new = _keyring(new_key_file, "新密钥文件")
        old = _keyring(old_path, "旧密钥文件")
        new_id, old_id = new.current_key_id.hex(), old.current_key_id.hex()
        if new_id == old_id:
            raise CommandError(
                f"新密钥文件{new_key_file}与旧密钥文件{old_path}是同一把密钥（编号{new_id}），"
                "未做任何修改。请先用generate_party_key生成新的密钥文件。"
            )
        try:
            rekeyed = party_keys_rotate(old=old, new=new, batch_size=batch_size, stdout=self.stdout)
        except PartyRekeyError as exc:
            raise CommandError(self._failure(exc, old_id)) from exc

        self.stdout.write(
            self.style.SUCCESS(
                f"已用新密钥（编号{new_id}）重新加密{rekeyed}位当事人的证件号码和联系电话。"
            )
        )
        self.stdout.write(
            "接下来请：\n"
            f"  1. 把PARTY_KEY_FILE改为新密钥文件{new_key_file}；\n"
            f"  2. 把旧密钥文件{old_path}离线备份后从服务器上移走：现有数据已不再需要它"
            "解密，但更换密钥之前的数据库备份仍须用它解密；\n"
            "  3. 重启网站服务和后台任务进程（web、worker），使其载入新密钥。"
        )

    @staticmethod
    def _failure(exc: PartyRekeyError, old_id: str) -> str:
        if exc.field == "destination_enc":
            what = f"通知（ID {exc.party_pk}）的接收号码"
        else:
            what = f"当事人（ID {exc.party_pk}）的{FIELD_LABELS[exc.field]}"
        if isinstance(exc.error, KeyNotFound) and exc.key_id is not None:
            reason = (
                f"{what}由密钥{exc.key_id.hex()}加密，不是旧密钥{old_id}，无法解密。"
                "请确认 --old-key-file（未指定时为PARTY_KEY_FILE）指向加密现有数据的密钥文件"
            )
        else:
            reason = f"{what}的密文已损坏或被篡改，无法解密"
        return f"{reason}。本次未做任何修改（已全部回滚）。"
