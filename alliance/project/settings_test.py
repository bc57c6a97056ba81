"""Settings for the test suite: the production settings with faster parts.

Only what makes tests fast or observable changes here; everything else (the
middleware, CSP, lock-out, the database engine chosen by ``DATABASE_URL``) is
exactly what production runs.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLIANCE_DATA_DIR", "/tmp/alliance-test-data")

from alliance.project.settings import *  # noqa: F403
from alliance.project.settings import STORAGES

# Argon2 is deliberately slow; tests hash hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Hashed manifest names 404 under the live server used by browser tests.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = DATA_DIR / "static"  # noqa: F405 - exists, so WhiteNoise has nothing to warn about
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
