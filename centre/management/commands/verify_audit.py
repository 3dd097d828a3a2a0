"""Check the audit log's hash chain from end to end (see centre.audit)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from centre.audit import audit_chain_verify


class Command(BaseCommand):
    help = (
        "校验审计日志的防篡改链：逐条重算HMAC-SM3校验码，报告第一条被修改、插入或删除的记录"
        "（退出码非零）；完整时报告已校验的记录数。"
    )

    def handle(self, *args, **options) -> None:
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"审计日志不完整：{report.problem}此前的{report.checked}条记录校验通过。"
            )
        message = f"审计日志完整：共{report.checked}条记录，校验码与链条全部相符。"
        if report.legacy:
            message += f"另有{report.legacy}条记录早于防篡改链，没有校验码。"
        self.stdout.write(self.style.SUCCESS(message))
