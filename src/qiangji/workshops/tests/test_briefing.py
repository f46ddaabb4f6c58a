"""Briefing drafts made from the activity record, edited safely, exported in GB/T 9704 layout."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from qiangji.core.testing import SCREENSHOTS
from qiangji.lib.officialdoc import FontSet
from qiangji.workshops import actions, exports
from qiangji.workshops.models import Briefing, Photo


def _photo(activity) -> Photo:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), (180, 40, 30)).save(out, "JPEG")
    photo = Photo(activity=activity, caption="广州路社区上台分享“风暴”成果", credit="通讯员供图")
    photo.image.save("p.jpg", ContentFile(out.getvalue()), save=False)
    photo.save()
    return photo


def test_the_draft_names_leaders_and_experts_with_titles_and_the_groups_ideas(salon, jiedao_admin):
    briefing = actions.do_draft_briefing(activity=salon, by=jiedao_admin)
    text = briefing.body
    assert "2月19日" in text
    assert "区委组织部部长（示例）示例领导甲" in text
    assert "高校政治学研究院教授（示例）示例专家" in text
    assert "11个社区" in text and "11个小组" in text
    # Each group's line carries its most-voted ideas.
    group = salon.groups.get(community__name="石榴园社区")
    most_voted = max(group.cards.all(), key=lambda card: (card.votes.count(), -card.pk))
    line = next(row for row in text.splitlines() if row.startswith("石榴园社区提出"))
    assert most_voted.text.rstrip("。") in line
    assert briefing.title.endswith("工作简报")
    assert actions.do_draft_briefing(activity=salon, by=jiedao_admin).pk == briefing.pk


def test_a_stale_edit_is_refused_instead_of_overwriting(salon, jiedao_admin):
    briefing = actions.do_draft_briefing(activity=salon, by=jiedao_admin)
    actions.do_update_briefing(briefing=briefing, by=jiedao_admin, version=1, body="第一稿")
    with pytest.raises(actions.StaleBriefing):
        actions.do_update_briefing(briefing=briefing, by=jiedao_admin, version=1, body="旧稿覆盖")
    briefing.refresh_from_db()
    assert briefing.body == "第一稿" and briefing.version == 2


def test_the_organiser_generates_edits_and_downloads_the_briefing(client_for, jiedao_admin, salon):
    client = client_for(jiedao_admin)
    url = reverse("workshops:briefing", args=[salon.pk])
    early = client.get(reverse("workshops:briefing_docx", args=[salon.pk]))
    assert early.status_code == 302
    assert client.post(url, {"generate": "1"}).status_code == 302
    briefing = Briefing.objects.get(activity=salon)
    saved = client.post(
        url,
        {
            "issuer": "团城山街道党工委",
            "issue_number": "第3期",
            "title": "简报标题",
            "body": "第一段\n第二段",
            "version": briefing.version,
        },
    )
    assert saved.status_code == 302
    stale = client.post(
        url,
        {"issuer": "x", "issue_number": "", "title": "y", "body": "z", "version": briefing.version},
    )
    assert stale.status_code == 200  # the form comes back with the message
    briefing.refresh_from_db()
    assert briefing.title == "简报标题"
    download = client.get(reverse("workshops:briefing_docx", args=[salon.pk]))
    assert download.status_code == 200
    document = Document(io.BytesIO(download.content))
    texts = [p.text for p in document.paragraphs]
    assert "简报标题" in texts and "第二段" in texts


def test_the_docx_has_the_official_page_fonts_and_sizes(salon, jiedao_admin):
    _photo(salon)
    briefing = actions.do_draft_briefing(activity=salon, by=jiedao_admin)
    briefing.issue_number = "第3期"
    document = Document(io.BytesIO(exports.briefing_docx(briefing)))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(
        0.5
    )
    assert abs(section.top_margin - Mm(37)) < Mm(0.5)
    assert abs(section.left_margin - Mm(28)) < Mm(0.5)
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) < Mm(0.5)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) < Mm(0.5)
    title_run = document.paragraphs[0].runs[0]
    assert title_run.text == briefing.title
    assert title_run.font.size == Pt(22)
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("2月19日"))
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert len(document.inline_shapes) == 1
    assert any("通讯员供图" in p.text for p in document.paragraphs)
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert footer.startswith("— ") and footer.endswith(" —")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_docx_converts_to_pdf_with_libreoffice(salon, jiedao_admin, tmp_path):
    _photo(salon)
    briefing = actions.do_draft_briefing(activity=salon, by=jiedao_admin)
    source = tmp_path / "briefing.docx"
    source.write_bytes(exports.briefing_docx(briefing, fonts=FontSet.installed()))
    profile = tmp_path / "profile"
    subprocess.run(  # noqa: S603 - LibreOffice with fixed arguments
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 1
    # A4 portrait: 595 × 842 points.
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box and abs(float(box.group(1)) - 595.3) < 1 and abs(float(box.group(2)) - 841.9) < 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "briefing.pdf", Path(SCREENSHOTS) / "workshops-briefing.pdf")


def test_the_draft_nests_quotes_and_says_nothing_twice(salon, jiedao_admin):
    text = actions.do_draft_briefing(activity=salon, by=jiedao_admin).body
    assert "“社区品牌创建‘社区书记沙龙’”" in text
    assert "”“" not in text and "””" not in text
    sentences = [s for s in re.split(r"(?<=。)", text.replace("\n", "")) if s.strip()]
    assert len(sentences) == len(set(sentences))
    # The summary already says the communities met in groups: the draft does not say it again.
    assert "与会人员分为" not in text
    assert "11个小组开展圆桌会谈" in text
