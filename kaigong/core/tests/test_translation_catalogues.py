"""The zh_Hans catalogues of the apps agree with one another.

Django merges every app's catalogue into one and, for a msgid present in several, the first app
in INSTALLED_APPS wins. A msgid translated differently in two catalogues therefore shows the
word of whichever app comes first, on every page of every app ("Number" read 数字, the
catalogue's field type, in the certificate list). Each meaning needs its own msgid (a more
specific English text or a msgctxt); synonyms need one word.
"""

import collections
from pathlib import Path

import polib  # type: ignore[import-untyped]

KAIGONG = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(KAIGONG.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def _translations() -> dict[tuple[str | None, str], dict[str, str]]:
    seen: dict[tuple[str | None, str], dict[str, str]] = collections.defaultdict(dict)
    for path in CATALOGUES:
        app = path.relative_to(KAIGONG).parts[0]
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            seen[(entry.msgctxt, entry.msgid)][app] = entry.msgstr
    return seen


def test_the_catalogues_are_found():
    apps = {path.relative_to(KAIGONG).parts[0] for path in CATALOGUES}
    assert {"core", "cases", "catalog", "certificates", "web"} <= apps


def test_one_msgid_has_one_translation_in_every_catalogue():
    conflicts = []
    for (context, msgid), by_app in sorted(_translations().items(), key=lambda kv: kv[0][1]):
        if len(set(by_app.values())) > 1:
            where = ", ".join(f"{app}: {text}" for app, text in sorted(by_app.items()))
            label = f"{context}|{msgid}" if context else msgid
            conflicts.append(f"{label!r} ({where})")
    assert not conflicts, f"{len(conflicts)} msgid(s) translated differently:\n" + "\n".join(
        conflicts
    )


def test_no_catalogue_leaves_a_msgid_untranslated():
    empty = []
    for path in CATALOGUES:
        app = path.relative_to(KAIGONG).parts[0]
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid == "" or "fuzzy" in entry.flags:
                continue
            if not entry.translated():
                empty.append(f"{app}: {entry.msgid!r}")
    assert not empty, "untranslated:\n" + "\n".join(empty)


# Words a user sees, looked up through Django's merged catalogue; before the catalogues agreed,
# each one read another app's word (数字, 上传错误, 办理中, 关联方式, 办结率, 不予修复, 待投递,
# 自然人, 办件数, 要点).
SEEN = [
    (None, "Number", "编号"),
    ("field type", "Number", "数字"),
    (None, "Certificate number", "证照编号"),
    (None, "Error", "错误"),
    ("upload", "Error", "上传错误"),
    (None, "Open", "打开"),
    ("status", "Open", "办理中"),
    (None, "Kind", "类型"),
    (None, "Conclusion", "结论"),
    (None, "Refused", "不予受理"),
    ("credit repair", "Refused", "不予修复"),
    (None, "Pending", "待处理"),
    ("delivery", "Pending", "待投递"),
    (None, "Person", "人员"),
    (None, "Items", "事项"),
    ("count", "Items", "办件数"),
    (None, "Item", "事项"),
    ("checklist", "Item", "要点"),
]


def test_a_shared_word_reads_as_its_own_page_means_it():
    from django.utils import translation

    with translation.override("zh-hans"):
        got = [
            (
                context,
                msgid,
                translation.pgettext(context, msgid) if context else translation.gettext(msgid),
            )
            for context, msgid, _ in SEEN
        ]
    assert got == SEEN
