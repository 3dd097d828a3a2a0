"""Export jobs: the ledger (台账) download's requests, built by ``risk.ledger.tasks``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.models import County


class ExportJob(models.Model):
    """A large export built by a Celery task (the ledger first; any other kind later). The
    row is the request: the task claims it, reports progress on it and stores the file;
    the sweep re-sends queued jobs whose message was lost, restarts those whose worker died
    and deletes files once they expire. Only the requester downloads the file."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("矛盾纠纷排查化解台账")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("申请人"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    # Under exports/ with a random part in the name; served only through the download view.
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    # Each claim bumps the attempt; a worker writes only while its attempt is current, so a
    # worker presumed dead that wakes up again cannot overwrite the run that replaced it.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery message running the job: the same message delivered again (acks_late)
    # means the worker that held it died, and the job is restarted at once.
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Moved by every progress update: a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件保留至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        # The table was created by the centre app (centre 0008), where the model began;
        # the model moved here, the table and its rows stayed.
        db_table = "centre_exportjob"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
