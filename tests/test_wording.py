"""What a person reads is written as a person reads it: no English field names or codes in
Chinese messages (``version 应为整数``, ``paper``, ``scheduled_at``), and dates as
2026年12月8日, never zero-padded (2026年12月08日) — over the whole message catalogue, the
templates and the code that formats dates. One spacing rule for mixed text: no space between
a Chinese character and a Latin letter, a digit or a placeholder (按P打印, 共3件, 编号%(number)s),
as official documents write it (GB/T 9704) and as most of the catalogue already did."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
APPS = ["centre", "intake", "mediation", "judicial", "petitions", "legal_aid", "labour"]
APPS += ["review", "incidents", "risk"]

# Names a Chinese text rightly carries in Latin letters: formats, standards, products.
ALLOWED_WORDS = {
    "PDF", "JPG", "PNG", "ID", "API", "QR", "SMS", "IP", "XLSX", "ZIP", "Excel", "TOTP",
    "JSON", "CSV", "SM", "HMAC", "GB", "MB", "KB", "PostgreSQL", "SQLite", "Redis",
    "Celery", "Token", "U", "HTTP",
    "ldbc",  # the category search's example of pinyin initials (劳动报酬)
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%[sd]|\{\{?\s*[\w.|:\"]+\s*\}?\}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PADDED_DATE = re.compile(r"年0\d月|月0\d日|%m月|%d日|(?<!FM)MM\"月\"|(?<!FM)DD\"日\"")


def _msgids() -> list[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'\nmsgid ((?:"(?:[^"\\]|\\.)*"\n?)+)', text)
    return ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', raw)) for raw in entries]


def test_chinese_messages_carry_no_english_words():
    offending = []
    for msgid in _msgids():
        if not CHINESE.search(msgid):
            continue
        # A file, a command or a setting named for an administrator (mediation/agreement.html,
        # import_holidays, AUDIT_KEY_FILE) is a name, not a word of the sentence.
        # Bounded by ASCII only: a Chinese character next to the name is a \\w too.
        names = (
            r"[A-Za-z0-9_-]+(?:/[\w.-]+)+|(?<![A-Za-z0-9_])(?:import_holidays"
            r"|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![A-Za-z0-9_])"
        )
        text = re.sub(names, "", PLACEHOLDER.sub("", msgid))
        words = [w for w in re.findall(r"[A-Za-z_]{2,}", text) if w not in ALLOWED_WORDS]
        if words:
            offending.append((words, msgid[:60]))
    assert not offending, offending


def test_no_zero_padded_chinese_date_anywhere():
    offending = [m[:60] for m in _msgids() if PADDED_DATE.search(m)]
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PADDED_DATE.search(line):
                    offending.append(f"{path.relative_to(ROOT)}:{n}")
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'date:"([^"]*)"', text):
            if re.search(r"[md][年月日]", match.group(1)):
                offending.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offending, offending


# A space between a Chinese character (or full-width punctuation) and a Latin letter, a digit,
# a placeholder's % or a template variable's braces, either way round. The rule is for prose;
# a space that separates two data items built in code keeps them apart and stays (a date and
# its time "2026年11月5日 10:00", a code and its name "02 邻里纠纷", a name and a masked ID
# number, a label and a party's own words).
_CJK = "[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d]"
MIXED_SPACE = re.compile(rf"{_CJK} +(?:[A-Za-z0-9%]|\{{\{{)|(?:[A-Za-z0-9]|\}}\}}) +{_CJK}")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)


def test_one_spacing_rule_for_mixed_chinese_and_latin_text():
    offending = [m[:60] for m in _msgids() if MIXED_SPACE.search(m)]
    for path in (ROOT / "templates").rglob("*.html"):
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        offending += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in MIXED_SPACE.finditer(text)]
    assert not offending, offending


def test_the_spacing_rule_would_catch_a_spaced_message():
    for spaced in ("按 P 打印", "共 %(n)s 件", "已有 {{ n }} 件", "API 令牌"):
        assert MIXED_SPACE.search(spaced), spaced
    for plain in ("按P打印", "共%(n)s件", "已有{{ n }}件", "10 MB", "API令牌"):
        assert not MIXED_SPACE.search(plain), plain
