import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    DurationError, check_limit, format_minutes, hours_to_minutes, parse_duration)


@pytest.mark.parametrize("value, minutes", [
    ("90m", 90), ("36h", 2160), ("7d", 10080), ("1d12h", 2160), ("2w", 20160), ("1d 12h", 2160),
    ("1.5h", 90), (168, 10080), (0.5, 30), ("168", 10080), ("0.5", 30), (" 24 ", 1440), ("1H30M", 90),
    (0.25, 15), (1, 60),
])
def test_parse_valid(value, minutes):
    assert parse_duration(value) == minutes


@pytest.mark.parametrize("value, rule", [
    ("7x", "unknown unit 'x'"), ("0m", "greater than zero"), ("-1h", "greater than zero"), (-1, "greater than zero"),
    (0, "greater than zero"), ("1e309", "must be a duration"), ("nan", "must be a duration"), (float("nan"), "must be a duration"),
    ("inf", "must be a duration"), ("30s", "seconds"), ("0.001", "whole number of minutes"), (0.01, "whole number of minutes"),
    ("", "empty"), ("h", "must be a duration"), ("7d garbage", "must be a duration"), (True, "must be a duration"),
    (None, "must be a duration"), ("1.25m", "whole number of minutes"), ("d7", "must be a duration"),
])
def test_parse_invalid(value, rule):
    with pytest.raises(DurationError) as info:
        parse_duration(value)
    assert rule in str(info.value)


@pytest.mark.parametrize("minutes, text", [(10080, "7d"), (2160, "1d12h"), (90, "1h30m"), (5, "5m"), (1441, "1d1m")])
def test_format(minutes, text):
    assert format_minutes(minutes) == text
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("hours, minutes", [(0.08333333333333333, 5), (0.25, 15), (1.5, 90), (168, 10080),
                                            (None, None), (0.016666666666666666, 1)])
def test_hours_to_minutes(hours, minutes):
    assert hours_to_minutes(hours) == minutes


def test_limits_by_plan():
    check_limit("session_lifetime", 8760 * 60, "enterprise")
    with pytest.raises(DurationError, match="enterprise plan's absolute lifetime maximum of 365d"):
        check_limit("session_lifetime", 8760 * 60 + 1, "enterprise")
    with pytest.raises(DurationError, match="idle lifetime maximum of 100d"):
        check_limit("idle_session_lifetime", 2401 * 60, "enterprise")
    with pytest.raises(DurationError, match="self-service plan's absolute lifetime maximum of 30d"):
        check_limit("ephemeral_session_lifetime", 721 * 60, "self_service")
    with pytest.raises(DurationError, match="maximum of 3d"):
        check_limit("idle_ephemeral_session_lifetime", 73 * 60, "self_service")


def test_long_input_is_refused_fast_and_not_echoed():
    import time
    text = "1d" * 4000
    started = time.time()
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert time.time() - started < 0.05
    assert len(str(info.value)) < 200 and "(8000 characters)" in str(info.value)


def test_hours_from_the_api_must_be_numbers():
    with pytest.raises(DurationError):
        hours_to_minutes("168")
    assert hours_to_minutes(10 ** 30) == 60 * 10 ** 30
