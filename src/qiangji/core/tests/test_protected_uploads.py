"""Uploads have no public URL: every file goes through its app's view and permission check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve

from qiangji.lib.files import RandomName, file_response

PACKAGE = Path(__file__).resolve().parents[2]


def _patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


def test_no_url_serves_the_upload_folder(client, db):
    served = [str(p.pattern) for p in _patterns(get_resolver()) if p.callback is serve]
    assert served == []
    name = default_storage.save("concerns/2026/11/concern.png", ContentFile(b"\x89PNG"))
    assert client.get(f"/media/{name}").status_code == 404


def test_static_file_serving_cannot_reach_the_uploads():
    media = Path(settings.MEDIA_ROOT).resolve()
    roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    whitenoise_root = getattr(settings, "WHITENOISE_ROOT", None)
    if whitenoise_root:
        roots.append(Path(whitenoise_root))
    for root in roots:
        root = root.resolve()
        assert not media.is_relative_to(root) and not root.is_relative_to(media), root


def test_every_uploaded_file_gets_a_random_name():
    fields = [
        field
        for model in apps.get_models()
        if model.__module__.startswith("qiangji.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert len(fields) >= 5
    for field in fields:
        assert callable(field.upload_to), field
        first = field.upload_to(None, "concern.png")
        second = field.upload_to(None, "concern.png")
        assert first != second, field
        assert "concern" not in Path(first).name, field
        assert len(Path(first).stem) >= 16, field


def test_no_template_links_to_an_upload_directly():
    pattern = re.compile(r"\.(image|thumbnail|file|photo)\.url\b")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("templates/**/*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


class _Field:
    """The little of a FieldFile that file_response reads."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.storage = default_storage

    def __bool__(self) -> bool:
        return bool(self.name)


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return default_storage.save(RandomName("t")(None, "a.jpg"), ContentFile(b"\xff\xd8jpeg"))


def test_django_streams_an_image_inline_and_private(stored):
    response = file_response(_Field(stored))
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"].startswith("private")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_document_or_svg_is_downloaded_never_rendered(stored):
    svg = default_storage.save("t/x.svg", ContentFile(b"<svg onload=alert(1)>"))
    assert file_response(_Field(svg))["Content-Disposition"].startswith("attachment")
    response = file_response(_Field(stored), content_type="text/html")
    assert response["Content-Disposition"].startswith("attachment")


def test_the_proxy_sends_the_file_after_the_check_when_configured(stored, settings):
    settings.MEDIA_SERVING = "x-accel-redirect"
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    response = file_response(_Field(stored), public=True)
    assert response["X-Accel-Redirect"] == f"/protected-media/{stored}"
    assert response.content == b"" and response["Cache-Control"].startswith("public")
    settings.MEDIA_SERVING = "x-sendfile"
    response = file_response(_Field(stored))
    assert response["X-Sendfile"] == str(Path(settings.MEDIA_ROOT) / stored)


def test_a_missing_or_escaping_file_is_a_404(stored):
    for name in ("", "t/none.jpg", "../secret_key"):
        with pytest.raises(Http404):
            file_response(_Field(name))
