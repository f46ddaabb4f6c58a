"""The form an admin fills in to send notices to a group robot or by SMS."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiangji.lib.sealed import hint, seal
from qiangji.notifications.kinds import KINDS
from qiangji.notifications.models import Channel, ChannelKind
from qiangji.notifications.outbound import check_webhook_url


class ChannelForm(forms.ModelForm):
    webhook_url = forms.CharField(
        label=_("Robot webhook address"),
        max_length=500,
        required=False,
        help_text=_(
            "From the group's robot settings; it contains the robot's key and is stored encrypted."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk 加签, optional)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Notice kinds sent"),
        choices=[(k, v) for k, v in KINDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Channel
        fields = ["territory", "kind", "name", "kinds", "active"]

    def __init__(self, *args, territories, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories

    def clean(self):
        data = super().clean()
        kind, url = data.get("kind"), (data.get("webhook_url") or "").strip()
        if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
            if not url:
                self.add_error("webhook_url", _("Paste the robot's webhook address."))
            else:
                try:
                    check_webhook_url(url, kind)
                except ValueError:
                    self.add_error(
                        "webhook_url",
                        _(
                            "Use the robot's https address from 企业微信 (qyapi.weixin.qq.com) or 钉钉 (oapi.dingtalk.com)."
                        ),
                    )
        return data

    def save(self, commit: bool = True) -> Channel:  # noqa: FBT001, FBT002 — ModelForm.save
        channel = super().save(commit=False)
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if channel.kind == ChannelKind.SMS:
            channel.webhook_sealed = channel.secret_sealed = channel.webhook_hint = ""
        else:
            channel.webhook_sealed = seal(url)
            channel.webhook_hint = hint(url)
            channel.secret_sealed = seal(self.cleaned_data.get("secret") or "")
        if commit:
            channel.save()
        return channel
