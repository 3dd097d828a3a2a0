"""Personal data is sealed with SM4-GCM, found by an HMAC-SM3 blind index, and keys rotate."""

from __future__ import annotations

import base64
import io
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from centre.checks import check_party_key
from centre.crypto import (
    CryptoError,
    KeyFileError,
    KeyNotFound,
    Keyring,
    generate_key,
    get_keyring,
    load_key_file,
    reset_keyring,
)

ID_NUMBER = "330523199001011232"


def _key_file(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_text(generate_key() + "\n", encoding="ascii")
    return path


@pytest.fixture
def key_a(tmp_path) -> Path:
    return _key_file(tmp_path, "a.key")


@pytest.fixture
def key_b(tmp_path) -> Path:
    return _key_file(tmp_path, "b.key")


@pytest.fixture
def ring(key_a) -> Keyring:
    return Keyring.from_files(key_a)


@pytest.fixture(autouse=True)
def _fresh_keyring():
    reset_keyring()
    yield
    reset_keyring()


# --- Sealing and opening -------------------------------------------------------------------


@pytest.mark.parametrize(
    "plaintext", [ID_NUMBER, "13812345678", "张三，安吉县递铺街道3号", "X", ""]
)
def test_round_trip(ring, plaintext):
    assert ring.decrypt(ring.encrypt(plaintext)) == plaintext


def test_a_token_from_the_database_as_memoryview_opens(ring):
    assert ring.decrypt(memoryview(ring.encrypt(ID_NUMBER))) == ID_NUMBER


def test_token_layout_names_version_and_key(ring):
    token = ring.encrypt(ID_NUMBER)
    assert token[0] == 0x01
    assert token[1:5] == ring.current_key_id
    assert len(token) == 1 + 4 + 12 + len(ID_NUMBER) + 16
    assert ring.key_id_of(token) == ring.current_key_id


@pytest.mark.parametrize("plaintext", [ID_NUMBER, "张三"])
def test_each_encryption_differs_and_hides_the_plaintext(ring, plaintext):
    first, second = ring.encrypt(plaintext), ring.encrypt(plaintext)
    assert first != second  # a fresh nonce each time: equal values do not show as equal
    for token in (first, second):
        assert plaintext.encode("utf-8") not in token
        assert plaintext.encode("utf-8").hex().encode() not in token


def test_only_text_is_encrypted(ring):
    with pytest.raises(TypeError):
        ring.encrypt(b"330523")  # type: ignore[arg-type]


# --- Tampering -----------------------------------------------------------------------------


@pytest.mark.parametrize("position", [0, 6, 17, -1], ids=["version", "nonce", "ciphertext", "tag"])
def test_a_tampered_token_is_rejected(ring, position):
    token = bytearray(ring.encrypt(ID_NUMBER))
    token[position] ^= 0x01
    with pytest.raises(CryptoError):
        ring.decrypt(bytes(token))


def test_a_truncated_token_is_rejected(ring):
    token = ring.encrypt(ID_NUMBER)
    with pytest.raises(CryptoError, match="too short"):
        ring.decrypt(token[:20])


def test_the_key_id_is_authenticated(key_a, key_b):
    # Both keys are in the ring: relabelling a token to the other key must fail the tag,
    # not silently open with the wrong key.
    old_token = Keyring.from_files(key_a).encrypt(ID_NUMBER)
    ring = Keyring.from_files(key_b, [key_a])
    relabelled = old_token[:1] + ring.current_key_id + old_token[5:]
    with pytest.raises(CryptoError) as caught:
        ring.decrypt(relabelled)
    assert not isinstance(caught.value, KeyNotFound)


def test_an_unknown_key_is_named(key_a, key_b):
    token = Keyring.from_files(key_a).encrypt(ID_NUMBER)
    stranger = Keyring.from_files(key_b)
    with pytest.raises(KeyNotFound, match=token[1:5].hex()) as caught:
        stranger.decrypt(token)
    assert "PARTY_PREVIOUS_KEY_FILES" in str(caught.value)
    assert isinstance(caught.value, CryptoError)


# --- Rotation ------------------------------------------------------------------------------


def test_previous_keys_open_old_tokens_and_new_tokens_use_the_current_key(key_a, key_b):
    old_ring = Keyring.from_files(key_a)
    old_token = old_ring.encrypt(ID_NUMBER)

    ring = Keyring.from_files(key_b, [key_a])
    assert ring.decrypt(old_token) == ID_NUMBER
    assert ring.key_id_of(old_token) == old_ring.current_key_id

    new_token = ring.encrypt(ID_NUMBER)
    assert ring.key_id_of(new_token) == ring.current_key_id != old_ring.current_key_id
    with pytest.raises(KeyNotFound):
        old_ring.decrypt(new_token)


def test_listing_the_current_key_as_previous_too_is_harmless(key_a):
    ring = Keyring.from_files(key_a, [key_a])
    assert ring.decrypt(ring.encrypt(ID_NUMBER)) == ID_NUMBER


# --- Blind index ---------------------------------------------------------------------------


def test_blind_index_is_deterministic_per_key_and_purpose(ring, key_a):
    index = ring.blind_index(ID_NUMBER, purpose="id_number")
    assert len(index) == 64
    int(index, 16)  # hex
    assert index == ring.blind_index(ID_NUMBER, purpose="id_number")
    # Another process reading the same key file finds the same rows.
    assert index == Keyring.from_files(key_a).blind_index(ID_NUMBER, purpose="id_number")
    assert index != ring.blind_index(ID_NUMBER, purpose="phone")
    assert index != ring.blind_index("330523199001011240", purpose="id_number")
    assert ID_NUMBER not in index


def test_blind_index_differs_across_keys_and_uses_the_current_one(key_a, key_b):
    index_a = Keyring.from_files(key_a).blind_index(ID_NUMBER, purpose="id_number")
    index_b = Keyring.from_files(key_b).blind_index(ID_NUMBER, purpose="id_number")
    assert index_a != index_b
    rotated = Keyring.from_files(key_b, [key_a])
    assert rotated.blind_index(ID_NUMBER, purpose="id_number") == index_b


@pytest.mark.parametrize("purpose", ["", "ID", "id\x00number", "电话"])
def test_blind_index_purpose_must_be_a_field_name(ring, purpose):
    with pytest.raises(ValueError, match="purpose"):
        ring.blind_index(ID_NUMBER, purpose=purpose)


# --- Key files -----------------------------------------------------------------------------


def test_generated_key_is_32_random_bytes_in_urlsafe_base64():
    text = generate_key()
    assert len(base64.urlsafe_b64decode(text)) == 32
    assert generate_key() != text


def test_key_file_whitespace_is_ignored(tmp_path):
    text = generate_key()
    path = tmp_path / "wrapped.key"
    path.write_text(f"  {text[:20]}\n{text[20:]}\r\n\n", encoding="ascii")
    assert load_key_file(path) == base64.urlsafe_b64decode(text)


def test_key_file_without_padding_is_accepted(tmp_path):
    text = generate_key()
    path = tmp_path / "unpadded.key"
    path.write_text(text.rstrip("="), encoding="ascii")
    assert load_key_file(path) == base64.urlsafe_b64decode(text)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (base64.urlsafe_b64encode(b"k" * 16).decode(), "32"),
        (base64.urlsafe_b64encode(b"k" * 48).decode(), "32"),
        ("", "32"),
        ("this is not a key, it is a sentence!", "base64"),
        ("密钥" * 20, "base64"),
    ],
    ids=["too-short", "too-long", "empty", "not-base64", "chinese"],
)
def test_a_bad_key_file_is_rejected_clearly(tmp_path, content, message):
    path = tmp_path / "bad.key"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeyFileError, match=message) as caught:
        load_key_file(path)
    assert str(path) in str(caught.value)
    if content:
        assert content not in str(caught.value)  # a key file's content is never echoed


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(KeyFileError, match=r"absent\.key"):
        load_key_file(tmp_path / "absent.key")


# --- The process-wide keyring from settings ------------------------------------------------


def test_get_keyring_reads_settings_once(settings, key_a):
    settings.PARTY_KEY_FILE = str(key_a)
    settings.PARTY_PREVIOUS_KEY_FILES = []
    ring = get_keyring()
    assert ring is get_keyring()
    assert ring.current_key_id == Keyring.from_files(key_a).current_key_id


def test_changing_the_key_setting_resets_the_keyring(settings, key_a, key_b):
    settings.PARTY_KEY_FILE = str(key_a)
    first = get_keyring()
    settings.PARTY_KEY_FILE = str(key_b)
    assert get_keyring().current_key_id != first.current_key_id


def test_get_keyring_includes_previous_keys(settings, key_a, key_b):
    old_token = Keyring.from_files(key_a).encrypt(ID_NUMBER)
    settings.PARTY_KEY_FILE = str(key_b)
    settings.PARTY_PREVIOUS_KEY_FILES = [str(key_a)]
    assert get_keyring().decrypt(old_token) == ID_NUMBER


def test_the_suite_has_a_working_key():
    ring = get_keyring()
    assert ring.decrypt(ring.encrypt(ID_NUMBER)) == ID_NUMBER


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_key_file_is_improperly_configured(settings, value):
    settings.PARTY_KEY_FILE = value
    with pytest.raises(ImproperlyConfigured) as caught:
        get_keyring()
    message = str(caught.value)
    assert message.startswith("未配置")  # Chinese first, then English
    assert "PARTY_KEY_FILE" in message
    assert "generate_party_key" in message


def test_an_unreadable_key_file_is_improperly_configured(settings, tmp_path):
    settings.PARTY_KEY_FILE = str(tmp_path / "absent.key")
    with pytest.raises(ImproperlyConfigured, match=r"PARTY_KEY_FILE=.*absent\.key"):
        get_keyring()


def test_a_bad_previous_key_file_is_improperly_configured(settings, key_a, tmp_path):
    settings.PARTY_KEY_FILE = str(key_a)
    settings.PARTY_PREVIOUS_KEY_FILES = [str(tmp_path / "retired.key")]
    with pytest.raises(ImproperlyConfigured, match="PARTY_PREVIOUS_KEY_FILES"):
        get_keyring()


def test_deploy_check_reports_an_unloadable_key(settings, tmp_path, key_a):
    settings.PARTY_KEY_FILE = str(tmp_path / "absent.key")
    [error] = check_party_key()
    assert error.id == "centre.E001"
    assert "absent.key" in error.msg
    settings.PARTY_KEY_FILE = str(key_a)
    assert check_party_key() == []


# --- manage.py generate_party_key ----------------------------------------------------------


def test_generate_party_key_writes_a_private_loadable_file(tmp_path):
    path = tmp_path / "secrets" / "party.key"  # the folder is created too
    out = io.StringIO()
    call_command("generate_party_key", str(path), stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ring = Keyring.from_files(path)
    assert ring.current_key_id.hex() in out.getvalue()
    assert path.read_text(encoding="ascii").strip() not in out.getvalue()
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_generate_party_key_refuses_to_overwrite(tmp_path):
    path = tmp_path / "party.key"
    call_command("generate_party_key", str(path), stdout=io.StringIO())
    before = path.read_bytes()
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate_party_key", str(path), stdout=io.StringIO())
    assert path.read_bytes() == before


def test_generate_party_key_force_replaces_the_key(tmp_path):
    path = tmp_path / "party.key"
    path.write_text(generate_key(), encoding="ascii")
    path.chmod(0o644)
    before = path.read_bytes()
    call_command("generate_party_key", str(path), "--force", stdout=io.StringIO())
    assert path.read_bytes() != before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    load_key_file(path)
