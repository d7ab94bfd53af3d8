"""What Django's debug page may show: never a credential.

Django hides settings and request variables whose *name* looks secret (KEY, PASS, TOKEN ...).
Ours also carry secrets in URLs (``DATABASE_URL=postgres://user:password@host/db``, an SMTP
or cache URL), under names Django does not suspect: a debug page of ``make run`` showed the
database password. This filter hides those names too, and any value holding a password in a
URL, whatever its name. It is used in every mode (``DEFAULT_EXCEPTION_REPORTER_FILTER``); the
500 page of production shows no details at all.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+(@)")


class Filter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|_URL$|DSN|EMAIL_HOST_USER|CRUSCOTTO_",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        if type(value) is str and _URL_PASSWORD.search(value):  # not a lazy object posing as one
            return _URL_PASSWORD.sub(rf"\1{self.cleansed_substitute}\2", value)
        return value
