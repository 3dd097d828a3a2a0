"""Load the demo county, its organisation and one account per role. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from centre import demo_data
from centre.demo import SEEDERS, DemoContext
from centre.models import AuditLog, Category, County, Department, Region, StaffProfile, Window
from centre.roles import ROLES
from centre.services import audit_record, staff_create


class Command(BaseCommand):
    help = "载入演示数据：安吉县的乡镇村社、窗口部门、纠纷类别和各角色演示账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            help="另外批量生成N件案件（按季节、人口分布，状态与期限符合流程），"
            "用于驾驶舱和性能测试",
        )
        parser.add_argument(
            "--counties",
            type=int,
            default=1,
            choices=range(1, len(demo_data.CITY_COUNTIES) + 2),
            metavar="N",
            help="与--cases同用：按人口把案件分到湖州市的N个县区（1–5，另建其余县区的乡镇和"
            "一名市级领导账号city_leader），用于市级驾驶舱的性能测试",
        )
        parser.add_argument(
            "--force", action="store_true", help="DEBUG关闭时也执行（会重置演示账号的密码）"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG已关闭：这看起来是生产环境，演示账号使用公开的密码。确需载入请加 --force。"
            )
        with transaction.atomic():
            county = self._organisation()
            self._categories()
            users = self._users(county)
            if options["counties"] > 1:
                users += self._city(county, options["counties"])
            context = DemoContext(
                county=county,
                users={u.username: u for u in users},
                options=options,
                write=self.stdout.write,
            )
            for _order, seeder in SEEDERS:
                seeder(context)
            audit_record(
                actor=None,
                action=AuditLog.Action.DEMO_SEED,
                county=county,
                username="seed_demo",
                detail={"users": [u.username for u in users]},
            )
        self._print_logins(list(context.users.values()))

    def _organisation(self) -> County:
        county, _ = County.objects.update_or_create(
            code=demo_data.COUNTY["code"], defaults=demo_data.COUNTY
        )
        for order, (town_code, town_name, villages) in enumerate(demo_data.TOWNS, start=1):
            town, _ = Region.objects.update_or_create(
                code=town_code,
                defaults={
                    "county": county,
                    "parent": None,
                    "name": town_name,
                    "name_en": demo_data.TOWN_NAMES_EN.get(town_code, ""),
                    "level": Region.Level.TOWN,
                    "order": order,
                },
            )
            for village_code, village_name, grids in villages:
                village, _ = Region.objects.update_or_create(
                    code=village_code,
                    defaults={
                        "county": county,
                        "parent": town,
                        "name": village_name,
                        "level": Region.Level.VILLAGE,
                    },
                )
                for number, grid_name in enumerate(grids, start=1):
                    Region.objects.update_or_create(
                        code=f"{village_code}{number:03d}",
                        defaults={
                            "county": county,
                            "parent": village,
                            "name": f"{village_name}{grid_name}",
                            "level": Region.Level.GRID,
                        },
                    )
        windows = {w.code: w for w in Window.objects.all()}
        for order, (name, window_code) in enumerate(demo_data.DEPARTMENTS, start=1):
            Department.objects.update_or_create(
                county=county,
                name=name,
                defaults={"window": windows.get(window_code), "order": order},
            )
        return county

    def _city(self, county: County, counties: int) -> list[Any]:
        """The city's other counties (their towns and a clerk: enough to hold cases) and
        the city's leader, who reads them all."""
        users = []
        for code, name, _share, towns in demo_data.CITY_COUNTIES[: counties - 1]:
            other, _ = County.objects.update_or_create(
                code=code,
                defaults={
                    **demo_data.COUNTY,
                    "code": code,
                    "name": name,
                    "centre_name": f"{name}社会矛盾纠纷调处化解中心",
                    "address": f"浙江省湖州市{name}（示例地址）",
                    "phone": "",
                },
            )
            for order, (town_code, town_name) in enumerate(towns, start=1):
                Region.objects.update_or_create(
                    code=town_code,
                    defaults={
                        "county": other,
                        "parent": None,
                        "name": town_name,
                        "level": Region.Level.TOWN,
                        "order": order,
                    },
                )
            users.append(
                staff_create(
                    username=f"clerk_{code}",
                    password=settings.DEMO_PASSWORD,
                    full_name=f"{name}受理员",
                    roles=["clerk"],
                    county=other,
                    title="窗口受理员",
                )
            )
        username, full_name, roles, dept, _window, _region, title = demo_data.CITY_LEADER
        users.append(
            staff_create(
                username=username,
                password=settings.DEMO_PASSWORD,
                full_name=full_name,
                roles=roles,
                county=county,
                department=Department.objects.get(county=county, name=dept),
                title=title,
                scope=StaffProfile.Scope.CITY,
            )
        )
        return users

    def _categories(self) -> None:
        for order, (code, name, children) in enumerate(demo_data.CATEGORIES, start=1):
            parent, _ = Category.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_en": demo_data.CATEGORY_NAMES_EN.get(code, ""),
                    "parent": None,
                    "order": order,
                },
            )
            for child_order, (child_code, child_name) in enumerate(children, start=1):
                Category.objects.update_or_create(
                    code=child_code,
                    defaults={
                        "name": child_name,
                        "name_en": demo_data.CATEGORY_NAMES_EN.get(child_code, ""),
                        "parent": parent,
                        "order": child_order,
                    },
                )

    def _users(self, county: County) -> list:
        departments = {d.name: d for d in Department.objects.filter(county=county)}
        windows = {w.code: w for w in Window.objects.all()}
        users = []
        for username, full_name, roles, dept, window, region, title in demo_data.USERS:
            users.append(
                staff_create(
                    username=username,
                    password=settings.DEMO_PASSWORD,
                    full_name=full_name,
                    roles=roles,
                    county=county,
                    department=departments.get(dept),
                    window=windows.get(window),
                    region=Region.objects.get(code=region) if region else None,
                    title=title,
                )
            )
        return users

    def _print_logins(self, users) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                "演示数据已就绪。演示账号（密码均为DEMO_PASSWORD，"
                f"当前为{settings.DEMO_PASSWORD}）："
            )
        )
        for user in users:
            role = ROLES[user.groups.values_list("name", flat=True).first()]
            self.stdout.write(f"  {user.username:<11} {role.label:<8} {user.first_name}")
