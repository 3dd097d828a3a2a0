"""ExportJob comes from the centre app (centre 0018) with its table, centre_exportjob: only
the migration state changes, no row is copied. Its content type follows, so that the
permissions on it stay what they were."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(source, target):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.using(schema_editor.connection.alias)
        if not types.filter(app_label=target, model="exportjob").exists():
            types.filter(app_label=source, model="exportjob").update(app_label=target)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("centre", "0018_exportjob_to_risk"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("risk", "0005_petition_risk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("ledger", "矛盾纠纷排查化解台账")],
                                max_length=20,
                                verbose_name="类型",
                            ),
                        ),
                        (
                            "params",
                            models.JSONField(blank=True, default=dict, verbose_name="筛选条件"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "排队中"),
                                    ("running", "生成中"),
                                    ("done", "已完成"),
                                    ("failed", "生成失败"),
                                ],
                                db_index=True,
                                default="queued",
                                max_length=8,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "total",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="总数"),
                        ),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="已完成")),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to="exports/%Y/%m/", verbose_name="文件"
                            ),
                        ),
                        (
                            "error",
                            models.CharField(blank=True, max_length=300, verbose_name="错误"),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="申请时间"
                            ),
                        ),
                        (
                            "started_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
                        ),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
                        ),
                        (
                            "expires_at",
                            models.DateTimeField(
                                blank=True, db_index=True, null=True, verbose_name="文件保留至"
                            ),
                        ),
                        (
                            "county",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="centre.county",
                                verbose_name="县（市、区）",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="export_jobs",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="申请人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "导出任务",
                        "verbose_name_plural": "导出任务",
                        "db_table": "centre_exportjob",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["requested_by", "-created_at"],
                                name="centre_expo_request_a40dde_idx",
                            )
                        ],
                    },
                )
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            move_content_type("centre", "risk"), move_content_type("risk", "centre")
        ),
    ]
