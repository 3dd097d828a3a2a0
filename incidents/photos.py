"""Photos of an incident: JPEG or PNG by their content (not their name), at most
``INCIDENT_PHOTO_MAX_SIZE`` bytes, re-encoded by Pillow before storing — at most 1600 px on
the longer side, and without EXIF, GPS or any other metadata: a photo taken in the field
must not give away where a resident lives or who took it (个人信息保护法 第6条, 最小必要)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_PER_STEP = 9
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def max_size() -> int:
    return getattr(settings, "INCIDENT_PHOTO_MAX_SIZE", 10 * 1024 * 1024)


@dataclass
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


def clean(upload: UploadedFile) -> CleanPhoto:
    """The photo re-encoded, or a ValidationError saying what is wrong with it."""
    name = upload.name or ""
    if upload.size > max_size():
        raise ValidationError(
            _("照片「%(name)s」超过大小限制（%(max)s）")
            % {"name": name, "max": filesizeformat(max_size())},
            code="size",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for sig, k in SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None:
        raise ValidationError(
            _("照片「%(name)s」类型不支持：只接受JPG、PNG照片") % {"name": name}, code="type"
        )
    try:
        with Image.open(upload) as image:
            if image.format != kind:
                raise UnidentifiedImageError
            image.load()
            # Turned the way the camera held it, then the orientation tag goes with the rest.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.info = {}
            out = io.BytesIO()
            if kind == "JPEG":
                image.save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            _("照片「%(name)s」无法识别为图片") % {"name": name}, code="invalid"
        ) from exc
    content_type, extension = FORMATS[kind]
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"),
        content_type=content_type,
        width=image.width,
        height=image.height,
    )


def clean_all(uploads: list[UploadedFile], field: str = "photos") -> list[CleanPhoto]:
    """Every photo checked before anything is written; errors keyed by ``field``."""
    if len(uploads) > MAX_PER_STEP:
        raise ValidationError({field: [_("一次最多上传%(n)d张照片") % {"n": MAX_PER_STEP}]})
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return cleaned
