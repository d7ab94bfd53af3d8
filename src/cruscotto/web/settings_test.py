"""Settings for the test suite: the real settings, with a throw-away place and fast hashing.

The key below only signs test sessions; it is not a secret of any installation.
"""

import os
import tempfile

os.environ.setdefault("CRUSCOTTO_SECRET_KEY", "only-for-tests-" + "x" * 40)
os.environ.setdefault("CRUSCOTTO_HTTPS", "0")  # the test client and the browser tests' live server speak plain HTTP
os.environ.setdefault("CRUSCOTTO_VAR_DIR", tempfile.mkdtemp(prefix="cruscotto-test-"))
# Jobs run at once, in the test's own process; tests/web/test_lavori.py runs the real queue
# and worker processes.
os.environ.setdefault("CRUSCOTTO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The suite logs in and calls the API thousands of times from one address: the throttles are
# off here and tested on their own (tests/attacks/test_throttling.py sets them).
CRUSCOTTO_API_RATE = ""
CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS = 10**9
