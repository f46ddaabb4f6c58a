"""Field types for API schemas that the database can always store (no 500 on bad input)."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

MAX_ID = 2**63 - 1
MAX_INT = 2_147_483_647

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Order = Annotated[int, Field(ge=0, le=MAX_INT)]
# No NUL or other C0 control characters except tab and newline.
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_TEXT)
]
Text = Annotated[str, StringConstraints(max_length=20000, pattern=_TEXT)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=12, pattern=r"^\d*$")]


class ErrorOut(Schema):
    detail: str | dict | list


def save_or_http_error(obj: Model, *, conflict: str) -> Model:
    """Validate and save obj; answer 422 with the validation messages, 409 on a conflict."""
    try:
        obj.full_clean()
        with transaction.atomic():
            obj.save()
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    except IntegrityError:
        raise HttpError(409, conflict) from None
    return obj
