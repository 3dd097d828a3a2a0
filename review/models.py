"""行政复议 (administrative review): the review window's own process, one per case.

SCAFFOLD: the model's name, its window and its permissions (one per step, named as the
issue names the steps) are fixed here; its states, fields and transitions are to be built.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from intake.processes import Extension, WindowProcess


class AdministrativeReview(Extension, WindowProcess):
    WINDOW = "review"

    class State(models.TextChoices):
        APPLIED = "applied", _("待审查")

    state = FSMField(
        _("行政复议办理状态"),
        max_length=12,
        choices=State.choices,
        default=State.APPLIED,
        protected=True,
    )

    class Meta:
        verbose_name = _("行政复议案件")
        verbose_name_plural = _("行政复议案件")
        permissions = [
            ("use_review_desk", _("使用行政复议工作台")),
            ("review_accept", _("受理行政复议申请")),
            ("review_refuse", _("不予受理行政复议申请")),
            ("review_answer", _("登记被申请人书面答复")),
            ("review_extend", _("延长行政复议期限")),
            ("review_mediate", _("行政复议调解结案")),
            ("review_decide", _("作出行政复议决定")),
            ("review_withdraw", _("申请人撤回行政复议申请")),
        ]
