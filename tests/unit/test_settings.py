import pytest

from actions.settings import SettingsError, load_settings


def test_defaults():
    settings = load_settings({})
    assert settings.answer_threshold == 0.5 and settings.max_suggestions == 3
    assert settings.articles_base_url.startswith("https://")


def test_base_url_loses_its_trailing_slash():
    assert load_settings({"ARTICLES_BASE_URL": "https://x.example/"}).articles_base_url == "https://x.example"


@pytest.mark.parametrize("value", ["high", "1.5", "-0.1"])
def test_a_bad_threshold_is_a_clear_error(value):
    with pytest.raises(SettingsError, match="FAQ_ANSWER_THRESHOLD"):
        load_settings({"FAQ_ANSWER_THRESHOLD": value})
