"""One emulated tenant: its state, tokens, request log and faults, behind one lock."""
import base64
import copy
import hashlib
import json
import random
import secrets
import string
import threading
import time

from .actions import ActionStore
from .bindings import BindingStore
from .errors import ApiError, OAuthError
from .faults import KNOBS, JSON_MESSAGES, LB_HTML, Rule, TokenBucket
from .logs import LogStore
from .sessions import SessionStore, sign_in
from .settings import PLAN_LIMITS, Settings

ALL_SCOPES = [
    "read:tenant_settings", "update:tenant_settings",
    "read:actions", "create:actions", "update:actions", "delete:actions",
    "read:clients",
    "read:logs", "read:sessions", "delete:sessions",
]
PLANS = tuple(PLAN_LIMITS)


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Tenant:
    def __init__(self, emulator, name, index):
        self.emulator = emulator
        self.name = name
        self.index = index
        self.lock = threading.RLock()
        self.port = None
        self.plan = emulator.plan
        cred_rng = random.Random("credentials:%s:%s" % (emulator.seed, name))
        alphabet = string.ascii_letters + string.digits
        self.client_id = "".join(cred_rng.choice(alphabet) for unused in range(32))
        self.client_secret = "".join(cred_rng.choice(alphabet + "-_") for unused in range(64))
        self.global_client_id = "".join(cred_rng.choice(alphabet) for unused in range(32))
        self._reset_state()

    # ------------------------------------------------------------ state
    def _reset_state(self):
        with self.lock:
            seed = self.emulator.seed
            self.id_rng = random.Random("ids:%s:%s" % (seed, self.name))
            self.fault_rng = random.Random("faults:%s:%s" % (seed, self.name))
            self.settings = Settings(self.name)
            self.action_store = ActionStore(self)
            self.binding_store = BindingStore(self, self.action_store)
            self.session_store = SessionStore(self)
            self.log_store = LogStore(self)
            self.tokens = {}  # access_token -> {short, exp, scopes}
            self.issued = 0
            self.log = []
            self.seq = 0
            self.knobs = copy.deepcopy(KNOBS)
            self.rules = []
            self.bucket = TokenBucket(self.knobs["rate_limit"], self.knobs["rate_limit_burst"])

    def reset(self):
        self._reset_state()
        self.plan = self.emulator.plan

    @property
    def domain(self):
        return "localhost:%d" % self.port

    @property
    def base_url(self):
        return "https://%s" % self.domain

    @property
    def audience(self):
        return "https://%s/api/v2/" % self.domain

    @property
    def build_seconds(self):
        v = self.knobs["build_seconds"]
        return self.emulator.build_seconds if v is None else v

    @property
    def latency_ms(self):
        v = self.knobs["latency_ms"]
        return self.emulator.latency_ms if v is None else v

    # ------------------------------------------------------------ Python API
    def requests(self):
        with self.lock:
            return copy.deepcopy(self.log)

    def writes(self):
        return [r for r in self.requests() if r["write"]]

    def clear_requests(self):
        with self.lock:
            self.log = []

    def settings_minutes(self):
        with self.lock:
            return self.settings.snapshot_minutes()

    def set_settings(self, **kw):
        """A Dashboard edit behind the tool's back (minutes); not logged."""
        with self.lock:
            self.settings.dashboard_edit(**kw)

    def settings_api(self):
        with self.lock:
            return self.settings.to_api()

    def actions(self):
        with self.lock:
            return [self.action_store.internal(a) for a in self.action_store.actions.values()]

    def bindings(self, trigger_id=None):
        with self.lock:
            snap = self.binding_store.snapshot()
        return snap.get(trigger_id, []) if trigger_id else snap

    def sign_in(self, user_id, login=None, event=None, now=None):
        """Test-only: a user signs in; the bound Action runs in Node and shapes the session (sessions.sign_in)."""
        return sign_in(self, user_id, login=login, event=event, now=now)

    def sessions(self, user_id=None):
        with self.lock:
            return [copy.deepcopy(s) for s in self.session_store.sessions.values() if user_id is None or s["user_id"] == user_id]

    def log_events(self, event_type=None):
        """Every log event, oldest first (``event_type``: only that type)."""
        with self.lock:
            return [copy.deepcopy(e) for e in self.log_store.events if event_type is None or e["type"] == event_type]

    def secret_value(self, action_name, secret_name):
        with self.lock:
            action = self.action_store.by_name(action_name)
            if action is None or secret_name not in action.secrets:
                raise KeyError((action_name, secret_name))
            return action.secrets[secret_name]["value"]

    def set_faults(self, **knobs):
        unknown = [k for k in knobs if k not in KNOBS]
        if unknown:
            raise ValueError("unknown fault knob: %s" % ", ".join(unknown))
        rules = [Rule(r) for r in (knobs.get("rules") or [])]  # validate before changing anything
        with self.lock:
            for key, value in knobs.items():
                if key == "rules":
                    self.rules = rules
                self.knobs[key] = copy.deepcopy(value)
            if "rate_limit" in knobs or "rate_limit_burst" in knobs:
                self.bucket.configure(self.knobs["rate_limit"], self.knobs["rate_limit_burst"])

    def faults(self):
        with self.lock:
            out = copy.deepcopy(self.knobs)
            out["rules"] = [r.public() for r in self.rules]
            return out

    def set_scopes(self, scopes):
        self.set_faults(scopes=list(scopes) if scopes is not None else None)

    def set_plan(self, plan):
        if plan not in PLANS:
            raise ValueError("plan must be one of %s" % ", ".join(PLANS))
        with self.lock:
            self.plan = plan

    def token_count(self):
        with self.lock:
            return self.issued

    def issued_tokens(self):
        """Every access token issued (also: the dict self.tokens, token -> {short, exp, scopes})."""
        with self.lock:
            return list(self.tokens)

    def expire_tokens(self):
        """Make every issued token expired now."""
        with self.lock:
            for info in self.tokens.values():
                info["exp"] = time.time() - 1

    def info(self):
        return {"name": self.name, "domain": self.domain, "client_id": self.client_id,
                "client_secret": self.client_secret}

    def state(self):
        with self.lock:
            return {
                **self.info(),
                "plan": self.plan,
                "settings": self.settings.to_api(),
                "settings_minutes": self.settings.snapshot_minutes(),
                "actions": self.actions(),
                "bindings": self.bindings(),
                "faults": self.faults(),
                "token_count": self.issued,
                "request_count": len(self.log),
            }

    # ------------------------------------------------------------ request log
    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.log.append(entry)

    # ------------------------------------------------------------ faults
    def consume_fail_build(self):
        with self.lock:
            if self.knobs["fail_builds"] > 0:
                self.knobs["fail_builds"] -= 1
                return True
            return False

    def decide(self, method, path):
        """Rate limit and fault decisions for one request.

        Returns (fault or None, rate-limit headers). fault is a dict:
        {status, body: json|html, payload (bytes/obj), headers, after_effect, hang, close}.
        """
        with self.lock:
            allowed, headers = self.bucket.take()
            if not allowed:
                return self._too_many(), headers
            rule = next((r for r in self.rules if r.matches(method, path)), None)
            if rule:
                rule.consume()
                return self._from_rule(rule), headers
            if self.knobs["rate_limit_ratio"] and self.fault_rng.random() < self.knobs["rate_limit_ratio"]:
                fault = self._too_many()
                headers = dict(headers)
                headers["x-ratelimit-remaining"] = "0"
                headers["x-ratelimit-reset"] = str(int(time.time()) + 1)
                return fault, headers
            if self.knobs["error_ratio"] and self.fault_rng.random() < self.knobs["error_ratio"]:
                status = self.fault_rng.choice([500, 502, 503, 504])
                html = status in (502, 504) or (status == 503 and self.fault_rng.random() < 0.5)
                return self._error(status, "html" if html else "json"), headers
            return None, headers

    def _too_many(self):
        fault = self._error(429, "json")
        fault["payload"] = {"statusCode": 429, "error": "Too Many Requests",
                            "message": "Global limit has been reached", "errorCode": "too_many_requests"}
        if self.knobs["retry_after"]:
            fault["headers"]["Retry-After"] = "1"
        return fault

    def _error(self, status, body, message=None):
        if body == "html":
            payload = LB_HTML.get(status) or ("<html><body><h1>%d</h1></body></html>\n" % status)
        else:
            payload = ApiError(status, message or JSON_MESSAGES.get(status, "Error")).body()
        return {"status": status, "body": body, "payload": payload, "headers": {},
                "after_effect": False, "hang": 0.0, "close": False}

    def _from_rule(self, rule):
        if rule.status:
            fault = self._error(int(rule.status), rule.body, rule.message)
            if int(rule.status) == 429:
                fault["payload"] = self._too_many()["payload"]
        else:
            fault = {"status": None, "body": None, "payload": None, "headers": {}}
        fault.update(after_effect=rule.after_effect, hang=rule.hang_seconds, close=rule.close)
        return fault

    # ------------------------------------------------------------ tokens
    def issue_token(self, params):
        grant = params.get("grant_type")
        if not grant:
            raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type")
        if grant != "client_credentials":
            raise OAuthError(403, "unauthorized_client", "Grant type '%s' not allowed for the client." % grant)
        if not params.get("client_id"):
            raise OAuthError(401, "invalid_client", "Missing required parameter: client_id")
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            raise OAuthError(401, "access_denied", "Unauthorized")
        audience = params.get("audience")
        if not audience:
            raise OAuthError(403, "access_denied",
                             "No audience parameter was provided, and no default audience has been configured")
        if audience != self.audience:
            raise OAuthError(403, "access_denied", "Service not enabled within domain: %s" % audience)
        with self.lock:
            scopes = self.knobs["scopes"]
            scopes = list(ALL_SCOPES) if scopes is None else list(scopes)
            ttl = int(self.knobs["token_ttl"])
            now = int(time.time())
            header = {"alg": "RS256", "typ": "JWT", "kid": "emulator-" + self.name}
            claims = {"iss": "https://%s/" % self.domain, "sub": self.client_id + "@clients",
                      "aud": self.audience, "iat": now, "exp": now + ttl, "scope": " ".join(scopes),
                      "gty": "client-credentials", "azp": self.client_id,
                      "jti": secrets.token_hex(16)}
            token = ".".join([_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()),
                              _b64(secrets.token_bytes(256))])
            short = hashlib.sha256(token.encode()).hexdigest()[:10]
            self.tokens[token] = {"short": short, "exp": time.time() + ttl, "scopes": set(scopes)}
            self.issued += 1
        return {"access_token": token, "expires_in": ttl, "scope": " ".join(scopes), "token_type": "Bearer"}

    def check_token(self, authorization):
        """Return (token info or None, ApiError or None)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None, ApiError(401, "Invalid token", "invalid_token")
        token = authorization[7:].strip()
        with self.lock:
            info = self.tokens.get(token)
        if info is None:
            return None, ApiError(401, "Invalid token", "invalid_token")
        if time.time() >= info["exp"]:
            return info, ApiError(401, "Expired token received for JSON Web Token validation", "invalid_token")
        return info, None

    @staticmethod
    def require(info, scope):
        if scope and scope not in info["scopes"]:
            raise ApiError(403, "Insufficient scope, expected any of: %s" % scope, "insufficient_scope")

    # ------------------------------------------------------------ clients
    def clients_list(self, query, info):
        from .util import bool_query, parse_page
        page, per_page = parse_page(query, 50, 100)
        clients = [
            {"tenant": self.name, "global": True, "callbacks": [], "is_first_party": True,
             "name": "All Applications", "client_id": self.global_client_id,
             "callback_url_template": False, "is_token_endpoint_ip_header_trusted": False,
             "oidc_conformant": False, "sso_disabled": False, "cross_origin_auth": False,
             "custom_login_page_on": True},
            {"tenant": self.name, "global": False, "is_first_party": True,
             "name": "Ansible collection (emulator M2M)", "client_id": self.client_id,
             "app_type": "non_interactive", "grant_types": ["client_credentials"],
             "token_endpoint_auth_method": "client_secret_post", "callbacks": [],
             "allowed_origins": [], "web_origins": [], "allowed_logout_urls": [],
             "oidc_conformant": True, "sso_disabled": False, "cross_origin_auth": False,
             "is_token_endpoint_ip_header_trusted": False, "custom_login_page_on": True,
             "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000, "secret_encoded": False},
             "signing_keys": [{"cert": "-----BEGIN CERTIFICATE-----\n...", "pkcs7": "...", "subject": "/CN=%s" % self.domain}]},
        ]
        if "read:client_keys" in info["scopes"]:
            clients[1]["client_secret"] = self.client_secret
        is_global = bool_query(query, "is_global")
        if is_global is not None:
            clients = [c for c in clients if c["global"] == is_global]
        if query.get("fields"):
            wanted = {f.strip() for f in query["fields"].split(",")}
            keep = bool_query(query, "include_fields") is not False
            clients = [{k: v for k, v in c.items() if (k in wanted) == keep} for c in clients]
        chunk = clients[page * per_page:(page + 1) * per_page]
        if bool_query(query, "include_totals"):
            return {"clients": chunk, "start": page * per_page, "limit": per_page,
                    "length": len(chunk), "total": len(clients)}
        return chunk
