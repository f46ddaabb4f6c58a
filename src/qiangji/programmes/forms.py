from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import User
from qiangji.lib.editguard import GuardedForm
from qiangji.lib.widgets import DateInput
from qiangji.programmes.models import Phase, Programme
from qiangji.territories.models import Kind, Territory


class ProgrammeForm(GuardedForm, forms.ModelForm):
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities"),
        queryset=Territory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Programme
        fields = ["name", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, subdistrict: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.subdistrict = subdistrict
        self.fields["communities"].queryset = Territory.objects.filter(
            parent=subdistrict, kind=Kind.COMMUNITY
        ).order_by("order", "name")
        if self.instance.pk:
            self.fields["communities"].initial = list(
                self.instance.enrolments.values_list("community_id", flat=True)
            )
        else:
            self.fields["communities"].initial = list(
                self.fields["communities"].queryset.values_list("pk", flat=True)
            )

    def clean_name(self):
        return self.cleaned_data["name"].strip()


PhaseFormSet = inlineformset_factory(
    Programme,
    Phase,
    fields=["name", "order", "starts_on", "ends_on"],
    widgets={"starts_on": DateInput(), "ends_on": DateInput()},
    extra=1,
    can_delete=True,
)


class MentorForm(forms.Form):
    username = forms.CharField(label=_("Username or mobile of the mentor"), max_length=150)

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        user = (
            User.objects.filter(username__iexact=value).first()
            or User.objects.filter(mobile=value).first()
        )
        if user is None:
            raise forms.ValidationError(_("Nobody has this username or mobile."))
        return user
