"""Issue an API token to another platform's system (a service account), printed once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from centre import tokens

MAX_DAYS = 366
# The model's fields as the administrator typed them.
OPTIONS = {
    "username": "用户名",
    "platform": "--platform",
    "allowed_networks": "--networks",
    "source": "--source",
    "county": "--county",
}


class Command(BaseCommand):
    help = (
        "签发服务账号（其他平台的系统）的接口令牌，只显示一次；账号不存在时用 --platform和 "
        "--networks创建。该令牌只能从所列地址使用，服务账号不能登录页面。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="服务账号的用户名，如platform-12345")
        parser.add_argument("--platform", help="对接平台的名称，如12345热线")
        parser.add_argument(
            "--networks", help="允许的来源地址：IP地址或网段，逗号分隔，如10.1.2.0/24,10.9.0.5"
        )
        parser.add_argument(
            "--source",
            help="来源代码：该平台转入的案件都记为此来源，如12345-anji；与--county一起给出时可登记案件",
        )
        parser.add_argument("--county", help="转入案件所属县的区划代码，如330523")
        parser.add_argument("--name", default="", help="令牌名称（默认为平台名称）")
        parser.add_argument("--days", type=int, default=90, help="有效天数（默认90，最多366）")

    def handle(self, *args, **options):
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days：有效天数应在1至{MAX_DAYS}之间")
        try:
            service = tokens.service_account_save(
                username=options["username"],
                platform=options["platform"],
                networks=options["networks"],
                source=options["source"],
                county=options["county"],
            )
        except ValidationError as exc:
            lines = [
                f"{OPTIONS.get(field, field)}：{'；'.join(messages)}"
                for field, messages in exc.message_dict.items()
            ]
            raise CommandError("\n".join(lines)) from None
        issued = tokens.service_token_issue(service=service, name=options["name"], days=days)
        until = timezone.localtime(issued.token.expires_at)
        self.stderr.write(
            f"已为服务账号{service.user.get_username()}（{service.platform}）签发令牌，"
            f"有效至{until.year}年{until.month}月{until.day}日{until:%H:%M}，"
            f"只能从以下地址使用：{', '.join(service.allowed_networks.splitlines())}。"
            "令牌只显示这一次："
        )
        self.stdout.write(issued.key)
