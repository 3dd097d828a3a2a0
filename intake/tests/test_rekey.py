"""Rotating the personal-data key: every token re-sealed, every blind index recomputed, once.

Resident ID numbers are built with stdnum's check digit, never copied from real people.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from centre.crypto import KeyNotFound, Keyring, generate_key, get_keyring, reset_keyring
from centre.models import AuditLog, Notification
from centre.tests.factories import CountyFactory
from intake.identity import IdType
from intake.models import CaseParty, Party
from intake.rekey import PartyRekeyError, party_keys_rotate
from intake.selectors import party_by_identity
from intake.services import PartyInput, party_resolve


def citizen_number(body: str) -> str:
    """17 digits plus the GB 11643 check digit (stdnum wants a placeholder check digit)."""
    return body + ric.calc_check_digit(body + "0")


PEOPLE = [
    ("张三", citizen_number("33052319900101123"), "13812345678"),
    ("李四", citizen_number("33052319851231456"), "13912345678"),
    ("王五", citizen_number("33052320000229789"), ""),
]


def _key_file(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_text(generate_key() + "\n", encoding="ascii")
    return path


@pytest.fixture(autouse=True)
def _fresh_keyring():
    reset_keyring()
    yield
    reset_keyring()


@pytest.fixture
def old(settings) -> Keyring:
    return Keyring.from_files(current=settings.PARTY_KEY_FILE)


@pytest.fixture
def new_path(tmp_path) -> Path:
    return _key_file(tmp_path, "new.key")


@pytest.fixture
def new(new_path) -> Keyring:
    return Keyring.from_files(current=new_path)


def _person(county, name: str, id_number: str = "", phone: str = "") -> Party:
    return party_resolve(
        county=county,
        data=PartyInput(
            role=CaseParty.Role.APPLICANT,
            kind=Party.Kind.PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID if id_number else "",
            id_number=id_number,
            phone=phone,
        ),
    )


@pytest.fixture
def parties(db) -> dict[str, tuple[Party, str, str]]:
    """Persons with an ID number and phone, with an ID number only, with a phone only,
    under the suite's key: party, ID number, phone, keyed by name."""
    county = CountyFactory()
    people = [*PEOPLE, ("赵六", "", "13712345678")]
    return {
        name: (_person(county, name, id_number, phone), id_number, phone)
        for name, id_number, phone in people
    }


def _tokens() -> dict[int, tuple]:
    return {
        p.pk: (p.id_number_enc and bytes(p.id_number_enc), p.phone_enc and bytes(p.phone_enc))
        for p in Party.objects.all()
    }


# --- The service ---------------------------------------------------------------------------


def test_rotation_reseals_every_value_and_index_under_the_new_key(parties, old, new):
    assert get_keyring().current_key_id == old.current_key_id  # created under the old key
    masked = {p.pk: (p.id_number_masked, p.phone_masked) for p in Party.objects.all()}

    assert party_keys_rotate(old=old, new=new) == len(parties)

    for party_before, id_number, phone in parties.values():
        party = Party.objects.get(pk=party_before.pk)
        for token, index, value, purpose in [
            (party.id_number_enc, party.id_number_index, id_number, "id_number"),
            (party.phone_enc, party.phone_index, phone, "phone"),
        ]:
            if not value:
                assert token is None and index is None
                continue
            assert new.key_id_of(token) == new.current_key_id
            assert new.decrypt(token) == value
            assert index == new.blind_index(value, purpose=purpose)
            with pytest.raises(KeyNotFound):
                old.decrypt(token)
        assert (party.id_number_masked, party.phone_masked) == masked[party.pk]


def test_a_second_run_rekeys_nothing_and_changes_nothing(parties, old, new):
    party_keys_rotate(old=old, new=new)
    tokens = _tokens()

    assert party_keys_rotate(old=old, new=new) == 0
    assert _tokens() == tokens


def test_a_rerun_rekeys_what_an_old_process_wrote_after_the_rotation(parties, old, new):
    party_keys_rotate(old=old, new=new)
    # A web process not yet restarted still seals with the old key.
    straggler = _person(CountyFactory(), "孙七", citizen_number("33052319700707070"))
    assert old.key_id_of(straggler.id_number_enc) == old.current_key_id

    assert party_keys_rotate(old=old, new=new, batch_size=2) == 1
    straggler.refresh_from_db()
    assert new.decrypt(straggler.id_number_enc) == citizen_number("33052319700707070")


def test_a_token_under_a_third_key_rolls_everything_back(parties, old, new, tmp_path):
    third = Keyring.from_files(current=_key_file(tmp_path, "third.key"))
    last = parties["赵六"][0]
    Party.objects.filter(pk=last.pk).update(phone_enc=third.encrypt("13712345678"))
    tokens = _tokens()

    # Batches of one: earlier batches were updated before the last one failed.
    with pytest.raises(PartyRekeyError) as caught:
        party_keys_rotate(old=old, new=new, batch_size=1)

    assert (caught.value.party_pk, caught.value.field) == (last.pk, "phone_enc")
    assert caught.value.key_id == third.current_key_id
    assert _tokens() == tokens


def test_once_the_app_uses_the_new_key_it_finds_the_same_parties(
    parties, old, new, new_path, settings
):
    party, id_number, phone = parties["张三"]
    party_keys_rotate(old=old, new=new)
    # A process still on the old key misses every re-keyed party: hence the stopped window.
    assert party_by_identity(id_number=id_number) == []

    settings.PARTY_KEY_FILE = str(new_path)

    assert get_keyring().current_key_id == new.current_key_id
    assert party_by_identity(id_number=id_number) == [party]
    assert party_by_identity(phone=phone) == [party]
    assert _person(party.county, "张三", id_number, phone).pk == party.pk
    assert Party.objects.count() == len(parties)


def _message(token: bytes | None) -> Notification:
    return Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient_name="张三",
        subject="调解通知",
        body="请于明日到中心调解。",
        destination_enc=token,
        destination_masked="138****5678",
    )


def test_messages_waiting_to_be_sent_are_resealed_too(parties, old, new):
    waiting = _message(old.encrypt("13812345678"))
    in_app = _message(None)

    party_keys_rotate(old=old, new=new)

    waiting.refresh_from_db()
    assert new.key_id_of(waiting.destination_enc) == new.current_key_id
    assert new.decrypt(waiting.destination_enc) == "13812345678"
    assert Notification.objects.get(pk=in_app.pk).destination_enc is None
    entry = AuditLog.objects.get(actor_username="rotate_party_key")
    assert entry.detail["notifications"] == 1
    party_keys_rotate(old=old, new=new)
    again = AuditLog.objects.filter(actor_username="rotate_party_key").latest("id")
    assert again.detail["notifications"] == 0


# --- The command ---------------------------------------------------------------------------


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_party_key", *args, stdout=out)
    return out.getvalue()


def test_the_command_rotates_tells_the_next_steps_in_chinese_and_is_audited(
    parties, new, new_path, settings
):
    out = _rotate("--new-key-file", str(new_path), "--batch-size", "2")

    new_id = new.current_key_id.hex()
    assert f"已用新密钥（编号{new_id}）重新加密{len(parties)}位当事人" in out
    assert f"把PARTY_KEY_FILE改为新密钥文件{new_path}" in out
    assert f"把旧密钥文件{settings.PARTY_KEY_FILE}离线备份" in out
    assert "重启网站服务和后台任务进程" in out
    entry = AuditLog.objects.get(actor_username="rotate_party_key")
    assert entry.action == AuditLog.Action.CHANGE
    assert entry.actor is None
    assert entry.detail == {
        "rekeyed": len(parties),
        "notifications": 0,
        "sms_opt_outs": 0,
        "new_key_id": new_id,
    }

    assert "重新加密0位当事人" in _rotate("--new-key-file", str(new_path))


def test_the_command_takes_an_explicit_old_key_file(parties, new, new_path, tmp_path, settings):
    old_copy = tmp_path / "old.key"
    old_copy.write_bytes(Path(settings.PARTY_KEY_FILE).read_bytes())
    settings.PARTY_KEY_FILE = str(_key_file(tmp_path, "unrelated.key"))

    out = _rotate("--new-key-file", str(new_path), "--old-key-file", str(old_copy))

    assert f"重新加密{len(parties)}位当事人" in out


def test_the_command_refuses_the_same_key(parties, settings, tmp_path):
    same = tmp_path / "same.key"
    same.write_bytes(Path(settings.PARTY_KEY_FILE).read_bytes())
    tokens = _tokens()

    with pytest.raises(CommandError, match="是同一把密钥"):
        _rotate("--new-key-file", str(same))

    assert _tokens() == tokens
    assert not AuditLog.objects.filter(actor_username="rotate_party_key").exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "无法读取"), ("not a key!", "内容不是base64"), ("c2hvcnQ=", "密钥长度应为32字节")],
)
def test_the_command_refuses_a_missing_or_invalid_new_key_file(parties, tmp_path, content, reason):
    path = tmp_path / "new.key"
    if content is not None:
        path.write_text(content, encoding="ascii")
    tokens = _tokens()

    with pytest.raises(CommandError, match=f"新密钥文件{path}无法载入：{reason}"):
        _rotate("--new-key-file", str(path))

    assert _tokens() == tokens


def test_the_command_names_a_party_it_cannot_open_and_changes_nothing(parties, new_path, tmp_path):
    third = Keyring.from_files(current=_key_file(tmp_path, "third.key"))
    party = parties["李四"][0]
    Party.objects.filter(pk=party.pk).update(phone_enc=third.encrypt("13912345678"))
    tokens = _tokens()

    with pytest.raises(CommandError) as caught:
        _rotate("--new-key-file", str(new_path), "--batch-size", "1")

    message = str(caught.value)
    assert f"当事人（ID {party.pk}）的联系电话由密钥{third.current_key_id.hex()}加密" in message
    assert "本次未做任何修改" in message
    assert _tokens() == tokens


def test_the_command_names_a_message_it_cannot_open_and_changes_nothing(
    parties, new_path, tmp_path
):
    third = Keyring.from_files(current=_key_file(tmp_path, "third.key"))
    message = _message(third.encrypt("13912345678"))
    tokens = _tokens()

    with pytest.raises(CommandError) as caught:
        _rotate("--new-key-file", str(new_path))

    assert f"通知（ID {message.pk}）的接收号码由密钥{third.current_key_id.hex()}加密" in str(
        caught.value
    )
    assert _tokens() == tokens
