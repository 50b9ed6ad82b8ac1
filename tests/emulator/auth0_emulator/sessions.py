"""User sessions (`/users/{id}/sessions`, `/sessions/{id}`) and the test-only sign-in that makes them.

Shapes: tests/fixtures/auth0-recorded/go-auth0/TestSessionManager_Read.json (a session's keys; its
values are placeholders), TestUserManager_ListUserSessions.json (`{"sessions": []}`, recorded only
empty: the `next` cursor is auth0-python's ListUserSessionsPaginatedResponseContent, not a recording),
TestSessionManager_Delete/_Revoke.json and TestUserManager_DeleteUserSessions.json (202, `{}`).
The caller holds the tenant lock, except for `sign_in`, which runs Node outside it.
"""
import copy
import datetime
import importlib.util
import os

from .errors import ApiError
from .runtime import run_action
from .settings import DEFAULT_MINUTES
from .util import check_query, parse_page

MINUTE_MS = 60 * 1000
COOKIE_MODES = ("persistent", "non-persistent")
# The tenant settings that bound a session, by its cookie mode. Auth0's "Configure Session Lifetime"
# page (https://auth0.com/docs/manage-users/sessions/configure-session-lifetime) defines them as the
# "Maximum time ... a persistent / non persistent session can exist" and the "Maximum time of
# inactivity". That a value an Action asks for is clamped to them, and how, is the emulator's
# reading: see tests/emulator/README.md, "Sign-in".
LIMITS = {
    "persistent": ("session_lifetime", "idle_session_lifetime"),
    "non-persistent": ("ephemeral_session_lifetime", "idle_ephemeral_session_lifetime"),
}


def iso(ms):
    moment = datetime.datetime.fromtimestamp(ms / 1000.0, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (int(ms) % 1000)


def now_ms():
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)


class SessionStore:
    def __init__(self, tenant):
        self.tenant = tenant
        self.sessions = {}  # id -> session (API shape), in creation order

    def new_id(self):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.tenant.id_rng.choice(alphabet) for unused in range(32))

    def add(self, session):
        self.sessions[session["id"]] = copy.deepcopy(session)

    def seed(self, session):
        """A session a tenant held before a recording started (the replay)."""
        self.add(session)

    # ---------- API ----------
    def list_for_user(self, user_id, query):
        """Oldest first (the order is not recorded); ``from`` is the exclusive cursor, ``next`` the one
        to pass for the following page, present only while more sessions remain (auth0-python's model)."""
        check_query(query, ("from", "take"))
        take = parse_page(query, 50, 100, size="take")[1]
        mine = [s for s in self.sessions.values() if s["user_id"] == user_id]
        start = 0
        if query.get("from"):
            ids = [s["id"] for s in mine]
            if query["from"] not in ids:
                raise ApiError(400, "Invalid from cursor.", "invalid_query_string")  # wording not recorded
            start = ids.index(query["from"]) + 1
        chunk = mine[start:start + take]
        body = {"sessions": copy.deepcopy(chunk)}
        if start + take < len(mine):
            body["next"] = chunk[-1]["id"]
        return body

    def get(self, session_id):
        if session_id not in self.sessions:
            raise ApiError(404, "The session does not exist.", "session_not_found")  # wording not recorded
        return copy.deepcopy(self.sessions[session_id])

    def delete(self, session_id):
        # Recorded: 202 {} (for the placeholder id "SessionID"); an unknown id answers the same here.
        self.sessions.pop(session_id, None)
        return {}

    def delete_for_user(self, user_id):
        for session_id in [s["id"] for s in self.sessions.values() if s["user_id"] == user_id]:
            del self.sessions[session_id]
        return {}


# ------------------------------------------------------------------ the login event
def _collection_builder():
    """The collection's own builder of a complete Post-Login event from a login in the policy's words
    (plugins/module_utils/_login_event.py, standard library only), loaded by path so the emulator needs
    no Ansible: a test signs a user in with the event the rollout tests the Action with."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "plugins", "module_utils",
                        "_login_event.py")
    spec = importlib.util.spec_from_file_location("sessionguard_login_event", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BUILDER = _collection_builder()


def login_event(tenant, user_id, login, session_id, created, login_at):
    """A complete Post-Login event for ``user_id``'s login in the policy's words
    (``{organization, client, client_name, connection, country, roles, risk_confidence, mfa, app_metadata}``)."""
    login = dict(login or {})
    if isinstance(login.get("organization"), str):
        login["organization"] = {"id": login["organization"], "name": login["organization"]}
    event = _BUILDER.login_event(login, created, login_at)
    return merge(event, {"user": {"user_id": user_id, "email": "%s@example.com" % user_id.split("|")[-1]},
                         "session": {"id": session_id}, "tenant": {"id": tenant.name},
                         "transaction": {"id": "tx_" + session_id[:16]},
                         "request": {"hostname": tenant.domain, "ip": "192.0.2.10",
                                     "user_agent": "Mozilla/5.0 (emulated sign-in)"}})


def merge(base, override):
    """``override`` deep-merged into ``base`` (mappings merge; anything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# ------------------------------------------------------------------ the session the calls make
def apply_calls(calls, settings_minutes, tenant_cookie, created, login_at):
    """``(expires_ms, idle_ms, cookie_mode, clamps)`` from an Action's ``api.session`` calls.

    The rule (tests/emulator/README.md, "Sign-in"): the cookie mode is the last ``setCookieMode``,
    else the tenant's ``session_cookie``, else persistent. The absolute expiry is ``setExpiresAt``
    clamped to ``created + <the mode's absolute lifetime>`` (``created + lifetime`` without a call);
    the idle expiry is ``setIdleExpiresAt`` clamped to ``login + <the mode's idle lifetime>`` and to the
    absolute expiry. Every clamp is one entry of ``clamps`` (one ``w`` event each).
    """
    mode = tenant_cookie if tenant_cookie in COOKIE_MODES else "persistent"
    wanted = {}
    for call in calls:
        name, args = call.get("method"), call.get("args") or []
        if name == "session.setCookieMode" and args and args[0] in COOKIE_MODES:
            mode = args[0]
        elif name in ("session.setExpiresAt", "session.setIdleExpiresAt") and args and \
                isinstance(args[0], (int, float)) and not isinstance(args[0], bool):
            wanted[name] = int(args[0])
    absolute_field, idle_field = LIMITS[mode]
    absolute = settings_minutes.get(absolute_field) or DEFAULT_MINUTES[absolute_field]
    idle = settings_minutes.get(idle_field) or DEFAULT_MINUTES[idle_field]
    clamps = []
    expires = created + absolute * MINUTE_MS
    if "session.setExpiresAt" in wanted:
        if wanted["session.setExpiresAt"] > expires:
            clamps.append(dict(method="setExpiresAt", setting=absolute_field, requested=wanted["session.setExpiresAt"],
                               applied=expires, limit_minutes=absolute))
        else:
            expires = wanted["session.setExpiresAt"]
    idle_limit = login_at + idle * MINUTE_MS
    # The idle expiry never outlives the absolute one.
    limit, setting = (idle_limit, idle_field) if idle_limit <= expires else (expires, "expires_at")
    idle_at = limit
    requested = wanted.get("session.setIdleExpiresAt")
    if requested is not None:
        if requested > limit:
            clamps.append(dict(method="setIdleExpiresAt", setting=setting, requested=requested, applied=limit,
                               limit_minutes=idle if setting == idle_field else None))
        else:
            idle_at = requested
    return expires, idle_at, mode, clamps


def clamp_text(clamp):
    """The ``w`` event's description: the emulator's wording (no ``w`` event is recorded)."""
    if clamp["setting"] == "expires_at":
        return "api.session.%s asked for %s, past the session's absolute expiry; %s applies" % (
            clamp["method"], iso(clamp["requested"]), iso(clamp["applied"]))
    return "api.session.%s asked for %s, past the tenant's %s (%d minutes); %s applies" % (
        clamp["method"], iso(clamp["requested"]), clamp["setting"], clamp["limit_minutes"], iso(clamp["applied"]))


def sign_in(tenant, user_id, login=None, event=None, now=None):
    """Sign ``user_id`` in: run every Action bound to post-login (deployed version, in binding order) in
    Node on a complete login event, then create the session their calls shape and write the log events.

    ``login``: the login in the policy's words; ``event``: fields deep-merged over the event built from
    it; ``now``: the sign-in instant in epoch ms (default: now). Returns ``{"session", "cookie_mode",
    "calls", "clamps", "logs", "error"}``; a failing Action (or ``api.access.deny``) writes an ``f`` event
    and makes no session.
    """
    login_at = int(now) if now is not None else now_ms()
    with tenant.lock:
        session_id = tenant.session_store.new_id()
        built = merge(login_event(tenant, user_id, login, session_id, login_at, login_at), event)
        bound = []
        for binding in tenant.binding_store.by_trigger.get("post-login", []):
            action = tenant.action_store.actions.get(binding["action_id"])
            version = action.deployed_version() if action else None
            if version:
                bound.append((action.name, version["code"],
                              dict((n, s["value"]) for n, s in action.secrets.items())))
        settings_minutes = dict(tenant.settings.minutes)
        tenant_cookie = tenant.settings.cookie_mode
    calls, error = [], None
    for name, code, values in bound:  # Node runs outside the tenant lock
        run = run_action(code, built, values, now_ms=login_at)
        calls.extend(run["calls"])
        if run["error"]:
            error = dict(run["error"], action=name)
            break
    denied = next((c for c in calls if c["method"] == "access.deny"), None)
    if denied and not error:
        error = {"name": "AccessDenied", "message": str((denied["args"] or ["access denied"])[-1]), "stack": ""}
    when = datetime.datetime.fromtimestamp(login_at / 1000.0, datetime.timezone.utc)
    common = dict(client_id=built["client"].get("client_id"), client_name=built["client"].get("name"),
                  connection=built["connection"].get("name"), connection_id=built["connection"].get("id"),
                  strategy="auth0", strategy_type="database", user_id=user_id, user_name=built["user"].get("email"),
                  hostname=tenant.domain, ip=built["request"].get("ip"), user_agent=built["request"].get("user_agent"),
                  organization_id=(built.get("organization") or {}).get("id"),
                  organization_name=(built.get("organization") or {}).get("name"))
    country = (built["request"].get("geoip") or {}).get("countryCode")
    # location_info was never recorded non-null; its keys are auth0-python's LogLocationInfo.
    location = {"country_code": country} if country else None
    with tenant.lock:
        if error:
            failed = tenant.log_store.write("f", error["message"], when, location_info=location,
                                            details={"error": {"message": error["message"], "name": error["name"]}}, **common)
            return {"session": None, "cookie_mode": None, "calls": calls, "clamps": [], "logs": [failed], "error": error}
        expires, idle_at, mode, clamps = apply_calls(calls, settings_minutes, tenant_cookie, login_at, login_at)
        stamp = iso(login_at)
        session = {
            "id": session_id, "user_id": user_id, "created_at": stamp, "updated_at": stamp,
            "authenticated_at": stamp, "idle_expires_at": iso(idle_at), "expires_at": iso(expires),
            "last_interacted_at": stamp,
            "device": {"initial_user_agent": built["request"].get("user_agent"), "initial_ip": built["request"].get("ip"),
                       "initial_asn": "64496", "last_user_agent": built["request"].get("user_agent"),
                       "last_ip": built["request"].get("ip"), "last_asn": "64496"},
            "clients": [{"client_id": built["client"].get("client_id")}],
            "authentication": {"methods": [{"name": m.get("name"), "timestamp": m.get("timestamp"), "type": m.get("name")}
                                           for m in built["authentication"].get("methods") or []]},
        }
        tenant.session_store.add(session)
        logs = [tenant.log_store.write("s", "Successful login", when, location_info=location,
                                       details={"session_id": session_id}, **common)]
        for clamp in clamps:
            logs.append(tenant.log_store.write("w", clamp_text(clamp), when, location_info=location,
                                               details={"session_id": session_id, "method": clamp["method"],
                                                        "setting": clamp["setting"], "requested": iso(clamp["requested"]),
                                                        "applied": iso(clamp["applied"])}, **common))
        return {"session": copy.deepcopy(session), "cookie_mode": mode, "calls": calls, "clamps": clamps,
                "logs": logs, "error": None}
