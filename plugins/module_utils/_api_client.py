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
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$")
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
        return "must be a host name without a scheme (https is always used); got '%s'" % domain
    if not _DOMAIN_RE.match(domain):
        return "must be a host name with an optional port, without scheme or path; got '%s'" % domain
    return None


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
        self.domain = domain
        self.base_url = "https://%s" % domain
        self.audience = audience or "https://%s/api/v2/" % domain
        self._client_id = client_id
        self._client_secret = client_secret
        self._token = token
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
        self.requests_sent = 0

    def secrets(self):
        """Values that must be masked in anything the caller prints."""
        return [value for value in (self._client_secret, self._token) if value]

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
            if not batch or len(batch) < per_page or (total is not None and len(items) >= total):
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
            try:
                self.requests_sent += 1
                # Redirects are never followed: a 3xx would carry the bearer token elsewhere.
                response = self._session.request(method, url, params=params, json=json_body, headers=headers,
                                                 timeout=self.timeout, verify=self._verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise Auth0Error("TLS verification of %s failed (%s); set ca_path to the CA that signed its "
                                 "certificate, or validate_certs: false for a test tenant only"
                                 % (self.domain, _short(exc)), method=method, path=path)
            except requests.exceptions.Timeout:
                # Not retried: a hung call must fail within its timeout, not a multiple of it.
                raise Auth0Error("no answer from %s within %s seconds (%s %s); raise timeout if the tenant is slow"
                                 % (self.domain, self.timeout, method, path), method=method, path=path)
            except requests.exceptions.ConnectionError as exc:
                if idempotent and attempt < self.retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise Auth0Error("cannot connect to %s (%s %s): %s" % (self.domain, method, path, _short(exc)),
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
