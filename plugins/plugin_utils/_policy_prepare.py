# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's whole policy step before any request, in one call: validate, check expectations, render.

The ``session_policy_render`` action runs it once per tenant. Done in Jinja (one filter per value,
each template compiled in every forked worker) the same step cost most of a no-op run's CPU per
tenant (docs/performance.md).

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_explain import (
    EXPECTATIONS_PATH, check_expectations, parse_cases)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_runtime_tests import runtime_tests
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import (
    DEFAULT_PATH, RULES_PATH, TENANT_PATH, plain, too_deep)

EMPTY_POLICY = ("The session policy is empty: %s and %s are not set%s, so its Action would change no login. "
                "Set them (see docs/policy.md); for tenant settings alone, use the sessionguard.auth0.tenant_session module.")


def policy_hash(settings, code):
    """Which policy a tenant got, for the report: the same settings and Action code, the same 12 characters."""
    text = json.dumps(plain(settings), sort_keys=True) + code
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def prepare_policy(tenant, rules, default, plan, expectations, name, render=True):
    """``{errors, settings, code, policy_hash, expectations, runtime_tests}`` of one tenant's policy; no request.

    ``errors`` lists every problem at once, one line each: an empty policy, the validator's errors,
    then invalid or unmet expectations (named by ``name``, the tenant). With errors there is no code.
    ``expectations`` are the cases that passed, each with the rule that answered it. ``runtime_tests`` are
    the events the session_policy task runs the draft with on Auth0's runtime before a deploy
    (``_policy_runtime_tests``): one per expectation, or with none, one per rule and one for the default.
    With ``render`` false only the verdict is made (``errors``; no code, tests or hash), as the fleet's validate
    step needs it.
    """
    # Too deep for the report's JSON: validate_policy says so, and the report shows no settings.
    settings = {} if too_deep(tenant, [TENANT_PATH]) else plain(tenant) or {}
    errors = []
    if not rules and not default:
        errors.append(EMPTY_POLICY % (RULES_PATH, DEFAULT_PATH, "" if settings else ", nor is %s" % TENANT_PATH))
    normalized, problems = validate_policy(tenant, rules, default, plan="enterprise" if plan is None else plan)
    errors.extend(problems)
    passed, cases = [], []
    if not errors:
        cases, problems = parse_cases(expectations, EXPECTATIONS_PATH, with_expect=True)
        if not problems:
            passed, problems = check_expectations(normalized, cases, name or "the policy")
        errors.extend(problems)
    if not render:
        return dict(errors=errors, settings=settings, expectations=passed)
    code = "" if errors else render_action(normalized)
    return dict(errors=errors, settings=settings, code=code, policy_hash=policy_hash(settings, code),
                expectations=passed, runtime_tests=[] if errors else runtime_tests(normalized, cases))
