"""Identity document numbers, credit codes and phone numbers: checked, normalized, masked.

Checksums come from python-stdnum and phone rules from phonenumbers, never hand-written.
A normalized value is what gets encrypted and blind-indexed (centre.crypto), so the same
number typed with spaces, full-width digits or a lower-case x finds the same party.

Where stdnum is stricter than the documents it checks, the strictness is dropped on
purpose (checked by experiment with python-stdnum 2.2):

* ``stdnum.cn.ric.validate`` also requires the 6-digit address code to have existed in
  the holder's *birth* year. But the code is the one in force when the number was
  *assigned*: everyone born in 安吉县 before 1983 holds a 330523… number although 330523
  dates from 1983, and stdnum refuses them all (InvalidComponent). It likewise refuses every
  Hong Kong permit of a holder born before 1997, every Macao one before 1999, and every
  Taiwan one (830000 is not in its table). So the number's structure, check digit and
  birth date are checked with stdnum's own functions, and of the address code only the
  province (its first two digits), which no later redistricting changes.
* stdnum raises InvalidComponent both for an impossible birth date and for an unknown
  address code; the two are told apart here, so the clerk reads which part is wrong.

Masks keep a fixed, small part of a number for lists, exports, logs and API lists (GB/T
35273-2020 asks that personal information shown on screens be de-identified); the full
number is shown only where a role needs it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.iso7064 import mod_11_2
from stdnum.util import isdigits

from centre.periods import date_text


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HKMT_PERMIT = "hkmt_permit", _("港澳台居民居住证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")


ID_TYPES = IdType.choices

# GB 11643 numbers (居民身份证, 港澳台居民居住证) carry the holder's birth date (digits 7-14)
# and sex (the 17th digit, odd for men); other documents do not.
GB11643_TYPES = (IdType.RESIDENT_ID, IdType.HKMT_PERMIT)


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Ethnicity(models.TextChoices):
    """The 56 ethnic groups of China, with their GB/T 3304 codes, for 民族 on a legal
    document (民事诉讼法 第124条第1项; the agreement's and the ruling's parties)."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SHUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EVENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")


def gb11643_facts(id_type: str, number: str) -> tuple[str, date] | None:
    """The sex and birth date a GB 11643 number states, or None when the document is of
    another kind (a passport, a permanent residence card) or the number is not one."""
    if id_type not in GB11643_TYPES or len(number or "") != 18 or not isdigits(number[:17]):
        return None
    try:
        born = ric.get_birth_date(number)
    except InvalidComponent:
        return None
    return (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE), born


# 《港澳台居民居住证申领发放办法》(国办发〔2018〕81号) 第三条第二款: the number follows the
# citizen number standard, with address code 810000 (Hong Kong), 820000 (Macao) or 830000
# (Taiwan).
HKMT_PREFIXES = ("810000", "820000", "830000")
# Oldest plausible birth date of a living party; earlier dates are typing errors.
_EARLIEST_BIRTH = date(1900, 1, 1)
_PASSPORT_RE = re.compile(r"[A-Z0-9]{5,17}")
# The 15-character permanent residence card (2017 and earlier): nationality as 3 letters,
# then 12 digits.
_FOREIGN_PR_OLD_RE = re.compile(r"[A-Z]{3}[0-9]{12}")
# phonenumbers reads letters as keypad digits ("1-800-FLOWERS"): a typo like "13812345abc"
# would pass as 13812345222. Only digits and the usual separators are accepted.
_PHONE_CHARS_RE = re.compile(r"[0-9+\-() ]+")
_BARE_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")

MSG_LENGTH_18 = _("位数错误，应为18位")
MSG_FORMAT = _("格式错误")
MSG_CHECKSUM = _("校验位错误")
MSG_BIRTH_DATE = _("出生日期无效")
MSG_BIRTH_DATE_FUTURE = _("出生日期晚于今天")
MSG_REGION = _("地址码无效：前两位不是有效的省级行政区划代码")
MSG_HKMT_IN_RESIDENT_ID = _(
    "以810000、820000或830000开头的是港澳台居民居住证号码，请选择对应的证件类型"
)
MSG_HKMT_PREFIX = _("港澳台居民居住证号码应以810000、820000或830000开头")
MSG_FOREIGN_PR_LENGTH = _("位数错误，应为18位（2023年版）或15位（旧版）")
MSG_FOREIGN_PR_PREFIX = _("18位的外国人永久居留身份证号码应以9开头")
MSG_ID_TYPE = _("证件类型无效")
MSG_PHONE = _("不是有效的中国大陆手机号或带区号的固定电话")
MSG_SEX_MISMATCH = _("与证件号码不符：号码第17位表明性别为%(sex)s")
MSG_BIRTH_MISMATCH = _("与证件号码不符：号码表明出生日期为%(date)s")
MSG_PHONE_AREA_CODE = _("固定电话缺少区号，请按“区号-号码”填写，例如0572-5123456")


def _compact(raw: str) -> str:
    # NFKC turns full-width digits and letters (Chinese input methods) into ASCII.
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


# --- Identity documents --------------------------------------------------------------------


def normalize_id_number(id_type: str, raw: str) -> str:
    """The number without spaces, upper-case; ValidationError (Chinese) if it is wrong."""
    number = _compact(raw)
    if id_type == IdType.RESIDENT_ID:
        _check_resident_id(number)
    elif id_type == IdType.HKMT_PERMIT:
        _check_hkmt_permit(number)
    elif id_type == IdType.FOREIGN_PR:
        _check_foreign_pr(number)
    elif id_type == IdType.PASSPORT:
        if not _PASSPORT_RE.fullmatch(number):
            raise ValidationError(MSG_FORMAT, code="format")
    else:
        raise ValidationError(MSG_ID_TYPE, code="id_type")
    return number


def _check_resident_id(number: str) -> None:
    _check_gb11643_structure(number)
    if number.startswith(HKMT_PREFIXES):
        # The same person entered under two types would become two parties.
        raise ValidationError(MSG_HKMT_IN_RESIDENT_ID, code="prefix")
    _check_gb11643_checksum_and_birth(number)
    if not _province_of(number[:6]):
        raise ValidationError(MSG_REGION, code="region")


@functools.lru_cache(maxsize=8192)
def _province_of(prefix: str) -> str | None:
    """The province of a six-digit administrative division code (GB/T 2260, stdnum's
    table; ~0.1 ms a look-up). Keeps division codes only, never whole ID numbers."""
    return dict(numdb.get("cn/loc").info(prefix)[0][1]).get("province")


def _check_hkmt_permit(number: str) -> None:
    _check_gb11643_structure(number)
    if not number.startswith(HKMT_PREFIXES):
        raise ValidationError(MSG_HKMT_PREFIX, code="prefix")
    _check_gb11643_checksum_and_birth(number)


def _check_gb11643_structure(number: str) -> None:
    """Length and characters of a GB 11643 number: 17 digits and a digit or X."""
    if len(number) != 18:
        raise ValidationError(MSG_LENGTH_18, code="length")
    # stdnum checks only the first 17; a letter in the last place would otherwise be
    # reported as a wrong check digit.
    if not isdigits(number[:-1]) or number[-1] not in "0123456789X":
        raise ValidationError(MSG_FORMAT, code="format")


def _check_gb11643_checksum_and_birth(number: str) -> None:
    # The order of stdnum.cn.ric.validate: check digit first, so a mistyped digit in the
    # date is reported as the typo it most likely is.
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(MSG_CHECKSUM, code="checksum")
    try:
        born = ric.get_birth_date(number)
    except InvalidComponent:
        raise ValidationError(MSG_BIRTH_DATE, code="birth_date") from None
    if born < _EARLIEST_BIRTH:
        raise ValidationError(MSG_BIRTH_DATE, code="birth_date")
    if born > timezone.localdate():
        raise ValidationError(MSG_BIRTH_DATE_FUTURE, code="birth_date_future")


def _check_foreign_pr(number: str) -> None:
    """外国人永久居留身份证: 18 digits from 2023-12-01, 15 characters before, both valid.

    The National Immigration Administration's 《新版外国人永久居留身份证机读信息规则》
    (2023) says the new number starts with 9 and ends with a MOD 11-2 check digit computed
    as for the citizen number, and that the 15-character numbers (3 letters + 12 digits)
    of the 2017 and earlier cards stay in use. No check algorithm is published for the old
    numbers, so only their pattern is checked: a real card must never be refused.
    """
    if len(number) == 18:
        if not isdigits(number[:-1]) or number[-1] not in "0123456789X":
            raise ValidationError(MSG_FORMAT, code="format")
        if not number.startswith("9"):
            raise ValidationError(MSG_FOREIGN_PR_PREFIX, code="prefix")
        try:
            mod_11_2.validate(number)
        except InvalidChecksum:
            raise ValidationError(MSG_CHECKSUM, code="checksum") from None
    elif len(number) == 15:
        if not _FOREIGN_PR_OLD_RE.fullmatch(number):
            raise ValidationError(MSG_FORMAT, code="format")
    else:
        raise ValidationError(MSG_FOREIGN_PR_LENGTH, code="length")


def check_particulars(id_type: str, number: str, sex: str, birth_date: date | None) -> dict:
    """Sex and birth date told at the desk against those a GB 11643 number states:
    {field: message} for each that disagrees (the number wins: it was checked). A birth
    date with no such number is checked like the number's own."""
    errors: dict[str, Any] = {}
    facts = gb11643_facts(id_type, number)
    if facts is not None:
        stated_sex, born = facts
        if sex and sex != stated_sex:
            errors["sex"] = MSG_SEX_MISMATCH % {"sex": Sex(stated_sex).label}
        if birth_date and birth_date != born:
            errors["birth_date"] = MSG_BIRTH_MISMATCH % {"date": date_text(born)}
    elif birth_date and birth_date < _EARLIEST_BIRTH:
        errors["birth_date"] = MSG_BIRTH_DATE
    elif birth_date and birth_date > timezone.localdate():
        errors["birth_date"] = MSG_BIRTH_DATE_FUTURE
    return errors


# A natural person's particulars told at the desk (``Party`` fields of the same names).
PERSON_PARTICULARS = ("sex", "birth_date", "ethnicity", "occupation")


def kept_particulars(data: dict[str, Any]) -> dict[str, Any]:
    """The particulars to keep of a checked party: none for an organisation, and no sex
    or birth date where the GB 11643 number states them (one source, not two copies)."""
    empty = {"sex": "", "birth_date": None, "ethnicity": "", "occupation": ""}
    if data.get("kind") != "person":
        return empty
    kept = {name: data.get(name) or empty[name] for name in PERSON_PARTICULARS}
    if gb11643_facts(data.get("id_type") or "", data.get("id_number") or ""):
        kept.update(sex="", birth_date=None)
    return kept


# --- Unified social credit code ------------------------------------------------------------


def normalize_credit_code(raw: str) -> str:
    """统一社会信用代码 (GB 32100), checked by stdnum.cn.uscc."""
    try:
        return uscc.validate(_compact(raw))
    # InvalidLength is a subclass of InvalidFormat, so it comes first.
    except InvalidLength:
        raise ValidationError(MSG_LENGTH_18, code="length") from None
    except InvalidFormat:
        raise ValidationError(MSG_FORMAT, code="format") from None
    except InvalidChecksum:
        raise ValidationError(MSG_CHECKSUM, code="checksum") from None


# --- Phones --------------------------------------------------------------------------------


def normalize_phone(raw: str) -> str:
    """A mainland mobile ("13812345678") or a landline with its area code ("05725123456")."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not _PHONE_CHARS_RE.fullmatch(text):
        raise ValidationError(MSG_PHONE, code="invalid")
    if _BARE_LOCAL_RE.fullmatch(re.sub(r"[\-() ]", "", text)):
        raise ValidationError(MSG_PHONE_AREA_CODE, code="area_code")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(MSG_PHONE, code="invalid") from None
    if number.extension or not phonenumbers.is_valid_number_for_region(number, "CN"):
        raise ValidationError(MSG_PHONE, code="invalid")
    national = phonenumbers.national_significant_number(number)
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.MOBILE:
        return national
    if kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        # The trunk prefix 0 is part of how every landline is written and dialled in China.
        return "0" + national
    # 400/800 service numbers, VoIP and the like do not reach a party in person.
    raise ValidationError(MSG_PHONE, code="invalid")


def phone_last4(value: str) -> str:
    """The last four digits, which clerks use to confirm a number with its holder."""
    return _digits(value)[-4:]


# --- Masks ---------------------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """``330523********1234`` for 18-character numbers, ``E1*****78`` for shorter ones."""
    number = "".join((value or "").split())
    if len(number) >= 18:
        return _mask(number, keep_head=6, keep_tail=4)
    return _mask(number, keep_head=2, keep_tail=2)


def mask_phone(value: str) -> str:
    """``138****5678`` for a mobile, ``0572***3456`` for a landline (area code kept)."""
    digits = _digits(value)
    if len(digits) == 11 and digits.startswith("1"):
        return _mask(digits, keep_head=3, keep_tail=4)
    if digits.startswith("0") and len(digits) > 1:
        # Area codes are 010 and 02X (3 digits with the 0) or 0 plus three digits.
        return _mask(digits, keep_head=3 if digits[1] in "12" else 4, keep_tail=4)
    return _mask(digits, keep_head=0, keep_tail=4)


def _mask(text: str, *, keep_head: int, keep_tail: int) -> str:
    hidden = len(text) - keep_head - keep_tail
    if hidden < 1:
        # Too short to keep anything and still hide something: hide all of it.
        return "*" * len(text)
    return text[:keep_head] + "*" * hidden + text[len(text) - keep_tail :]


def _digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isascii() and ch.isdigit())
