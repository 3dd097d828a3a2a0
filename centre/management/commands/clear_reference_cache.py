"""Make every process read its reference data again (centre.refcache)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from centre import refcache


class Command(BaseCommand):
    help = (
        "让所有进程重新读取参考数据（类别、区划、窗口、分流规则、人员与权限、接口令牌）。"
        "通过管理后台或程序所做的修改一秒内自动生效；直接用SQL修改数据库后运行本命令。"
    )

    def handle(self, *args, **options) -> None:
        if not refcache.publish_change():
            raise CommandError("无法写入Redis：各进程最迟5分钟后重新读取。")
        self.stdout.write(self.style.SUCCESS("已通知所有进程重新读取参考数据。"))
