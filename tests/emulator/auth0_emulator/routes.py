"""Management API routing: path + method -> scope and handler over the tenant state."""
import re
from urllib.parse import unquote

from . import runtime
from .actions import triggers_body
from .errors import ApiError, invalid_body
from .util import bool_query

_ROUTES = []


class Request:
    def __init__(self, query, body, info):
        self.query = query
        self.body = body
        self.info = info


def route(method, pattern, scope):
    def wrap(fn):
        _ROUTES.append((method, re.compile("^/api/v2" + pattern + "/?$"), scope, fn))
        return fn
    return wrap


def dispatch(tenant, method, path, query, body, info):
    """Return (status, json body or None). Raises ApiError. The tenant lock is held inside."""
    allowed = []
    for m, regex, scope, fn in _ROUTES:
        match = regex.match(path)
        if not match:
            continue
        if m != method:
            allowed.append(m)
            continue
        tenant.require(info, scope)
        with tenant.lock:
            return fn(tenant, Request(query, body, info), *[unquote(g) for g in match.groups()])
    if allowed:
        raise ApiError(405, "Method Not Allowed")
    raise ApiError(404, "Not Found")


# ---- tenant settings
@route("GET", r"/tenants/settings", "read:tenant_settings")
def get_settings(t, r):
    return 200, t.settings.to_api(r.query.get("fields"), bool_query(r.query, "include_fields") is not False)


@route("PATCH", r"/tenants/settings", "update:tenant_settings")
def patch_settings(t, r):
    return 200, t.settings.patch(r.body, t.plan)


# ---- actions
@route("GET", r"/actions/actions", "read:actions")
def list_actions(t, r):
    return 200, t.action_store.list(r.query)


@route("POST", r"/actions/actions", "create:actions")
def create_action(t, r):
    return 201, t.action_store.create(r.body)


@route("GET", r"/actions/actions/([^/]+)", "read:actions")
def get_action(t, r, action_id):
    return 200, t.action_store.to_api(t.action_store.get(action_id))


@route("PATCH", r"/actions/actions/([^/]+)", "update:actions")
def update_action(t, r, action_id):
    return 200, t.action_store.update(action_id, r.body)


@route("DELETE", r"/actions/actions/([^/]+)", "delete:actions")
def delete_action(t, r, action_id):
    t.action_store.delete(action_id, bool_query(r.query, "force") is True, t.binding_store)
    return 204, None


@route("POST", r"/actions/actions/([^/]+)/deploy", "create:actions")
def deploy_action(t, r, action_id):
    return 200, t.action_store.deploy(action_id)


@route("GET", r"/actions/actions/([^/]+)/versions", "read:actions")
def list_versions(t, r, action_id):
    return 200, t.action_store.versions(action_id, r.query)


@route("GET", r"/actions/actions/([^/]+)/versions/([^/]+)", "read:actions")
def get_version(t, r, action_id, version_id):
    return 200, t.action_store.version(action_id, version_id)


# Scope as for the draft deploy (create:actions, Auth0's Management API reference for
# POST /api/v2/actions/actions/{id}/deploy); unconfirmed for this route.
@route("POST", r"/actions/actions/([^/]+)/versions/([^/]+)/deploy", "create:actions")
def deploy_version(t, r, action_id, version_id):
    return 200, t.action_store.deploy_version(action_id, version_id, r.body)


# Test an Action: https://auth0.com/docs/api/management/v2/actions/post-test-action (its scope in
# Auth0's API definition: create:actions). Runs the built DRAFT. The error answer is recorded
# (tests/fixtures/auth0-recorded/go-auth0/TestActionManager_Test.json); the success answer is the
# emulator's assumption (runtime.test_answer). Node runs with the tenant lock held: /test is rare.
@route("POST", r"/actions/actions/([^/]+)/test", "create:actions")
def test_action(t, r, action_id):
    action = t.action_store.get(action_id)
    if not isinstance(r.body, dict) or not isinstance(r.body.get("payload"), dict):
        raise invalid_body("'Missing required property: payload'.")
    extra = [k for k in r.body if k != "payload"]
    if extra:
        raise invalid_body("'Additional properties not allowed: %s'." % ",".join(extra))
    if t.action_store.status(action) != "built":
        # Not recorded: what Auth0 answers for a draft still building or failed.
        raise ApiError(400, "A draft must be in the 'built' state before it can be tested.")
    if t.knobs.get("action_test_error"):
        return 200, runtime.fault_answer(t.knobs["action_test_error"])
    event = r.body["payload"].get("event")
    if not runtime.NODE:
        # Without Node nothing runs: an answer with no api_calls (a caller can only say "no error").
        return 200, {"payload": {"logs": "", "stats": runtime.stats({}), "api_calls": None}}
    secrets = dict((n, s["value"]) for n, s in action.secrets.items())
    run = runtime.run_action(action.code, event if isinstance(event, dict) else {}, secrets, preflight=True)
    return 200, runtime.test_answer(run)


@route("GET", r"/actions/triggers", "read:actions")
def list_triggers(t, r):
    return 200, triggers_body()


@route("GET", r"/actions/triggers/([^/]+)/bindings", "read:actions")
def list_bindings(t, r, trigger_id):
    return 200, t.binding_store.list(trigger_id, r.query)


@route("PATCH", r"/actions/triggers/([^/]+)/bindings", "update:actions")
def replace_bindings(t, r, trigger_id):
    return 200, t.binding_store.replace(trigger_id, r.body)


@route("GET", r"/actions/modules", "read:actions")
def list_modules(t, r):
    from .util import drop_zero, parse_page
    page, per_page = parse_page(r.query, 50, 100)
    return 200, drop_zero({"modules": [], "total": 0, "page": page, "per_page": per_page})


# ---- clients
@route("GET", r"/clients", "read:clients")
def list_clients(t, r):
    return 200, t.clients_list(r.query, r.info)


# ---- sessions (scopes: Auth0's API reference for each route; shapes: go-auth0 recordings, sessions.py)
@route("GET", r"/users/([^/]+)/sessions", "read:sessions")
def list_user_sessions(t, r, user_id):
    return 200, t.session_store.list_for_user(user_id, r.query)


@route("DELETE", r"/users/([^/]+)/sessions", "delete:sessions")
def delete_user_sessions(t, r, user_id):
    return 202, t.session_store.delete_for_user(user_id)


@route("GET", r"/sessions/([^/]+)", "read:sessions")
def get_session(t, r, session_id):
    return 200, t.session_store.get(session_id)


# Revoke: recorded 202 {} (TestSessionManager_Revoke.json); its scope is our assumption (as for the delete).
@route("POST", r"/sessions/([^/]+)/revoke", "delete:sessions")
@route("DELETE", r"/sessions/([^/]+)", "delete:sessions")
def delete_session(t, r, session_id):
    return 202, t.session_store.delete(session_id)


# ---- logs (logs.py)
@route("GET", r"/logs", "read:logs")
def list_logs(t, r):
    return 200, t.log_store.list(r.query)


@route("GET", r"/logs/([^/]+)", "read:logs")
def get_log(t, r, log_id):
    return 200, t.log_store.get(log_id)
