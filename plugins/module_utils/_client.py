# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Auth0 Management API client every module uses.

It knows nothing about Ansible: it takes plain values, so unit tests drive it with a fake
transport and no network.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import time

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without requests installed
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

RETRYABLE_STATUS = frozenset((408, 500, 502, 503, 504))
# \Z, not $: "$" also matches before a final newline, so "host:1\n" would pass.
_DOMAIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::([0-9]{1,5}))?\Z", re.ASCII)
MASK = "********"
# Below this many requests left in the bucket, wait for the reset instead of spending the last
# ones and meeting a 429 (other tasks and other tools share the same bucket).
PACE_BELOW = 2


class Auth0Error(Exception):
    """A failed Management API call, as one line a user can act on.  Never holds a secret."""

    def __init__(self, message, status=None, error_code=None, method=None, path=None):
        super(Auth0Error, self).__init__(message)
        self.status = status
        self.error_code = error_code
        self.method = method
        self.path = path

    @property
    def message(self):
        return str(self)


def validate_domain(domain):
    """Return an error text when ``domain`` is not ``host`` or ``host:port``, else None."""
    if not domain:
        return "is required: the tenant's domain, such as acme.eu.auth0.com"
    if "://" in domain:
        return "must be a host name without a scheme (https is always used); got %s" % _quoted(domain)
    match = _DOMAIN_RE.match(domain)
    if not match:
        return "must be a host name with an optional port, without scheme or path; got %s" % _quoted(domain)
    if match.group(1) is not None and not 1 <= int(match.group(1)) <= 65535:
        # Port 0 would silently mean the scheme's default (443) to requests; over 65535 it crashes.
        return "has port %s; a port is 1 to 65535; got %s" % (match.group(1), _quoted(domain))
    return None


def _quoted(text):
    """A user value in a message: repr-escaped (no raw line breaks) and at most 100 characters."""
    text = str(text)
    shown = repr(text[:100])
    return shown + ("... (%d characters)" % len(text) if len(text) > 100 else "")


def line_break_problem(value):
    """Text for a token or secret that holds a line break inside it (a trailing one is stripped)."""
    if value and ("\n" in value.strip() or "\r" in value.strip()):
        return "must not contain a line break (check the vault or variable it comes from)"
    return None


def secret_forms(value):
    """``value`` and the escaped forms a message could hold it in (repr, JSON), for masking."""
    if not value:
        return []
    forms = set([value, value.strip()])
    for form in list(forms):
        forms.add(repr(form)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(repr(form.encode("utf-8"))[2:-1])
    return sorted(form for form in forms if len(form) >= 4)


def all_secret_forms(values):
    """Every form of every value in ``values`` (non-strings as their text): what a result must not hold."""
    return set(form for value in values for form in secret_forms(value if isinstance(value, str) else str(value)))


def error_from_response(response, method, path):
    """Turn an Auth0 error body (Management API or OAuth shape, or an HTML page) into one line."""
    status = response.status_code
    code = None
    text = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        if "error_description" in body:
            code = body.get("error")
            text = body.get("error_description")
        else:
            code = body.get("errorCode")
            text = body.get("message") or body.get("error")
    if text is None:
        kind = (response.headers.get("content-type") or "no content type").split(";")[0]
        text = "%s (non-JSON %s response)" % (response.reason or "error", kind)
    text = " ".join(str(text).split())
    head = "HTTP %d %s" % (status, code) if code else "HTTP %d" % status
    return Auth0Error("%s: %s (%s %s)" % (head, text, method, path), status=status,
                      error_code=code, method=method, path=path)


class Auth0Client(object):
    """Bearer calls to one tenant, with client-credentials tokens, retries and pacing.

    ``retries`` bounds how many times one call is repeated after a 429, a 408, a 5xx or a
    connection failure; ``max_retry_wait`` caps a single wait in seconds.
    """

    def __init__(self, domain, client_id=None, client_secret=None, token=None, audience=None,
                 validate_certs=True, ca_path=None, timeout=30, retries=5, max_retry_wait=60,
                 session=None, sleep=time.sleep, clock=time.time):
        # Host names are case-insensitive, but Auth0 compares the audience as a string.
        self.domain = domain.lower()
        self.base_url = "https://%s" % self.domain
        self.audience = audience or "https://%s/api/v2/" % self.domain
        self._client_id = client_id
        # A trailing newline (YAML block scalars, `echo | ansible-vault encrypt_string`) is never part of
        # a secret; requests would refuse it in a header and print the value in its error.
        self._client_secret = client_secret.strip() if client_secret else client_secret
        self._given_secrets = [value for value in (client_secret, token) if value]
        self._token = token.strip() if token else token
        # A token given by the user cannot be renewed; one we fetched can, once, when it expires.
        self._token_renewable = token is None
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._clock = clock
        self._session = session or requests.Session()
        self._verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self._paced_until = 0.0
        self.tokens_fetched = 0
        # Every HTTP request sent, retries and the token included: what a read-only playbook reports it cost.
        self.requests_sent = 0

    def secrets(self):
        """Values that must be masked in anything the caller prints."""
        return [form for value in [self._client_secret, self._token] + self._given_secrets
                for form in secret_forms(value)]

    def _describe(self, exc):
        """An exception's text with every secret masked, before shortening can cut one in half."""
        text = str(exc)
        for form in sorted(self.secrets(), key=len, reverse=True):
            text = text.replace(form, MASK)
        return _short(text)

    # -- tokens -----------------------------------------------------------------------------

    @property
    def token(self):
        if self._token is None:
            self._token = self._fetch_token()
        return self._token

    def _fetch_token(self):
        if not (self._client_id and self._client_secret):
            raise Auth0Error("no credentials: set client_id and client_secret, or token")
        body = {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret, "audience": self.audience}
        response = self._send("POST", "/oauth/token", json_body=body, bearer=False, idempotent=True)
        if response.status_code != 200:
            error = error_from_response(response, "POST", "/oauth/token")
            hint = ""
            if response.status_code in (401, 403):
                hint = ("; check client_id and client_secret, that the application is authorized for the "
                        "Management API, and that audience is https://<canonical domain>/api/v2/")
            raise Auth0Error("could not get a Management API token: %s%s" % (error, hint),
                             status=error.status, error_code=error.error_code, method="POST", path="/oauth/token")
        self.tokens_fetched += 1
        try:
            return response.json()["access_token"]
        except (ValueError, KeyError, TypeError):
            raise Auth0Error("could not get a Management API token: the response had no access_token")

    # -- calls ------------------------------------------------------------------------------

    def request(self, method, path, params=None, json_body=None, idempotent=None, expect=None):
        """Send one API call and return its decoded JSON body (None when empty).

        ``idempotent`` says whether a 408/5xx/connection failure may be retried; it defaults to
        True for GET, PUT and DELETE.  429 is always retried: Auth0 did not act on the request.
        """
        if idempotent is None:
            idempotent = method in ("GET", "PUT", "DELETE", "HEAD")
        response = self._send(method, path, params=params, json_body=json_body, idempotent=idempotent)
        if response.status_code == 401 and self._token_renewable and self.tokens_fetched:
            self._token = None
            response = self._send(method, path, params=params, json_body=json_body, idempotent=idempotent)
        if not 200 <= response.status_code < 300 or (expect and response.status_code not in expect):
            raise error_from_response(response, method, path)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise Auth0Error("HTTP %d: the response was not JSON (%s %s)" % (response.status_code, method, path),
                             status=response.status_code, method=method, path=path)

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def patch(self, path, json_body, idempotent=False):
        return self.request("PATCH", path, json_body=json_body, idempotent=idempotent)

    def post(self, path, json_body=None, idempotent=False):
        return self.request("POST", path, json_body=json_body, idempotent=idempotent)

    def delete(self, path, params=None):
        return self.request("DELETE", path, params=params)

    def paginate(self, path, key, params=None, per_page=50):
        """Every item of a paged list.  Auth0 leaves zero-valued keys out, so a missing total is 0."""
        items = []
        page = 0
        while True:
            # No include_totals: the actions and bindings lists refuse it and return totals anyway.
            query = dict(params or {}, page=page, per_page=per_page)
            body = self.get(path, params=query) or {}
            batch = body.get(key) or []
            items.extend(batch)
            total = body.get("total")
            if not batch:
                return items
            # A total, when given, decides: a server that pages by fewer than per_page (the docs cap it at 50)
            # must not make us stop after its first page, which would drop other teams' bindings on the next PATCH.
            if isinstance(total, int) and not isinstance(total, bool):
                if len(items) >= total:
                    return items
            elif len(batch) < per_page:
                return items
            page += 1

    # -- transport --------------------------------------------------------------------------

    def _send(self, method, path, params=None, json_body=None, bearer=True, idempotent=True):
        url = self.base_url + path
        attempt = 0
        while True:
            self._pace()
            headers = {"Accept": "application/json"}
            if bearer:
                headers["Authorization"] = "Bearer %s" % self.token
            self.requests_sent += 1
            try:
                # Redirects are never followed: a 3xx would carry the bearer token elsewhere.
                response = self._session.request(method, url, params=params, json=json_body, headers=headers,
                                                 timeout=self.timeout, verify=self._verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise Auth0Error("TLS verification of %s failed (%s); set ca_path to the CA that signed its "
                                 "certificate, or validate_certs: false for a test tenant only"
                                 % (self.domain, self._describe(exc)), method=method, path=path)
            except requests.exceptions.Timeout:
                # Not retried: a hung call must fail within its timeout, not a multiple of it.
                raise Auth0Error("no answer from %s within %s seconds (%s %s); raise timeout if the tenant is slow"
                                 % (self.domain, self.timeout, method, path), method=method, path=path)
            except requests.exceptions.ConnectionError as exc:
                if idempotent and attempt < self.retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise Auth0Error("cannot connect to %s (%s %s): %s" % (self.domain, method, path, self._describe(exc)),
                                 method=method, path=path)
            except (requests.exceptions.RequestException, OSError, ValueError, OverflowError) as exc:
                # Everything else requests can raise (InvalidHeader, InvalidURL, a missing ca_path file, ...):
                # one line, never a traceback, and its text scrubbed because some quote the request's headers.
                raise Auth0Error("the request to %s could not be sent (%s %s): %s: %s"
                                 % (self.domain, method, path, type(exc).__name__, self._describe(exc)),
                                 method=method, path=path)
            self._note_rate_limit(response)
            if 300 <= response.status_code < 400:
                raise Auth0Error("HTTP %d redirect from %s %s not followed: domain must be the tenant's API host"
                                 % (response.status_code, method, path), status=response.status_code,
                                 method=method, path=path)
            retryable = response.status_code == 429 or (idempotent and response.status_code in RETRYABLE_STATUS)
            if not retryable or attempt >= self.retries:
                return response
            self._sleep(self._retry_wait(response, attempt))
            attempt += 1

    def _backoff(self, attempt):
        # Full jitter keeps many forks that failed together from retrying together.
        return min(self.max_retry_wait, random.uniform(0, 0.5 * (2 ** attempt)) + 0.1)

    def _retry_wait(self, response, attempt):
        if response.status_code == 429:
            retry_after = _number(response.headers.get("retry-after"))
            reset = _number(response.headers.get("x-ratelimit-reset"))
            if retry_after is not None:
                wait = retry_after
            elif reset is not None:
                wait = reset - self._clock()
            else:
                wait = self._backoff(attempt)
            return min(self.max_retry_wait, max(wait, 0) + random.uniform(0.05, 0.5))
        return self._backoff(attempt)

    def _note_rate_limit(self, response):
        remaining = _number(response.headers.get("x-ratelimit-remaining"))
        reset = _number(response.headers.get("x-ratelimit-reset"))
        if response.status_code != 429 and remaining is not None and reset is not None and remaining < PACE_BELOW:
            self._paced_until = min(reset, self._clock() + self.max_retry_wait)

    def _pace(self):
        wait = self._paced_until - self._clock()
        if wait > 0:
            self._sleep(wait + random.uniform(0, 0.2))
        self._paced_until = 0.0


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _short(exc):
    text = " ".join(str(exc).split())
    return text if len(text) < 300 else text[:297] + "..."
