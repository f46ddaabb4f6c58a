from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.backends import client_blocked, locked_until
from qiangji.accounts.models import ROLE_TERRITORY_KINDS, Role, RoleGrant, User, mobile_validator
from qiangji.lib import limits
from qiangji.territories.models import Territory


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or mobile"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=limits.PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        identifier = (data.get("username") or "").strip()
        password = data.get("password")
        if not identifier or not password:
            return data
        # The backend counts every attempt (this form, /admin/login/, any other path).
        user = authenticate(self.request, username=identifier, password=password)
        if user is None:
            until = locked_until(identifier)
            if until:
                raise forms.ValidationError(
                    _(
                        "Too many failed attempts: this account is locked until %(time)s. "
                        "Wait until then, or ask your subdistrict administrator to unlock it "
                        "(People → the person → Unlock)."
                    )
                    % {"time": formats.time_format(until.astimezone(), "H:i")},
                    code="locked",
                )
            if client_blocked(self.request):
                raise forms.ValidationError(
                    _(
                        "Too many failed logins from this network. Wait %(minutes)d minutes "
                        "and try again."
                    )
                    % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                    code="throttled",
                )
            raise forms.ValidationError(
                _("The username/mobile or password is wrong."), code="invalid_login"
            )
        self.user = user
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "title", "mobile", "email"]

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or None


class PersonForm(forms.ModelForm):
    """An administrator creates a person; the person sets their password via a reset link."""

    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=8,
        max_length=limits.PASSWORD,
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "title", "mobile", "email"]

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile") or None
        if mobile:
            mobile_validator(mobile)
        return mobile

    def save(self, commit=True):  # noqa: FBT002 — Django's signature
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = (
            territories if territories is not None else Territory.objects.none()
        )
        self.fields["territory"].label_from_instance = lambda t: (
            f"{'　' * t.depth}{t.name}（{t.get_kind_display()}）"
        )

    def clean(self):
        data = super().clean()
        role, territory = data.get("role"), data.get("territory")
        if role and territory and territory.kind not in ROLE_TERRITORY_KINDS.get(role, ()):
            grant = RoleGrant(role=role, territory=territory)
            try:
                grant.clean()
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60, initial=_("My script"))
