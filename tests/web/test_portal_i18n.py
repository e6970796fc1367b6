"""The portal speaks English, Japanese and Simplified Chinese: every string translated (no
empty or fuzzy entries, placeholders kept), no string left out of the catalogues, the
language following the browser and the supplier's choice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from asgiref.local import Local
from django.test import Client
from django.utils.translation import trans_real

import oretrace
from oretrace.registry.models import SupplierRequest
from oretrace.registry.services import campaign_mail
from tests.web.portal_world import Portal, build_portal, enter
from tests.web.world import World

PACKAGE = Path(oretrace.__file__).parent
LOCALES = ("ja", "zh_Hans")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\w+\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


def compiled() -> None:
    """The .mo files are build outputs (``make messages``); compile stale ones here too, so
    the tests also run straight from pytest."""
    fresh = False
    for language in LOCALES:
        po = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
            fresh = True
    if fresh:  # forget catalogues loaded before they were compiled
        trans_real._translations = {}
        trans_real._active = Local()


@pytest.fixture
def portal(world: World) -> Portal:
    compiled()
    return build_portal(world)


@pytest.mark.parametrize("language", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(language: str) -> None:
    po = catalogue(language)
    assert len(po) > 100
    empty = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert empty == [] and fuzzy == []
    assert not po.obsolete_entries()


@pytest.mark.parametrize("language", LOCALES)
def test_translations_keep_every_placeholder(language: str) -> None:
    for entry in catalogue(language):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert sorted(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path: Path) -> None:
    """makemessages over a copy of the package adds nothing the committed catalogues lack."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed (scripts/ensure-gettext.sh)")
    copy = tmp_path / "oretrace"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            *(f"-l{language}" for language in LOCALES),
        ],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    for language in LOCALES:
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        marked = {(e.msgctxt, e.msgid) for e in fresh}
        committed = {(e.msgctxt, e.msgid) for e in catalogue(language)}
        assert marked - committed == set(), f"run makemessages for {language} and translate"
        assert committed - marked == set(), f"{language} holds strings no code uses any more"


def test_the_portal_follows_the_browsers_language(portal: Portal) -> None:
    url = f"/portal/requests/{portal.request['a'].pk}/"
    japanese = enter(portal, "a", Client(HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5"))
    html = japanese.get(url).content.decode()
    assert '<html lang="ja">' in html and "ご依頼内容" in html and "回答期限" in html
    chinese = enter(portal, "a", Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"))
    html = chinese.get(url).content.decode()
    assert '<html lang="zh-hans">' in html and "请求内容" in html and "截止日期" in html
    english = enter(portal, "a", Client(HTTP_ACCEPT_LANGUAGE="de-DE"))
    assert "What we ask" in english.get(url).content.decode()


def test_a_switched_language_sticks_and_the_browser_decides_elsewhere(portal: Portal) -> None:
    client = enter(portal, "a")
    url = f"/portal/requests/{portal.request['a'].pk}/"
    client.post("/portal/language/", {"language": "ja", "next": url})
    assert "ご依頼内容" in client.get(url).content.decode()
    # the request's locale (its e-mails' language) does not override another browser's
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    opened = fresh.get(f"/portal/access/{portal.token['a']}/")
    assert "django_language" not in opened.cookies
    assert "What we ask" in fresh.get(url).content.decode()


def test_the_neutral_page_speaks_the_browsers_language(portal: Portal) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/portal/access/nothing/").content
    assert "此链接无法打开请求" in html.decode()


def test_emails_follow_the_language_chosen_on_the_portal(portal: Portal) -> None:
    client = enter(portal, "a")
    client.post("/portal/language/", {"language": "zh-hans", "next": "/portal/"})
    request = SupplierRequest.objects.select_related("campaign__period", "supplier").get(
        pk=portal.request["a"].pk
    )
    reminder = campaign_mail.reminder(request, None, 7)
    assert reminder.subject.startswith("提醒：") and "2026-03-31" in reminder.subject
    assert "尊敬的 Hanako Sato：" in reminder.body_text
    invitation = campaign_mail.invitation(request, portal.token["a"])
    assert "请通过您的专属链接上传文件" in invitation.body_text
    assert f"/portal/access/{portal.token['a']}/" in invitation.body_text
