"""Run the risk warning rules now (what beat does every 15 minutes)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from centre.models import County
from risk.models.warning import Kind
from risk.warnings.services import ScanUnsupported, scan_risks


class Command(BaseCommand):
    help = "运行风险预警规则：生成新预警、更新未处置预警的证据，并通知县领导（与定时任务相同）"

    def add_arguments(self, parser):
        parser.add_argument("--county", metavar="CODE", help="只扫描该县（6位行政区划代码）")
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="按该日为“今天”扫描（默认今天），如复核某一周的数量异常增长",
        )

    def handle(self, *args, county: str | None, date: str | None, **options):
        target = None
        if county:
            target = County.objects.filter(code=county).first()
            if target is None:
                raise CommandError(f"没有代码为{county}的县（市、区）")
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as exc:
                raise CommandError(f"--date应为YYYY-MM-DD格式的日期：{date}") from exc
        try:
            summary = scan_risks(county=target, today=today)
        except ScanUnsupported as exc:
            raise CommandError(str(exc)) from exc
        labels = dict(Kind.choices)
        self.stdout.write(f"扫描日期{summary['today']}")
        for row in summary["rules"]:
            self.stdout.write(
                f"  {row['county']} {labels[row['kind']]:<16}发现{row['findings']:>4}  "
                f"新增{row['created']:>4}更新{row['updated']:>4}  "
                f"通知{row['notified']:>4}用时{row['ms']:>8.1f} ms"
            )
        for code in summary["skipped"]:
            self.stdout.write(self.style.WARNING(f"  {code}正由另一次扫描处理，已跳过"))
        self.stdout.write(
            self.style.SUCCESS(
                f"共新增{summary['created']}条预警，更新{summary['updated']}条，"
                f"发出{summary['notified']}条通知，用时{summary['seconds']:.2f}秒"
            )
        )


def _parse(value: str) -> date:
    return date.fromisoformat(value)
