"""Per-tenant rate limiting (token bucket) and fault injection knobs."""
import math
import re
import time

KNOBS = {
    "rate_limit": 50.0,        # bucket refill, requests per second
    "rate_limit_burst": 50,    # bucket capacity (x-ratelimit-limit)
    "rate_limit_ratio": 0.0,   # fraction of requests answered 429
    "retry_after": False,      # add Retry-After to 429s
    "error_ratio": 0.0,        # fraction of requests answered 5xx
    "rules": [],               # targeted faults (see Rule)
    "latency_ms": None,        # None: the emulator-wide default
    "token_ttl": 86400,        # expires_in of new tokens, seconds
    "build_seconds": None,     # None: the emulator-wide default
    "fail_builds": 0,          # the next N builds fail
    "scopes": None,            # scopes granted to new tokens; None: all
    "unregistered_binds": 0,   # after a deploy, this many binds of the action meet "not deployed"
    "check_syntax": False,     # builds fail on a `node --check` error (real Auth0 built such code)
    "action_test_error": None,  # POST .../test answers this runtime error ({name, message} or a message)
}

LB_HTML = {
    500: "<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center></body></html>\n",
    502: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    503: ("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
          "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"),
    504: "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n",
}
JSON_MESSAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class TokenBucket:
    def __init__(self, rate, burst):
        self.rate = float(rate)
        self.burst = int(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def configure(self, rate, burst):
        self._refill()
        self.rate = float(rate)
        self.burst = int(burst)
        self.tokens = min(self.tokens, self.burst)

    def _refill(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self):
        """Take one token; return (allowed, headers)."""
        self._refill()
        allowed = self.tokens >= 1
        if allowed:
            self.tokens -= 1
        return allowed, self.headers()

    def headers(self, reset_in=None):
        missing = self.burst - self.tokens
        if reset_in is None:
            reset_in = missing / self.rate if self.rate > 0 else 3600
        return {
            "x-ratelimit-limit": str(self.burst),
            "x-ratelimit-remaining": str(max(0, int(math.floor(self.tokens)))),
            "x-ratelimit-reset": str(int(math.ceil(time.time() + reset_in))),
        }


class Rule:
    """{method, path (regex, searched in the path without query), status, body: json|html,
    times: N (None = unlimited), after_effect: bool, hang_seconds: S, close: bool}"""

    FIELDS = {"method", "path", "status", "body", "times", "after_effect", "hang_seconds", "close", "message"}

    def __init__(self, spec):
        unknown = set(spec) - self.FIELDS
        if unknown:
            raise ValueError("unknown rule fields: %s" % ", ".join(sorted(unknown)))
        self.spec = dict(spec)
        self.method = (spec.get("method") or "").upper() or None
        try:
            self.path = re.compile(spec["path"]) if spec.get("path") else None
        except re.error as err:
            raise ValueError("bad path regex %r: %s" % (spec["path"], err))
        self.status = spec.get("status")
        self.body = spec.get("body", "json")
        self.times = spec.get("times")
        self.after_effect = bool(spec.get("after_effect"))
        self.hang_seconds = float(spec.get("hang_seconds") or 0)
        self.close = bool(spec.get("close"))
        self.message = spec.get("message")
        if self.body not in ("json", "html"):
            raise ValueError("rule body must be 'json' or 'html'")

    def matches(self, method, path):
        if self.times is not None and self.times <= 0:
            return False
        if self.method and self.method != method:
            return False
        if self.path and not self.path.search(path):
            return False
        return True

    def consume(self):
        if self.times is not None:
            self.times -= 1

    def public(self):
        out = dict(self.spec)
        out["times_left"] = self.times
        return out
