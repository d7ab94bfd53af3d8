import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cruscotto.web.settings")
application = get_wsgi_application()

# Production refuses to serve while a user still has the demo's password (web/startup.py).
from cruscotto.web.startup import refuse_demo_passwords  # noqa: E402  (needs the application set up)

refuse_demo_passwords()
