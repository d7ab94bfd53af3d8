import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cruscotto.web.settings")
application = get_wsgi_application()

# Production refuses to serve while a user still has the demo's password (web/startup.py).
import logging  # noqa: E402

from cruscotto.web.startup import refuse_demo_passwords, warm  # noqa: E402  (needs the application set up)

refuse_demo_passwords()
# Each gunicorn worker loads this module before it accepts a connection: its first reader then
# finds the views imported and the templates compiled (web/startup.warm).
logging.getLogger("cruscotto.avvio").info("processo pronto in %.2f s", warm())
