"""PRISM settings are read lazily and follow override_settings."""

from prism.conf import DEFAULTS, prism_settings


def test_defaults_apply_when_unset(settings):
    settings.PRISM = {}
    assert prism_settings.ITEMS_PER_BRIEFING == DEFAULTS["ITEMS_PER_BRIEFING"] == 6
    assert prism_settings.footer == "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >"


def test_footer_follows_publisher_setting(settings):
    settings.PRISM = {"PUBLISHER": "이데일리"}
    assert prism_settings.footer == "< 저작권자 ⓒ 이데일리, 무단 전재 및 재배포 금지 >"
    settings.PRISM = {"PUBLISHER": "서울경제"}
    assert "서울경제" in prism_settings.footer


def test_unknown_setting_is_an_error():
    import pytest

    with pytest.raises(AttributeError, match="Unknown PRISM setting"):
        _ = prism_settings.NOT_A_SETTING
