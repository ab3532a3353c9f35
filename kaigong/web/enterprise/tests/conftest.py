from kaigong.projects.tests.conftest import world  # noqa: F401
