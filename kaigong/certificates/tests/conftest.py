import pytest


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    """Every test signs with keys in its own directory, never the developer's."""
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    return settings.KAIGONG_KEY_DIR
