# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  domain:
    description:
      - The tenant's domain, for example V(acme.eu.auth0.com) or V(login.example.com) for a custom domain.
      - A host name with an optional port (1 to 65535). HTTPS is always used, so do not include a scheme or a path.
      - The host is used lower-cased, also in the default O(audience).
      - Falls back to the E(AUTH0_DOMAIN) environment variable.
    type: str
    required: true
  client_id:
    description:
      - Client ID of a machine-to-machine application authorized for the Management API.
      - Used with O(client_secret) to get a token with the client credentials grant.
      - Mutually exclusive with O(token). Falls back to E(AUTH0_CLIENT_ID).
    type: str
  client_secret:
    description:
      - Client secret of the application named by O(client_id). Never logged.
      - A trailing line break (from a YAML block scalar or C(echo | ansible-vault encrypt_string)) is
        removed; a line break inside the value is refused.
      - Falls back to E(AUTH0_CLIENT_SECRET).
    type: str
  token:
    description:
      - A Management API access token to use instead of client credentials, for example one
        returned by M(sessionguard.auth0.management_token) so that several tasks share one token.
      - Never logged. A trailing line break is removed; a line break inside the value is refused.
      - Falls back to E(AUTH0_TOKEN).
    type: str
  audience:
    description:
      - Audience of the client credentials grant.
      - Defaults to C(https://<domain>/api/v2/). With a custom domain set this to the canonical
        tenant domain's API, for example V(https://acme.eu.auth0.com/api/v2/).
      - Falls back to E(AUTH0_AUDIENCE).
    type: str
  validate_certs:
    description:
      - Verify the tenant's TLS certificate. Setting this to V(false) warns; prefer O(ca_path).
      - Falls back to E(AUTH0_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificates to trust instead of the system store, for a TLS-inspecting
        proxy or a test emulator.
      - Falls back to E(AUTH0_CA_PATH).
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request, at most 86400 (a day). A request with no answer in time
        fails the task and is not retried. Falls back to E(AUTH0_TIMEOUT).
    type: int
    default: 30
  retries:
    description:
      - How many times one request is repeated after a rate limit (429), a 408, a 5xx or a
        connection failure. Requests that are not safe to repeat are only repeated after a 429.
      - Falls back to E(AUTH0_RETRIES).
    type: int
    default: 5
  max_retry_wait:
    description:
      - The longest single wait, in seconds, before a retry, including waits for a rate limit to reset.
      - Falls back to E(AUTH0_MAX_RETRY_WAIT).
    type: int
    default: 60
notes:
  - The connection options can be set once for a play with
    C(module_defaults) and the action group C(group/sessionguard.auth0.auth0).
requirements:
  - requests
"""
