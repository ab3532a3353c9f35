import pytest


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    """Signing keys of the certificates issued in these tests live in a temporary directory."""
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
