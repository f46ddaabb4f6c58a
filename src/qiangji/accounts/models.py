"""People, their roles on territories and programmes, API tokens and login lockouts."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland China mobile number.")
)


class User(AbstractUser):
    display_name = models.CharField(_("Full name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("Mobile"),
        max_length=11,
        blank=True,
        null=True,
        unique=True,
        validators=[mobile_validator],
    )
    title = models.CharField(
        pgettext_lazy("job title", "Title"),
        max_length=80,
        blank=True,
        help_text=_("e.g. head of the district organisation department"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("Users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_mobile(self) -> str:
        """Return the mobile number as 138****1234."""
        from qiangji.lib.privacy import mask_phone

        return mask_phone(self.mobile or "")


class Role(models.TextChoices):
    SUBDISTRICT_ADMIN = "subdistrict_admin", _("Subdistrict admin")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    MENTOR = "mentor", _("Mentor")
    LEADER = "leader", _("Leader")


# The territory kinds on which each role may be granted.
ROLE_TERRITORY_KINDS: dict[str, tuple[str, ...]] = {
    Role.SUBDISTRICT_ADMIN: (Kind.SUBDISTRICT, Kind.DISTRICT, Kind.CITY, Kind.PROVINCE),
    Role.COMMUNITY_SECRETARY: (Kind.COMMUNITY,),
    Role.COMMUNITY_STAFF: (Kind.COMMUNITY,),
    Role.GRID_WORKER: (Kind.GRID,),
    Role.MENTOR: (Kind.SUBDISTRICT, Kind.DISTRICT, Kind.CITY),
    Role.LEADER: (Kind.SUBDISTRICT, Kind.DISTRICT, Kind.CITY, Kind.PROVINCE),
}


class RoleGrant(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("User")
    )
    role = models.CharField(_("Role"), max_length=32, choices=Role.choices)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("Territory"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("Programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Granted at"))

    class Meta:
        verbose_name = _("Role grant")
        verbose_name_plural = _("Role grants")
        constraints = [
            models.CheckConstraint(
                condition=(Q(territory__isnull=False) & Q(programme__isnull=True))
                | (Q(territory__isnull=True) & Q(programme__isnull=False)),
                name="rolegrant_exactly_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "territory"],
                condition=Q(territory__isnull=False),
                name="rolegrant_unique_territory",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "programme"],
                condition=Q(programme__isnull=False),
                name="rolegrant_unique_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.territory or self.programme}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if bool(self.territory_id) == bool(self.programme_id):
            raise ValidationError(
                _("A role is granted on either a territory or a programme, not both.")
            )
        if self.territory_id:
            allowed = ROLE_TERRITORY_KINDS.get(self.role, ())
            if self.territory.kind not in allowed:
                raise ValidationError(
                    {
                        "territory": _("%(role)s can only be granted on: %(kinds)s.")
                        % {
                            "role": self.get_role_display(),
                            "kinds": "、".join(str(Kind(k).label) for k in allowed),
                        }
                    }
                )
        elif self.role not in (Role.MENTOR, Role.LEADER):
            raise ValidationError(
                {"programme": _("Only mentors and leaders can be granted on a programme.")}
            )


class LoginLock(models.Model):
    """Failed logins per identifier; after too many the identifier is locked for a while."""

    identifier = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("Login lock")
        verbose_name_plural = _("Login locks")

    def __str__(self) -> str:
        return self.identifier


def hash_token(key: str) -> str:
    """Return the SHA-256 hex digest under which an API token is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Name"), max_length=60)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its plain key, which is shown only once."""
        key = "qj_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_token(key))
        return token, key
