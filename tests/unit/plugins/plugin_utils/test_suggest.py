# -*- coding: utf-8 -*-
"""Did-you-mean hints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._suggest import did_you_mean

CONDITIONS = ("organizations", "clients", "connections", "countries", "not_countries", "roles",
              "risk_confidence", "mfa", "app_metadata")


@pytest.mark.parametrize("word, hint", [
    ("risk_confidense", " (did you mean risk_confidence?)"),
    ("role", " (did you mean roles?)"),
    ("organisations", " (did you mean organizations?)"),
    ("org", ""),          # too far from any key to guess
    ("priority", ""),
    ("country", ""),      # 0.75 against countries: under the cutoff

])
def test_did_you_mean(word, hint):
    assert did_you_mean(word, CONDITIONS) == hint


def test_non_string_keys():
    assert did_you_mean(7, CONDITIONS) == ""
