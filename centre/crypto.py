"""Encryption of personal data: SM4-GCM for the value, HMAC-SM3 for a blind index.

ID numbers and phone numbers are personal information (GB/T 35273-2020 附录B lists ID
document numbers as sensitive), and 等保 三级 / 密评 want them stored encrypted with a
national (SM) algorithm. The stored token is self-describing, so a key can be rotated without a
flag day: every token names the key that sealed it, and previous keys stay in the keyring
until every row has been re-encrypted with the current one.

Token layout (bytes)::

    version (1) | key id (4) | nonce (12) | ciphertext | GCM tag (16)

The version byte and key id are authenticated as associated data: a token cannot be
relabelled to another key or format without the tag failing.

An exact-match lookup ("is this ID number already a party?") uses the blind index, a
keyed HMAC of the *normalized* value: equal values give equal indexes, but without the key
nobody can test guesses against the index column. The index is always computed with the
current key, so a key rotation must also recompute the stored indexes.

The key is never in settings or in the repository; settings hold only the key file's
path (``PARTY_KEY_FILE``), so a leaked settings file or database dump alone reveals nothing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

VERSION = b"\x01"
MASTER_SECRET_BYTES = 32
KEY_ID_BYTES = 4
NONCE_BYTES = 12
TAG_BYTES = 16
_HEADER_BYTES = len(VERSION) + KEY_ID_BYTES
_MIN_TOKEN_BYTES = _HEADER_BYTES + NONCE_BYTES + TAG_BYTES

# Distinct HKDF labels: the cipher key and the index key are independent, so knowing one
# (say, from a side channel on the index computation) says nothing about the other.
_SM4_INFO = b"centre/party/sm4-gcm/v1"
_INDEX_INFO = b"centre/party/blind-index/v1"
# A purpose is a field name; it is joined to the value with a NUL it cannot contain, so
# ("id_number", "x") and ("id", "_numberx") never hash the same input.
_PURPOSE_RE = re.compile(r"[a-z][a-z0-9_.]*")


class CryptoError(Exception):
    """A token cannot be decrypted, or key material is unusable."""


class KeyNotFound(CryptoError):
    """The token was sealed with a key that is not in the keyring."""


class KeyFileError(CryptoError):
    """A key file is unreadable or does not hold a valid key. Never quotes the content."""

    def __init__(self, path: Path, zh: str, en: str) -> None:
        self.path, self.zh, self.en = path, zh, en
        super().__init__(f"{path}: {zh} / {en}")


class _Key:
    """One master secret and the keys derived from it. Never printed."""

    __slots__ = ("hmac_key", "key_id", "sm4_key")

    def __init__(self, master: bytes) -> None:
        if len(master) != MASTER_SECRET_BYTES:
            raise ValueError(f"a master secret is {MASTER_SECRET_BYTES} bytes")
        self.key_id: bytes = master_key_id(master)
        self.sm4_key: bytes = derive_key(master, length=16, info=_SM4_INFO)
        self.hmac_key: bytes = derive_key(master, length=32, info=_INDEX_INFO)

    def __repr__(self) -> str:
        return f"<party key {self.key_id.hex()}>"


def derive_key(master: bytes, *, length: int, info: bytes) -> bytes:
    """A key for one purpose (``info``) from a master secret, by HKDF-SM3; keys derived
    with different labels are independent. The audit log's MAC key comes from here too."""
    # The master secret is already uniformly random, so HKDF needs no salt.
    return HKDF(algorithm=hashes.SM3(), length=length, salt=None, info=info).derive(master)


def master_key_id(master: bytes) -> bytes:
    """The public name of a master secret: the first bytes of its SM3 digest."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(master)
    return digest.finalize()[:KEY_ID_BYTES]


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 of ``data`` (GB/T 15852.2 with SM3, the MAC 密评 expects)."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


class Keyring:
    """The current key, which seals and indexes, plus previous keys that only open."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self._current = _Key(current)
        self._keys: dict[bytes, _Key] = {self._current.key_id: self._current}
        for master in previous:
            key = _Key(master)
            known = self._keys.get(key.key_id)
            if known is None:
                self._keys[key.key_id] = key
            elif known.sm4_key != key.sm4_key:
                # Two different secrets with one 32-bit id: astronomically unlikely, but a
                # token could then not say which key opens it. Refuse rather than guess.
                raise CryptoError(f"two different keys share the key id {key.key_id.hex()}")

    @classmethod
    def from_files(cls, current: Path, previous: Sequence[Path] = ()) -> Keyring:
        return cls(load_key_file(Path(current)), [load_key_file(Path(p)) for p in previous])

    @property
    def current_key_id(self) -> bytes:
        return self._current.key_id

    def encrypt(self, plaintext: str) -> bytes:
        if not isinstance(plaintext, str):
            raise TypeError("only text is encrypted")
        # A random 96-bit nonce per token; GCM stays safe for far more tokens under one key
        # than a county's parties will ever produce.
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = VERSION + self._current.key_id
        encryptor = Cipher(algorithms.SM4(self._current.sm4_key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header)
        ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
        return header + nonce + ciphertext + encryptor.tag

    def decrypt(self, token: bytes | memoryview) -> str:
        token = bytes(token)  # some database drivers hand back a memoryview
        key = self._key_for(token)
        header = token[:_HEADER_BYTES]
        nonce = token[_HEADER_BYTES : _HEADER_BYTES + NONCE_BYTES]
        ciphertext = token[_HEADER_BYTES + NONCE_BYTES : -TAG_BYTES]
        tag = token[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key.sm4_key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        try:
            plaintext = decryptor.update(ciphertext) + decryptor.finalize()
        except InvalidTag as exc:
            raise CryptoError("token failed authentication: altered or corrupted") from exc
        return plaintext.decode("utf-8")

    def blind_index(self, value: str, *, purpose: str) -> str:
        """Hex HMAC-SM3 of a normalized value; the same value in another field differs."""
        if not _PURPOSE_RE.fullmatch(purpose):
            raise ValueError(f"purpose must match {_PURPOSE_RE.pattern}: {purpose!r}")
        data = purpose.encode("ascii") + b"\x00" + value.encode("utf-8")
        return hmac_sm3(self._current.hmac_key, data).hex()

    def key_id_of(self, token: bytes | memoryview) -> bytes:
        """The id of the key that sealed a token (a re-key job finds stale rows with it)."""
        token = bytes(token)
        self._check_header(token)
        return token[len(VERSION) : _HEADER_BYTES]

    def _key_for(self, token: bytes) -> _Key:
        self._check_header(token)
        key_id = token[len(VERSION) : _HEADER_BYTES]
        try:
            return self._keys[key_id]
        except KeyError:
            raise KeyNotFound(
                f"token sealed with key {key_id.hex()}, which is not in the keyring "
                f"(current key {self.current_key_id.hex()}); add its key file to "
                "PARTY_PREVIOUS_KEY_FILES"
            ) from None

    @staticmethod
    def _check_header(token: bytes) -> None:
        if len(token) < _MIN_TOKEN_BYTES:
            raise CryptoError(f"token too short ({len(token)} bytes)")
        if token[:1] != VERSION:
            raise CryptoError(f"unknown token version {token[0]}")


def generate_key() -> str:
    """The text of a new key file: URL-safe base64 of 32 random bytes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(MASTER_SECRET_BYTES)).decode("ascii")


def write_key_file(path: Path, text: str) -> None:
    """Write a key file readable by the owner only, replacing it atomically.

    The file is created 0600 from the first byte (never briefly world-readable) in the
    target's directory, then renamed over the target: a crash leaves the old key or the
    new one, never half of a key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def load_key_file(path: Path) -> bytes:
    """The master secret in a key file. Errors name the file, never its content."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(
            path, f"无法读取（{exc.strerror}）", f"cannot be read ({exc.strerror})"
        ) from exc
    text = b"".join(raw.split())  # line breaks and spaces from editors or `echo` are harmless
    text += b"=" * (-len(text) % 4)
    try:
        master = base64.b64decode(text, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(path, "内容不是base64编码", "is not base64 text") from None
    if len(master) != MASTER_SECRET_BYTES:
        raise KeyFileError(
            path,
            f"密钥长度应为{MASTER_SECRET_BYTES}字节，实际为{len(master)}字节",
            f"holds {len(master)} bytes instead of {MASTER_SECRET_BYTES}",
        )
    return master


def keyring_from_settings() -> Keyring:
    """A keyring read from the files settings name, or ImproperlyConfigured saying why."""
    current = getattr(settings, "PARTY_KEY_FILE", None)
    if not current:
        raise ImproperlyConfigured(
            "未配置个人信息加密密钥文件PARTY_KEY_FILE。"
            "请运行 `python manage.py generate_party_key <路径>` 生成密钥文件，"
            "并把该路径写入环境变量PARTY_KEY_FILE。"
            " / PARTY_KEY_FILE (the personal-data key file) is not set. Create one with "
            "`python manage.py generate_party_key <path>` and set PARTY_KEY_FILE to its path."
        )
    try:
        master = load_key_file(Path(current))
    except KeyFileError as exc:
        raise ImproperlyConfigured(
            f"个人信息加密密钥文件PARTY_KEY_FILE={exc.path}无法载入：{exc.zh}。"
            "请运行 `python manage.py generate_party_key <路径>` 生成密钥文件，"
            "并把该路径写入环境变量PARTY_KEY_FILE。"
            f" / The personal-data key file PARTY_KEY_FILE={exc.path} {exc.en}. Create one "
            "with `python manage.py generate_party_key <path>` and set PARTY_KEY_FILE to it."
        ) from exc
    previous = []
    for name in getattr(settings, "PARTY_PREVIOUS_KEY_FILES", None) or []:
        try:
            previous.append(load_key_file(Path(name)))
        except KeyFileError as exc:
            raise ImproperlyConfigured(
                f"PARTY_PREVIOUS_KEY_FILES中的旧密钥文件{exc.path}无法载入：{exc.zh}。"
                "请恢复该文件，或在确认所有数据已用新密钥重新加密后把它从列表中删除。"
                f" / The retired key file {exc.path} in PARTY_PREVIOUS_KEY_FILES {exc.en}. "
                "Restore it, or remove it from the list once every row is re-encrypted."
            ) from exc
    return Keyring(master, previous)


@functools.cache
def get_keyring() -> Keyring:
    """The process-wide keyring, read once."""
    return keyring_from_settings()


def reset_keyring() -> None:
    """Forget the cached keyring (tests; a new key file takes effect on the next call)."""
    get_keyring.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"PARTY_KEY_FILE", "PARTY_PREVIOUS_KEY_FILES"}:
        reset_keyring()
