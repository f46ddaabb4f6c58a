from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's forms end each label with gettext(":"), which Django's own zh_Hans catalogue leaves
# ASCII ("渠道:"); naming the msgid here keeps it in the foundation's catalogue as "：".
gettext_noop(":")


class CoreConfig(AppConfig):
    name = "qiangji.core"
    label = "core"
    verbose_name = _("Basics")
