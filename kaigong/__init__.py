"""Kaigong (开工): construction-project approval services."""
