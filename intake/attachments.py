"""What a party may hand in as an attachment: scans (PDF) and photos (JPEG, PNG), at most
10 MB each. The type is read from the file's first bytes, not trusted from its name."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_CASE = 30
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
EXTENSIONS = {ext for _type, ext in SIGNATURES.values()} | {"jpeg"}


def check(upload: UploadedFile) -> str:
    """The file's content type, or a ValidationError naming what is wrong."""
    name = upload.name or ""
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("附件「%(name)s」超过大小限制（%(max)s）")
            % {"name": name, "max": filesizeformat(MAX_SIZE)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("附件「%(name)s」是空文件") % {"name": name}, code="empty")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, (content_type, _ext) in SIGNATURES.items():
        if head.startswith(signature) and extension in EXTENSIONS:
            return content_type
    raise ValidationError(
        _("附件「%(name)s」类型不支持：只接受PDF扫描件和JPG、PNG照片") % {"name": name},
        code="type",
    )


def stored_name(original: str, content_type: str) -> str:
    """A random file name: the original (which may hold a party's name) stays in the row."""
    extension = next(ext for t, ext in SIGNATURES.values() if t == content_type)
    return f"{uuid.uuid4().hex}.{extension}"
