"""WSGI entry point for gunicorn (`qiangji serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
application = get_wsgi_application()
