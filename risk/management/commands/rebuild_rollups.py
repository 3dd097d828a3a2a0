"""Recompute the dashboard's facts and rollups from the cases."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from risk.dashboard import rollups


class Command(BaseCommand):
    help = "从案件重新计算驾驶舱的统计事实与汇总表（数据导入或修复后使用）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="只刷新上次刷新以来变化的案件（与定时任务相同）",
        )

    def handle(self, *args, **options):
        result = rollups.refresh() if options["incremental"] else rollups.rebuild()
        self.stdout.write(
            f"已计算{result.cases}件案件，涉及{result.days}个登记日，用时{result.seconds:.1f}秒"
        )
