import pytest


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
