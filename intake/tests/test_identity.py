"""Identity numbers, credit codes and phones: what a clerk types is checked, normalized, masked.

Valid numbers are built here with stdnum's check-digit functions, never copied from real
people.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_2

from intake.identity import (
    ID_TYPES,
    IdType,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    phone_last4,
)


def citizen_number(body: str) -> str:
    """17 digits plus the GB 11643 check digit (stdnum wants a placeholder check digit)."""
    return body + ric.calc_check_digit(body + "0")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def foreign_pr_number(body: str) -> str:
    return body + mod_11_2.calc_check_digit(body)


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def refused(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value


ANJI_1990 = citizen_number("33052319900101123")
# An X check digit (found by trying sequence numbers; see citizen_number).
BEIJING_X = citizen_number("11010119800101007")


def test_the_four_id_types_have_chinese_labels():
    assert [value for value, _ in ID_TYPES] == [
        "resident_id",
        "hkmt_permit",
        "foreign_pr",
        "passport",
    ]
    assert IdType.RESIDENT_ID.label == "居民身份证"
    assert IdType.HKMT_PERMIT.label == "港澳台居民居住证"
    assert IdType.FOREIGN_PR.label == "外国人永久居留身份证"
    assert IdType.PASSPORT.label == "护照"


# --- 居民身份证 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(ANJI_1990, ANJI_1990, id="anji-1990"),
        # 330523 dates from 1983; stdnum.cn.ric.validate refuses these, the law does not.
        pytest.param(
            citizen_number("33052319600101123"),
            citizen_number("33052319600101123"),
            id="anji-born-before-the-county-code",
        ),
        pytest.param(BEIJING_X, BEIJING_X, id="x-check-digit"),
        pytest.param(BEIJING_X.lower(), BEIJING_X, id="lower-case-x"),
        pytest.param(
            f" {ANJI_1990[:6]} {ANJI_1990[6:14]} {ANJI_1990[14:]} ", ANJI_1990, id="spaces"
        ),
        pytest.param(
            ANJI_1990.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            ANJI_1990,
            id="full-width-digits",
        ),
    ],
)
def test_valid_resident_ids_are_normalized(raw, expected):
    assert normalize_id_number(IdType.RESIDENT_ID, raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        pytest.param(wrong_check_digit(ANJI_1990), "checksum", "校验位错误", id="checksum"),
        pytest.param(
            citizen_number("33052319900230123"), "birth_date", "出生日期无效", id="feb-30"
        ),
        pytest.param(
            citizen_number("33052318991231123"), "birth_date", "出生日期无效", id="before-1900"
        ),
        pytest.param(ANJI_1990[:-1], "length", "位数错误，应为18位", id="17-digits"),
        pytest.param(ANJI_1990 + "1", "length", "位数错误，应为18位", id="19-digits"),
        pytest.param("330523900101123", "length", "位数错误，应为18位", id="old-15-digit"),
        pytest.param("", "length", "位数错误，应为18位", id="empty"),
        pytest.param(ANJI_1990[:8] + "O" + ANJI_1990[9:], "format", "格式错误", id="letter-o"),
        pytest.param(ANJI_1990[:-1] + "A", "format", "格式错误", id="letter-last"),
        pytest.param(ANJI_1990[:6] + "-" + ANJI_1990[7:], "format", "格式错误", id="hyphen"),
        pytest.param(
            citizen_number("00052319900101123"),
            "region",
            "地址码无效：前两位不是有效的省级行政区划代码",
            id="no-such-province",
        ),
        pytest.param(
            citizen_number("81000019900101123"),
            "prefix",
            "以810000、820000或830000开头的是港澳台居民居住证号码，请选择对应的证件类型",
            id="hkmt-number-as-resident-id",
        ),
    ],
)
def test_invalid_resident_ids_say_what_is_wrong(raw, code, message):
    error = refused(normalize_id_number, IdType.RESIDENT_ID, raw)
    assert error.code == code
    assert error.messages == [message]


def test_a_birth_date_after_today_is_refused(time_machine):
    time_machine.move_to("2025-06-01 09:00 +08:00")
    today = citizen_number("33052320250601123")
    assert normalize_id_number(IdType.RESIDENT_ID, today) == today
    error = refused(normalize_id_number, IdType.RESIDENT_ID, citizen_number("33052320250602123"))
    assert error.code == "birth_date_future"
    assert error.messages == ["出生日期晚于今天"]


def test_the_future_is_reckoned_in_china_time(time_machine):
    # 2025-06-01 20:00 UTC is already 2 June in 安吉.
    time_machine.move_to("2025-06-01 20:00 +00:00")
    born_today = citizen_number("33052320250602123")
    assert normalize_id_number(IdType.RESIDENT_ID, born_today) == born_today


# --- 港澳台居民居住证 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("81000019800101123", id="hong-kong-born-before-1997"),
        pytest.param("82000020000101123", id="macao"),
        pytest.param("83000019900101123", id="taiwan"),
    ],
)
def test_valid_hkmt_permits(body):
    number = citizen_number(body)
    assert normalize_id_number(IdType.HKMT_PERMIT, number) == number


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        pytest.param(
            ANJI_1990,
            "prefix",
            "港澳台居民居住证号码应以810000、820000或830000开头",
            id="resident-id",
        ),
        pytest.param(
            wrong_check_digit(citizen_number("81000019800101123")),
            "checksum",
            "校验位错误",
            id="checksum",
        ),
        pytest.param(
            citizen_number("83000019900230123"), "birth_date", "出生日期无效", id="birth-date"
        ),
        pytest.param("8100001980010112", "length", "位数错误，应为18位", id="length"),
    ],
)
def test_invalid_hkmt_permits(raw, code, message):
    error = refused(normalize_id_number, IdType.HKMT_PERMIT, raw)
    assert error.code == code
    assert error.messages == [message]


# --- 外国人永久居留身份证 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            foreign_pr_number("93384019850101002"),
            foreign_pr_number("93384019850101002"),
            id="2023-18-digits",
        ),
        pytest.param(
            foreign_pr_number("93384019850101001"),
            foreign_pr_number("93384019850101001"),
            id="2023-check-digit",
        ),
        pytest.param("usa330850101012", "USA330850101012", id="old-15-characters"),
    ],
)
def test_valid_foreign_permanent_residence_cards(raw, expected):
    assert normalize_id_number(IdType.FOREIGN_PR, raw) == expected


def test_a_foreign_pr_check_digit_can_be_x():
    body = next(
        f"9338401985010{seq:04d}"
        for seq in range(1000)
        if mod_11_2.calc_check_digit(f"9338401985010{seq:04d}") == "X"
    )
    number = foreign_pr_number(body)
    assert normalize_id_number(IdType.FOREIGN_PR, number.lower()) == number


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        pytest.param(
            wrong_check_digit(foreign_pr_number("93384019850101002")),
            "checksum",
            "校验位错误",
            id="checksum",
        ),
        pytest.param(
            ANJI_1990,
            "prefix",
            "18位的外国人永久居留身份证号码应以9开头",
            id="citizen-number",
        ),
        pytest.param("9338401985010A0021", "format", "格式错误", id="letter-in-18"),
        pytest.param("123330850101012", "format", "格式错误", id="digits-in-old-15"),
        pytest.param(
            "9338401985010100",
            "length",
            "位数错误，应为18位（2023年版）或15位（旧版）",
            id="length",
        ),
    ],
)
def test_invalid_foreign_permanent_residence_cards(raw, code, message):
    error = refused(normalize_id_number, IdType.FOREIGN_PR, raw)
    assert error.code == code
    assert error.messages == [message]


# --- 护照 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("E12345678", "E12345678"), ("g 1234 5678", "G12345678"), ("AB123", "AB123")],
)
def test_valid_passports(raw, expected):
    assert normalize_id_number(IdType.PASSPORT, raw) == expected


@pytest.mark.parametrize("raw", ["E123", "E1234-5678", "A" * 18, "护照E1234567", ""])
def test_invalid_passports(raw):
    error = refused(normalize_id_number, IdType.PASSPORT, raw)
    assert error.code == "format"
    assert error.messages == ["格式错误"]


def test_an_unknown_id_type_is_refused():
    error = refused(normalize_id_number, "driving_licence", ANJI_1990)
    assert error.code == "id_type"
    assert error.messages == ["证件类型无效"]


# --- 统一社会信用代码 -------------------------------------------------------------------------

GOOD_CREDIT_CODE = credit_code("91330523MA2B3C4D5")


@pytest.mark.parametrize(
    "raw",
    [GOOD_CREDIT_CODE, GOOD_CREDIT_CODE.lower(), f"{GOOD_CREDIT_CODE[:9]} {GOOD_CREDIT_CODE[9:]}"],
)
def test_valid_credit_codes(raw):
    assert normalize_credit_code(raw) == GOOD_CREDIT_CODE


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        pytest.param(
            GOOD_CREDIT_CODE[:-1] + ("0" if GOOD_CREDIT_CODE[-1] != "0" else "1"),
            "checksum",
            "校验位错误",
            id="checksum",
        ),
        pytest.param(GOOD_CREDIT_CODE[:-1], "length", "位数错误，应为18位", id="17"),
        pytest.param(GOOD_CREDIT_CODE + "1", "length", "位数错误，应为18位", id="19"),
        # I, O, S, V and Z are not used, so that they are not read as 1, 0, 5, U and 2.
        pytest.param(
            GOOD_CREDIT_CODE[:16] + "I" + GOOD_CREDIT_CODE[17], "format", "格式错误", id="letter-i"
        ),
        pytest.param("9133052" + "A" + GOOD_CREDIT_CODE[8:], "format", "格式错误", id="region"),
    ],
)
def test_invalid_credit_codes(raw, code, message):
    error = refused(normalize_credit_code, raw)
    assert error.code == code
    assert error.messages == [message]


# --- 电话 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("13812345678", "13812345678", id="mobile"),
        pytest.param("138 1234 5678", "13812345678", id="mobile-spaced"),
        pytest.param("+86 138-1234-5678", "13812345678", id="mobile-plus86"),
        pytest.param("＋８６　１３８１２３４５６７８", "13812345678", id="mobile-full-width"),
        pytest.param("19912345678", "19912345678", id="mobile-199"),
        pytest.param("0572-5123456", "05725123456", id="huzhou-landline"),
        pytest.param("(0572)5123456", "05725123456", id="huzhou-brackets"),
        pytest.param("+86 572 5123456", "05725123456", id="huzhou-plus86"),
        pytest.param("057188001234", "057188001234", id="hangzhou-8-digit-local"),
        pytest.param("010-12345678", "01012345678", id="beijing"),
    ],
)
def test_valid_phones_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("5123456", "area_code", id="landline-without-area-code"),
        pytest.param("8800 1234", "area_code", id="8-digit-without-area-code"),
        # Huzhou's local numbers have 7 digits; 8 after 0572 is a typo.
        pytest.param("057212345678", "invalid", id="huzhou-8-digit-local"),
        pytest.param("+1 650 253 0000", "invalid", id="us-number"),
        pytest.param("+852 2123 4567", "invalid", id="hong-kong-number"),
        pytest.param("abc", "invalid", id="garbage"),
        # phonenumbers alone would read the letters as keypad digits 222.
        pytest.param("13812345abc", "invalid", id="letters-in-a-mobile"),
        pytest.param("1381234567", "invalid", id="mobile-10-digits"),
        pytest.param("11111111111", "invalid", id="no-such-mobile-prefix"),
        pytest.param("400-800-8888", "invalid", id="service-number"),
        pytest.param("0572-5123456 ext. 12", "invalid", id="extension"),
        pytest.param("", "invalid", id="empty"),
    ],
)
def test_invalid_phones_are_refused(raw, code):
    error = refused(normalize_phone, raw)
    assert error.code == code
    if code == "invalid":
        assert error.messages == ["不是有效的中国大陆手机号或带区号的固定电话"]
    else:
        assert "区号" in error.messages[0]


@pytest.mark.parametrize(("value", "last4"), [("13812345678", "5678"), ("05725123456", "3456")])
def test_phone_last4(value, last4):
    assert phone_last4(value) == last4


# --- Masks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        pytest.param("330523199001011234", "330523********1234", id="resident-id"),
        pytest.param("33052319800101007X", "330523********007X", id="x-check-digit"),
        pytest.param("E12345678", "E1*****78", id="passport"),
        pytest.param("AB123", "AB*23", id="shortest-passport"),
        pytest.param("USA330850101012", "US***********12", id="old-foreign-pr"),
        pytest.param("1234", "****", id="too-short-to-show-anything"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        pytest.param("13812345678", "138****5678", id="mobile"),
        pytest.param("05725123456", "0572***3456", id="huzhou"),
        pytest.param("057188001234", "0571****1234", id="hangzhou"),
        pytest.param("01012345678", "010****5678", id="beijing"),
        pytest.param("02112345678", "021****5678", id="shanghai"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_masks_keep_the_length_and_hide_the_middle():
    number = "330523199001011234"
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert "19900101" not in masked  # the birth date is what a mask must hide
