"""Enter a year's holiday schedule from the State Council's notice (节假日安排的通知).

The file has one line per day: ``YYYY-MM-DD,holiday|workday,name`` (``#`` starts a comment);
a range ``YYYY-MM-DD~YYYY-MM-DD,holiday,春节`` is accepted for holidays. Example for 2027:

    2027-01-01,holiday,元旦
    2027-02-06~2027-02-12,holiday,春节
    2027-02-14,workday,春节

Existing days of the year are replaced; the year is then marked as entered.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from centre.models import CalendarYear, Holiday
from centre.periods import calendar_changed


class Command(BaseCommand):
    help = "从国务院办公厅节假日安排通知导入某一年的节假日和调休上班日"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="年份，如2027")
        parser.add_argument("file", type=Path, help="每行：日期,holiday|workday,名称")
        parser.add_argument("--source", default="", help="通知文号，如 国办发明电〔2026〕X号")

    def handle(self, *args, year: int, file: Path, source: str, **options):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"无法读取{file}：{exc.strerror}") from exc
        days: dict[date, tuple[str, str]] = {}
        for number, raw in enumerate(lines, start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                span, kind, name = (part.strip() for part in line.split(",", 2))
                first, _, last = span.partition("~")
                start, end = date.fromisoformat(first), date.fromisoformat(last or first)
            except ValueError as exc:
                raise CommandError(
                    f"第{number}行格式错误（应为 日期,holiday|workday,名称）：{raw}"
                ) from exc
            if kind not in Holiday.Kind.values:
                raise CommandError(f"第{number}行类型应为holiday或workday：{raw}")
            if start.year != year or end.year != year or end < start:
                raise CommandError(f"第{number}行日期不在{year}年内或起止颠倒：{raw}")
            day = start
            while day <= end:
                days[day] = (kind, name)
                day += timedelta(days=1)
        if not days:
            raise CommandError("文件中没有日期")
        with transaction.atomic():
            Holiday.objects.filter(day__year=year).delete()
            Holiday.objects.bulk_create(
                Holiday(day=d, kind=k, name=n) for d, (k, n) in days.items()
            )
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        calendar_changed()
        holidays = sum(1 for k, _ in days.values() if k == "holiday")
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{year}年：法定节假日{holidays}天，调休上班{len(days) - holidays}天。"
            )
        )
