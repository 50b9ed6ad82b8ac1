# -*- coding: utf-8 -*-
"""The session_policy_errors filter lists what validate_session_policy would raise."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.filter.session_policy import (
    session_policy_errors, validate_session_policy)

VALID = {"tenant": {"session_lifetime": "30d", "idle_session_lifetime": "3d"},
         "rules": [{"name": "high-risk logins", "match": {"risk_confidence": ["low"]}, "session_lifetime": "8h"}],
         "default": {"session_lifetime": "7d"}}


def test_valid_policy_has_no_errors():
    assert session_policy_errors(VALID) == []


def test_errors_are_the_ones_validate_raises():
    bad = dict(VALID, rules=[{"name": "x", "match": {"risk_confidense": ["low"]}, "session_lifetime": "8x"}])
    errors = session_policy_errors(bad)
    assert len(errors) == 2
    assert sorted(error.split(":")[0] for error in errors) == [
        "session_policy_rules[0].match.risk_confidense", "session_policy_rules[0].session_lifetime"]
    assert "is not a known key (did you mean risk_confidence?)" in " ".join(errors)
    with pytest.raises(AnsibleFilterError) as raised:
        validate_session_policy(bad)
    assert str(raised.value).splitlines()[1:] == errors


@pytest.mark.parametrize("value, start", [
    ([], "validate_session_policy: expects a mapping"),
    ({"tenant": {}, "rulez": []}, "validate_session_policy: unknown keys rulez"),
])
def test_input_shape(value, start):
    assert session_policy_errors(value)[0].startswith(start)
