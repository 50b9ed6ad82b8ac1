# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base every module of this collection uses: connection options, the client, the result.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Auth0Client, all_secret_forms, line_break_problem, validate_domain)

CONNECTION_OPTIONS = ("domain", "client_id", "client_secret", "token", "audience",
                      "validate_certs", "ca_path", "timeout", "retries", "max_retry_wait")


def connection_argument_spec():
    return dict(
        domain=dict(type="str", required=True, fallback=(env_fallback, ["AUTH0_DOMAIN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["AUTH0_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AUTH0_CLIENT_SECRET"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["AUTH0_TOKEN"])),
        audience=dict(type="str", fallback=(env_fallback, ["AUTH0_AUDIENCE"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["AUTH0_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["AUTH0_CA_PATH"])),
        timeout=dict(type="int", default=30, fallback=(env_fallback, ["AUTH0_TIMEOUT"])),
        retries=dict(type="int", default=5, fallback=(env_fallback, ["AUTH0_RETRIES"])),
        max_retry_wait=dict(type="int", default=60, fallback=(env_fallback, ["AUTH0_MAX_RETRY_WAIT"])),
    )


# A day: longer than any Management API call should take, and far below what the socket layer
# refuses with an OverflowError (timeout: 1e11).
MAX_TIMEOUT = 86400

CONNECTION_RULES = dict(
    required_one_of=[("token", "client_id")],
    required_together=[("client_id", "client_secret")],
)


def check_connection_params(params):
    """Errors in the connection options that the argument spec cannot express, one per line."""
    errors = []
    problem = validate_domain(params.get("domain"))
    if problem:
        errors.append("domain: %s" % problem)
    if params.get("token") and params.get("client_id"):
        errors.append("token, client_id: give either a Management API token or client_id and client_secret, not both")
    if params.get("timeout") is not None and not 0 < params["timeout"] <= MAX_TIMEOUT:
        errors.append("timeout: must be a number of seconds greater than zero and at most %d; got %s"
                      % (MAX_TIMEOUT, params["timeout"]))
    for name in ("token", "client_secret"):
        problem = line_break_problem(params.get(name))
        if problem:
            errors.append("%s: %s" % (name, problem))
    if params.get("ca_path") and params.get("validate_certs", True) and not os.path.isfile(params["ca_path"]):
        errors.append("ca_path: no such file: %s" % params["ca_path"])
    for name in ("retries", "max_retry_wait"):
        if params.get(name) is not None and params[name] < 0:
            errors.append("%s: must be zero or more; got %s" % (name, params[name]))
    if params.get("audience") is not None and not str(params["audience"]).startswith("https://"):
        errors.append("audience: must be the Management API identifier, https://<canonical domain>/api/v2/")
    return errors


def merged_rules(rules):
    """The connection rules plus a module's own; its ``required_one_of`` adds to ours."""
    merged = dict(CONNECTION_RULES)
    for key, value in (rules or {}).items():
        merged[key] = list(merged.get(key, [])) + list(value) if key in CONNECTION_RULES else value
    return merged


def full_argument_spec(argument_spec):
    """The connection options plus a module's own, as the module and its action plugin both validate them."""
    spec = connection_argument_spec()
    spec.update(argument_spec or {})
    return spec


def validate_certs_warning(params):
    """The warning a run with ``validate_certs: false`` gives, or None."""
    if params["validate_certs"]:
        return None
    return ("validate_certs is false: the TLS certificate of %s is not verified, so the credentials "
            "could be sent to an impostor. Use ca_path for a private CA instead." % params["domain"])


def client_from_params(params):
    """One ``Auth0Client`` from validated params (call ``check_connection_params`` first)."""
    return Auth0Client(**dict((name, params[name]) for name in CONNECTION_OPTIONS))


class Auth0Module(AnsibleModule):
    """An ``AnsibleModule`` with the connection options, one lazily built client and one way to end.

    ``argument_spec`` holds the module's own options only; the connection options are added.
    """

    def __init__(self, argument_spec=None, **kwargs):
        spec = full_argument_spec(argument_spec)
        rules = dict((key, kwargs.pop(key)) for key in list(kwargs)
                     if key in ("required_one_of", "required_together", "mutually_exclusive", "required_if"))
        kwargs.setdefault("supports_check_mode", True)
        super(Auth0Module, self).__init__(argument_spec=spec, **dict(kwargs, **merged_rules(rules)))
        self._client = None
        self._mask(list(self.no_log_values))

    def _mask(self, values):
        """Mask each secret as given and in the escaped forms a message may quote it in (repr, JSON)."""
        self.no_log_values.update(all_secret_forms(values))

    @property
    def client(self):
        """The one client of this run; fails the module on bad connection options."""
        if self._client is None:
            if not HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
            errors = check_connection_params(self.params)
            if errors:
                self.fail_json(msg="; ".join(errors), changed=False)
            warning = validate_certs_warning(self.params)
            if warning:
                self.warn(warning)
            self._client = client_from_params(self.params)
            self._mask(self._client.secrets())
        return self._client

    def fail_on(self, errors):
        """Stop before any request when the task's own options are wrong."""
        if errors:
            self.fail_json(msg="; ".join(errors), changed=False)

    def finish(self, result, errors=(), diff=None):
        """End the run: mask tokens the client fetched, add ``diff`` in --diff mode, fail on errors."""
        if self._client is not None:
            # A fetched token is not an option, so Ansible does not know to mask it.
            self._mask(self._client.secrets())
        if diff is not None and self._diff:
            result["diff"] = diff
        if errors:
            self.fail_json(msg="; ".join(errors), **result)
        self.exit_json(**result)
