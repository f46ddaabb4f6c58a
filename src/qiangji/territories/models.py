"""Territories (辖区): 省 → 市 → 区 → 街道 → 社区 → 小区, and 网格 inside a community."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    COMPOUND = "compound", _("Compound")
    GRID = "grid", _("Grid")


KIND_ZH = {
    "province": "省",
    "city": "市",
    "district": "区",
    "subdistrict": "街道",
    "community": "社区",
    "compound": "小区",
    "grid": "网格",
}

# Which kinds may stand directly under which.
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    Kind.PROVINCE: (None,),
    Kind.CITY: (None, Kind.PROVINCE),
    Kind.DISTRICT: (None, Kind.CITY),
    Kind.SUBDISTRICT: (None, Kind.DISTRICT),
    Kind.COMMUNITY: (Kind.SUBDISTRICT,),
    Kind.COMPOUND: (Kind.COMMUNITY,),
    Kind.GRID: (Kind.COMMUNITY,),
}

# In a 12-digit statistical division code (统计用区划代码) each level owns some digits:
# province 2, city 2, county 2, township 3, village 3. A code of a level has zeros after them.
CODE_SIGNIFICANT_DIGITS = {
    Kind.PROVINCE: 2,
    Kind.CITY: 4,
    Kind.DISTRICT: 6,
    Kind.SUBDISTRICT: 9,
    Kind.COMMUNITY: 12,
}
CODE_LEVEL_START = {
    Kind.PROVINCE: 0,
    Kind.CITY: 2,
    Kind.DISTRICT: 4,
    Kind.SUBDISTRICT: 6,
    Kind.COMMUNITY: 9,
}
CODE_RE = re.compile(r"^\d{12}$")


def validate_division_code(code: str, kind: str) -> None:
    """Raise ValidationError unless code is a well-formed 12-digit code for that kind."""
    if not CODE_RE.match(code):
        raise ValidationError(_("The division code must be 12 digits."), code="code_format")
    significant = CODE_SIGNIFICANT_DIGITS.get(kind)
    if significant is None:
        raise ValidationError(
            _("Compounds and grids have no statistical division code."), code="code_kind"
        )
    if code[significant:] != "0" * (12 - significant):
        raise ValidationError(
            _("Only the first %(n)d digits of a %(kind)s code are significant; the rest must be 0.")
            % {"kind": Kind(kind).label, "n": significant},
            code="code_level",
        )
    start = CODE_LEVEL_START[kind]
    if code[start:significant].strip("0") == "":
        raise ValidationError(
            _("The digits of this level in the division code cannot all be 0."), code="code_level"
        )


class TerritoryQuerySet(models.QuerySet):
    def within(self, territory: Territory) -> TerritoryQuerySet:
        """Return the territory and everything below it."""
        return self.filter(path__startswith=territory.path)

    def of_kind(self, kind: str) -> TerritoryQuerySet:
        return self.filter(kind=kind)

    def communities(self) -> TerritoryQuerySet:
        return self.filter(kind=Kind.COMMUNITY)


class Territory(models.Model):
    kind = models.CharField(_("Level"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("Division code"),
        max_length=12,
        blank=True,
        help_text=_("Optional: the 12-digit statistical division code"),
    )
    population = models.PositiveIntegerField(_("Population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("Households"), null=True, blank=True)
    order = models.IntegerField(_("Order"), default=0, validators=[MinValueValidator(0)])
    # Materialised path of ids, "/1/5/23/": subtree queries are one indexed prefix scan.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Territory")
        verbose_name_plural = _("Territories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="territory_unique_name_under_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="territory_unique_root_name",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="territory_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="territory_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        old_path = None
        if self.pk:
            old_path = Territory.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path != self.path:
            self.path = new_path
            self.depth = new_path.count("/") - 2
            Territory.objects.filter(pk=self.pk).update(path=new_path, depth=self.depth)
            if old_path and old_path != new_path:
                # Moved: rewrite the paths of the whole subtree in one UPDATE.
                old_depth = old_path.count("/") - 2
                Territory.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_depth),
                )

    def get_kind_display_zh(self) -> str:
        """Return the level's Chinese name whatever the active language (for files)."""
        return KIND_ZH[self.kind]

    # --- tree ---------------------------------------------------------------------------
    def ancestors(self) -> list[Territory]:
        """Return the territories above this one, from the root down (one query)."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Territory.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other: Territory) -> bool:
        """Return True when this territory is other or lies below it."""
        return bool(other.path) and self.path.startswith(other.path)

    def community(self) -> Territory | None:
        """Return the community this territory belongs to (itself, for a community)."""
        if self.kind == Kind.COMMUNITY:
            return self
        if self.kind in (Kind.COMPOUND, Kind.GRID):
            return self.parent
        return None

    def clean(self) -> None:
        errors: dict[str, list] = {}
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and parent_kind not in ALLOWED_PARENTS.get(self.kind, ()):
            allowed = [Kind(k).label for k in ALLOWED_PARENTS.get(self.kind, ()) if k]
            errors.setdefault("parent", []).append(
                _("A %(kind)s must be placed under: %(allowed)s.")
                % {"kind": Kind(self.kind).label, "allowed": "、".join(map(str, allowed))}
                if allowed
                else _("A %(kind)s cannot have a parent.") % {"kind": Kind(self.kind).label}
            )
        if self.pk and self.parent_id:
            if self.parent_id == self.pk or (self.path and self.parent.path.startswith(self.path)):
                errors.setdefault("parent", []).append(
                    _("A territory cannot be moved under itself or one of its descendants.")
                )
        if self.code:
            try:
                validate_division_code(self.code, self.kind)
            except ValidationError as exc:
                errors.setdefault("code", []).extend(exc.messages)
            else:
                parent_code = self.parent.code if self.parent_id else ""
                if parent_code:
                    n = CODE_SIGNIFICANT_DIGITS.get(self.parent.kind, 0)
                    if self.code[:n] != parent_code[:n]:
                        errors.setdefault("code", []).append(
                            _(
                                "The division code must start with the parent's first %(n)d digits “%(prefix)s”."
                            )
                            % {"n": n, "prefix": parent_code[:n]}
                        )
        if errors:
            raise ValidationError(errors)


class TerritoryImport(models.Model):
    """An uploaded territory file kept between its dry run and its confirmation."""

    root = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Territory import")
        verbose_name_plural = _("Territory imports")

    def __str__(self) -> str:
        return self.filename
