from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiangji.lib.editguard import GuardedForm
from qiangji.lib.tabular import MAX_UPLOAD_BYTES
from qiangji.territories.models import ALLOWED_PARENTS, Kind, Territory


class TerritoryForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["kind", "name", "code", "population", "households", "order"]

    def __init__(self, *args, parent: Territory | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent if parent is not None else self.instance.parent
        if self.instance.pk:
            self.fields["kind"].disabled = True
        elif parent is not None:
            choices = [(k, label) for k, label in Kind.choices if parent.kind in ALLOWED_PARENTS[k]]
            self.fields["kind"].choices = choices
            if len(choices) == 1:
                self.fields["kind"].initial = choices[0][0]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def _post_clean(self):
        self.instance.parent = self.parent
        super()._post_clean()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: 层级, 名称, 上级路径, 区划代码, 人口, 户数, 排序. At most 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 10 MB.")
                % {"size": upload.size / 1024 / 1024}
            )
        return upload
