"""session_policy_render with tenants reads each tenant's role variables; an unset one takes the option's default."""
import os

import yaml

from ansible_collections.sessionguard.auth0.plugins.action import session_policy_render

ROLE_DEFAULTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "session_policy", "defaults",
                             "main.yml")


def test_an_unset_policy_variable_takes_the_roles_default():
    # The action falls back to its own option defaults: they must be the role's, or a tenant that leaves a variable
    # to the role's default would be validated against another policy than the one it enforces.
    with open(ROLE_DEFAULTS) as handle:
        defaults = yaml.safe_load(handle)
    for option in session_policy_render.POLICY_OPTIONS:
        assert session_policy_render.ARGUMENT_SPEC[option]["default"] == defaults["session_policy_" + option], option
