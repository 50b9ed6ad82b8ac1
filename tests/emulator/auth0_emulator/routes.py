"""Management API routing: path + method -> scope and handler over the tenant state."""
import re

from .actions import triggers_body
from .errors import ApiError
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
            return fn(tenant, Request(query, body, info), *match.groups())
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


# Scope as for the draft deploy (facts file: create:actions deploys); unconfirmed for this route.
@route("POST", r"/actions/actions/([^/]+)/versions/([^/]+)/deploy", "create:actions")
def deploy_version(t, r, action_id, version_id):
    return 200, t.action_store.deploy_version(action_id, version_id, r.body)


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
