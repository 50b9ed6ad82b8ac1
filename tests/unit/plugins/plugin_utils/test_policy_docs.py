# -*- coding: utf-8 -*-
"""The expectations the docs show hold: the example inventory's, and each policy cookbook recipe's
(a recipe is a piece of the example policy: its rules go first, its tenant keys override)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_explain import (
    EXPECTATIONS_PATH, check_expectations, parse_cases)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
INVENTORY = os.path.join(ROOT, "docs", "examples", "inventory")


def load(*parts):
    with open(os.path.join(*parts)) as handle:
        return yaml.safe_load(handle)


BASE = load(INVENTORY, "group_vars", "all.yml")


def recipes():
    with open(os.path.join(ROOT, "docs", "guides", "policy-cookbook.md")) as handle:
        blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", handle.read(), re.S)]
    return [block for block in blocks if isinstance(block, dict) and "session_policy_expectations" in block]


def combined(piece):
    variables = dict(BASE)
    for key, value in piece.items():
        if key == "session_policy_rules":
            names = set(rule["name"] for rule in value)
            value = value + [rule for rule in BASE[key] if rule["name"] not in names]
        elif key == "session_policy_tenant":
            value = dict(BASE[key], **value)
        variables[key] = value
    return variables


def failures_of(variables, name):
    normalized, errors = validate_policy(variables["session_policy_tenant"], variables["session_policy_rules"],
                                         variables["session_policy_default"])
    assert errors == []
    cases, errors = parse_cases(variables["session_policy_expectations"], EXPECTATIONS_PATH, with_expect=True)
    assert errors == [] and cases
    return check_expectations(normalized, cases, name)[1]


RECIPES = recipes()


def test_every_recipe_with_a_policy_has_expectations():
    # Exactly: a new recipe must raise this number, so the parametrized test below covers it too.
    assert len(RECIPES) == 6


@pytest.mark.parametrize("index", range(len(RECIPES)))
def test_cookbook_expectations_hold(index):
    assert failures_of(combined(RECIPES[index]), "recipe %d" % index) == []


@pytest.mark.parametrize("group", ["all", "dev", "staging", "prod"])
def test_example_inventory_expectations_hold_in_every_group(group):
    variables = combined(load(INVENTORY, "group_vars", "%s.yml" % group) or {}) if group != "all" else dict(BASE)
    if group in ("staging", "prod"):
        # Both are children of production_policy, whose group_vars set whole variables, not pieces.
        variables = dict(BASE, **load(INVENTORY, "group_vars", "production_policy.yml"))
        variables.update(load(INVENTORY, "group_vars", "%s.yml" % group) or {})
    assert failures_of(variables, group) == []
