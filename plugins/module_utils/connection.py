# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module: one argument spec, one way to build a client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.sessionguard.auth0.plugins.module_utils.api_client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Auth0Client, validate_domain)

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
    if params.get("timeout") is not None and params["timeout"] <= 0:
        errors.append("timeout: must be a number of seconds greater than zero; got %s" % params["timeout"])
    for name in ("retries", "max_retry_wait"):
        if params.get(name) is not None and params[name] < 0:
            errors.append("%s: must be zero or more; got %s" % (name, params[name]))
    if params.get("audience") is not None and not str(params["audience"]).startswith("https://"):
        errors.append("audience: must be the Management API identifier, https://<canonical domain>/api/v2/")
    return errors


def client_from_module(module):
    """The client for a module's connection options; fails the module on bad options."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
    errors = check_connection_params(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    if not module.params["validate_certs"]:
        module.warn("validate_certs is false: the TLS certificate of %s is not verified, so the credentials "
                    "could be sent to an impostor. Use ca_path for a private CA instead." % module.params["domain"])
    return Auth0Client(**dict((name, module.params[name]) for name in CONNECTION_OPTIONS))


def protect_secrets(module, client):
    """Mask a token the client fetched, which Ansible does not know is secret."""
    for value in client.secrets():
        module.no_log_values.add(value)


def finish(module, client, result, errors=(), diff=None):
    """End a module run: mask fetched tokens, add ``diff`` in --diff mode, fail when there are errors."""
    protect_secrets(module, client)
    if diff is not None and module._diff:
        result["diff"] = diff
    if errors:
        module.fail_json(msg="; ".join(errors), **result)
    module.exit_json(**result)
