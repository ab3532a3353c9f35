import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role


@pytest.fixture
def admin(db):
    return user_with_role(Role.CATALOG_ADMIN)


@pytest.fixture(autouse=True)
def _integration_settings(settings):
    settings.KAIGONG_WEBHOOK_ALLOW_HTTP = True
    settings.KAIGONG_WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.KAIGONG_RELAY_BACKOFF_SECONDS = 10
    settings.KAIGONG_RELAY_MAX_ATTEMPTS = 5


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    """Certificates sign with keys in the test's own directory."""
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
