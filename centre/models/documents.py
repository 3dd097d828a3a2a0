"""Administrators' versions of the document templates (``centre.documents``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentTemplate(models.Model):
    """An administrator's version of a document template (e.g. the mediation agreement),
    used instead of the file of the same name while active. Django template language;
    the file in ``templates/`` is the reference to start from."""

    name = models.CharField(
        _("模板"),
        max_length=100,
        unique=True,
        help_text=_("模板文件名，如mediation/agreement.html"),
    )
    body = models.TextField(_("模板内容"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
