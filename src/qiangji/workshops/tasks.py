"""Background work of the workshops app: thumbnails of uploaded photos."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.tasks import task

from qiangji.lib.images import make_thumbnail


@task
def make_photo_thumbnail(photo_id: int) -> bool:
    """Make the thumbnail of a photo; return False when the photo is gone or unreadable."""
    from qiangji.workshops.models import Photo

    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return False
    try:
        with photo.image.open("rb") as handle:
            data = make_thumbnail(handle.read())
    except OSError:
        return False
    photo.thumbnail.save(f"thumb-{photo.pk}.jpg", ContentFile(data), save=False)
    Photo.objects.filter(pk=photo.pk).update(thumbnail=photo.thumbnail.name)
    return True
