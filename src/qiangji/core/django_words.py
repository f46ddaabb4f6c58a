"""Words Django translates that qiangji needs worded otherwise, kept in the foundation catalogue.

The catalogues of LOCALE_PATHS come before Django's own, so a msgid marked here and translated
in `src/qiangji/locale` replaces Django's translation (or fills a gap in it).
"""

from django.utils.translation import gettext_noop

WORDS = [
    # The language switch names each language in itself: `get_available_languages` passes the
    # names of settings.LANGUAGES through gettext, and Django translates "English" as 英语.
    gettext_noop("English"),
    # Django 6.1's blank choice of a select has no zh_Hans translation yet.
    gettext_noop("- Select an option -"),
]
