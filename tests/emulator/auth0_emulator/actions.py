"""Actions: drafts, builds, versions and deploys. Pure state; the caller holds the tenant lock."""
import copy
import threading
import time

from . import build
from .errors import ApiError, invalid_body, not_found
from .util import bool_query, check_query, drop_zero, iso_now, new_uuid, parse_page

RUNTIMES = ("node12", "node16", "node18", "node18-actions", "node22")
DEFAULT_RUNTIME = "node22"
TRIGGERS = [
    {"id": "post-login", "version": "v3", "status": "CURRENT"},
    {"id": "post-login", "version": "v2", "status": "DEPRECATED"},
    {"id": "credentials-exchange", "version": "v2", "status": "CURRENT"},
    {"id": "pre-user-registration", "version": "v2", "status": "CURRENT"},
    {"id": "post-user-registration", "version": "v2", "status": "CURRENT"},
    {"id": "post-change-password", "version": "v2", "status": "CURRENT"},
    {"id": "send-phone-message", "version": "v2", "status": "CURRENT"},
    {"id": "password-reset-post-challenge", "version": "v1", "status": "CURRENT"},
]
TRIGGER_IDS = {t["id"] for t in TRIGGERS}
CREATE_KEYS = {"name", "supported_triggers", "code", "dependencies", "runtime", "secrets", "modules", "deploy"}
UPDATE_KEYS = CREATE_KEYS - {"deploy"}
# Real tenants reject include_totals here (auth0-deploy-cli's source notes it).
LIST_QUERY = ("triggerId", "actionName", "deployed", "page", "per_page", "installed")
PENDING_FRACTION = 0.25  # share of build_seconds spent "pending" before "building"


def triggers_body():
    out = []
    for t in TRIGGERS:
        out.append({
            "id": t["id"], "version": t["version"], "status": t["status"],
            "runtimes": list(RUNTIMES), "default_runtime": DEFAULT_RUNTIME,
            "compatible_triggers": [], "binding_policy": "trigger-bound",
        })
    return {"triggers": out}


class Action:
    def __init__(self, action_id, name):
        self.id = action_id
        self.name = name
        self.supported_triggers = []
        self.code = ""
        self.dependencies = []
        self.runtime = DEFAULT_RUNTIME
        self.secrets = {}  # name -> {"value", "updated_at"}
        self.modules = []
        self.created_at = self.updated_at = iso_now()
        self.built_at = None
        self.versions = []  # oldest first
        self.deployed_version_id = None
        self.unregistered = 0  # binds still refused as "not deployed" after the last deploy
        self.all_changes_deployed = False
        self.auto_deploy = False
        # draft build
        self.build_gen = 0
        self.build_started = 0.0
        self.build_duration = 0.0
        self.build_result = None  # None while the check runs, else list of errors ([] = ok)

    def secrets_public(self):
        return [{"name": n, "updated_at": s["updated_at"]} for n, s in self.secrets.items()]

    def deployed_version(self):
        for v in self.versions:
            if v["id"] == self.deployed_version_id:
                return v
        return None


class ActionStore:
    def __init__(self, tenant):
        self.tenant = tenant  # for rng, lock, faults, build_seconds
        self.actions = {}  # id -> Action (insertion order)

    # ---------- helpers ----------
    def _now(self):
        return time.monotonic()

    def get(self, action_id):
        action = self.actions.get(action_id)
        if action is None:
            raise not_found("That action does not exist.")  # recorded: no errorCode
        self.refresh(action)
        return action

    def by_name(self, name):
        for action in self.actions.values():
            if action.name == name:
                return action
        return None

    def status(self, action):
        self.refresh(action)
        elapsed = self._now() - action.build_started
        if action.build_result is None or elapsed < action.build_duration:
            return "pending" if elapsed < action.build_duration * PENDING_FRACTION else "building"
        return "failed" if action.build_result else "built"

    def refresh(self, action):
        """Apply a finished build's side effects (auto deploy on create with deploy: true)."""
        if action.auto_deploy and action.build_result is not None and \
                self._now() - action.build_started >= action.build_duration:
            action.auto_deploy = False
            if not action.build_result:
                self._deploy(action)

    def _start_build(self, action):
        action.build_gen += 1
        gen = action.build_gen
        action.build_started = self._now()
        action.build_duration = float(self.tenant.build_seconds)
        action.build_result = None
        action.built_at = None
        errors = []
        if self.tenant.consume_fail_build():
            errors.append({"id": "build_failed", "msg": "The build failed (injected fault).", "url": build.DOCS_URL})
        errors += build.dependency_errors(action.dependencies)
        if errors:
            self._finish(action, gen, errors)
            return
        if not self.tenant.knobs.get("check_syntax"):
            # Real Auth0 built a draft with a syntax error (auth0-recorded TestAccAction, the code
            # ends in `};"`), so a syntax check is opt-in.
            self._finish(action, gen, [])
            return
        code = action.code
        lock = self.tenant.lock

        def run():
            try:
                result = build.syntax_errors(code)
            except Exception as exc:  # pylint: disable=broad-except
                # A build that cannot even be checked fails, as Auth0's would, instead of killing this
                # thread and leaving the action "building" forever (lone surrogates cannot be written).
                result = [{"id": "build_failed", "msg": "The build failed: %s" % type(exc).__name__,
                           "url": build.DOCS_URL}]
            with lock:
                self._finish(action, gen, result)

        threading.Thread(target=run, daemon=True, name="build-" + action.id[:8]).start()

    def _finish(self, action, gen, errors):
        if action.build_gen != gen:
            return
        action.build_result = errors
        action.built_at = iso_now()

    # ---------- validation ----------
    def _validate(self, payload, keys, creating):
        if not isinstance(payload, dict):
            raise invalid_body("'Expected type object but found type array'.")
        extra = [k for k in payload if k not in keys]
        if extra:
            raise invalid_body("'Additional properties not allowed: %s'." % ",".join(extra))
        if creating:
            for req in ("name", "supported_triggers"):
                if req not in payload:
                    raise invalid_body("'Missing required property: %s'." % req)
        if "name" in payload and (not isinstance(payload["name"], str) or not payload["name"]):
            raise invalid_body("'String is too short (0 chars), minimum 1' on property name.")
        if "supported_triggers" in payload:
            trig = payload["supported_triggers"]
            if not isinstance(trig, list) or not trig:
                raise invalid_body("'Array is too short (0), minimum 1' on property supported_triggers.")
            for i, t in enumerate(trig):
                if not isinstance(t, dict) or "id" not in t:
                    raise invalid_body("'Missing required property: id' on property supported_triggers[%d]." % i)
                if t["id"] not in TRIGGER_IDS:
                    raise invalid_body("'No enum match for: %s' on property supported_triggers[%d].id." % (t["id"], i))
        if "code" in payload and not isinstance(payload["code"], str):
            raise invalid_body("'Expected type string but found type %s' on property code." % type(payload["code"]).__name__)
        if "runtime" in payload and payload["runtime"] not in RUNTIMES:
            raise invalid_body("'No enum match for: %s' on property runtime." % payload["runtime"])
        for i, d in enumerate(payload.get("dependencies") or []):
            if not isinstance(d, dict) or "name" not in d or "version" not in d:
                raise invalid_body("'Missing required property: version' on property dependencies[%d]." % i)
        if "secrets" in payload:
            if not isinstance(payload["secrets"], list):
                raise invalid_body("'Expected type array but found type object' on property secrets.")
            for i, s in enumerate(payload["secrets"]):
                if not isinstance(s, dict) or not isinstance(s.get("name"), str):
                    raise invalid_body("'Missing required property: name' on property secrets[%d]." % i)

    def _apply(self, action, payload):
        if "name" in payload:
            action.name = payload["name"]
        if "supported_triggers" in payload:
            action.supported_triggers = [
                {"id": t["id"], "version": t.get("version") or _default_version(t["id"])}
                for t in payload["supported_triggers"]]
        if "code" in payload:
            action.code = payload["code"]
        if "runtime" in payload:
            action.runtime = payload["runtime"]
        if "dependencies" in payload:
            action.dependencies = [dict(d) for d in payload["dependencies"] or []]
        if "modules" in payload:
            action.modules = copy.deepcopy(payload["modules"] or [])
        if "secrets" in payload:
            now = iso_now()
            new = {}
            for s in payload["secrets"]:
                old = action.secrets.get(s["name"])
                if "value" in s:
                    updated = old["updated_at"] if old and old["value"] == s["value"] else now
                    new[s["name"]] = {"value": s["value"], "updated_at": updated}
                elif old:
                    new[s["name"]] = old  # name only: keep the stored value
                else:
                    raise invalid_body("'Missing required property: value' on property secrets.")
            action.secrets = new

    # ---------- API ----------
    def create(self, payload):
        self._validate(payload, CREATE_KEYS, True)
        if self.by_name(payload["name"]):
            raise ApiError(409, "An action with the name '%s' already exists." % payload["name"])
        action = Action(new_uuid(self.tenant.id_rng), payload["name"])
        self._apply(action, payload)
        action.auto_deploy = bool(payload.get("deploy"))
        self.actions[action.id] = action
        self._start_build(action)
        return self.to_api(action)

    def update(self, action_id, payload):
        action = self.get(action_id)
        self._validate(payload, UPDATE_KEYS, False)
        if "name" in payload:
            other = self.by_name(payload["name"])
            if other and other is not action:
                raise ApiError(409, "An action with the name '%s' already exists." % payload["name"])
        self._apply(action, payload)
        action.updated_at = iso_now()
        action.all_changes_deployed = False
        self._start_build(action)
        return self.to_api(action)

    def delete(self, action_id, force, bindings):
        action = self.get(action_id)
        bound = bindings.triggers_binding(action.id)
        if bound and not force:
            raise ApiError(409, "The action '%s' is bound to the trigger(s) %s. Unbind it first or delete it with force=true."
                           % (action.name, ", ".join(bound)), "action_is_bound")
        bindings.unbind_action(action.id)
        del self.actions[action.id]

    def deploy(self, action_id):
        """Recorded (auth0-recorded TestAccTriggerActions #7): 200, the new version with
        ``deployed: false`` and no ``built_at``, its ``action`` summary as before the deploy."""
        action = self.get(action_id)
        if self.status(action) != "built":
            raise ApiError(400, "A draft must be in the 'built' state before it can be deployed.")
        before = self.summary(action, versions=False)
        out = copy.deepcopy(self._deploy(action))
        out.pop("built_at", None)
        out["deployed"] = False
        out["action"] = before
        return out

    def registering(self, action):
        """True while a fresh deploy is not yet visible to bindings: each call uses up one of the
        refusals the ``unregistered_binds`` knob gives every deploy (counted, so tests do not race a clock)."""
        if action.unregistered > 0:
            action.unregistered -= 1
            return True
        return False

    def _deploy(self, action):
        now = iso_now()
        for v in action.versions:
            v["deployed"] = False
        version = {
            "id": new_uuid(self.tenant.id_rng),
            "code": action.code,
            "dependencies": copy.deepcopy(action.dependencies),
            "runtime": action.runtime,
            "secrets": action.secrets_public(),
            "supported_triggers": copy.deepcopy(action.supported_triggers),
            "deployed": True,
            "number": len(action.versions) + 1,
            "status": "built",
            "built_at": action.built_at or now,
            "created_at": now,
            "updated_at": now,
        }
        action.versions.append(version)
        action.deployed_version_id = version["id"]
        action.all_changes_deployed = True
        action.unregistered = int(self.tenant.knobs.get("unregistered_binds") or 0)
        return version

    def deploy_version(self, action_id, version_id, payload):
        """Roll back: deploy an earlier version again, as a new version with the old one's content.

        Recorded (tests/fixtures/auth0-recorded/go-auth0/TestActionManager_DeployVersion.json, no body sent):
        200, the new version with a new id and the next number, ``deployed: false`` and the ``action``
        summary as before the deploy, as a draft's deploy answers. ``update_draft`` (Auth0's API reference,
        post-deploy-draft-version; auth0-python's ``actions.versions.deploy``) copies the version into the
        draft; without it the draft is left as it is. The recording cannot show that part (its draft and
        version hold the same code, and it reads nothing after the redeploy): it is the documented default.
        """
        action = self.get(action_id)
        old = next((v for v in action.versions if v["id"] == version_id), None)
        if old is None:
            raise not_found("The action version does not exist.", "action_version_not_found")
        if payload is not None and not isinstance(payload, dict):
            raise invalid_body("'Expected type object but found type array'.")
        extra = [k for k in payload or {} if k != "update_draft"]
        if extra:
            raise invalid_body("'Additional properties not allowed: %s'." % ",".join(extra))
        before = self.summary(action, versions=False)
        now = iso_now()
        for v in action.versions:
            v["deployed"] = False
        version = dict(copy.deepcopy(old), id=new_uuid(self.tenant.id_rng), deployed=True,
                       number=len(action.versions) + 1, created_at=now, updated_at=now)
        action.versions.append(version)
        action.deployed_version_id = version["id"]
        if (payload or {}).get("update_draft"):
            action.code, action.runtime = old["code"], old["runtime"]
            action.dependencies = copy.deepcopy(old["dependencies"])
        action.all_changes_deployed = (action.code, action.runtime, action.dependencies) == \
            (old["code"], old["runtime"], old["dependencies"])
        out = copy.deepcopy(version)
        out["deployed"] = False
        out["action"] = before
        return out

    def list(self, query):
        check_query(query, LIST_QUERY)
        page, per_page = parse_page(query, 50, 100)
        items = list(self.actions.values())
        if query.get("actionName"):
            items = [a for a in items if a.name == query["actionName"]]
        if query.get("triggerId"):
            items = [a for a in items if any(t["id"] == query["triggerId"] for t in a.supported_triggers)]
        deployed = bool_query(query, "deployed")
        if deployed is not None:
            items = [a for a in items if (a.deployed_version_id is not None) == deployed]
        if bool_query(query, "installed"):
            items = []
        chunk = items[page * per_page:(page + 1) * per_page]
        body = {"actions": [self.to_api(a) for a in chunk], "total": len(items), "page": page, "per_page": per_page}
        return drop_zero(body)

    def versions(self, action_id, query):
        action = self.get(action_id)
        check_query(query, ("page", "per_page"))
        page, per_page = parse_page(query, 50, 100)
        items = list(reversed(action.versions))  # newest first
        chunk = items[page * per_page:(page + 1) * per_page]
        return drop_zero({"versions": [self._version_api(action, v) for v in chunk],
                          "total": len(items), "page": page, "per_page": per_page})

    def version(self, action_id, version_id):
        action = self.get(action_id)
        for v in action.versions:
            if v["id"] == version_id:
                return self._version_api(action, v)
        raise not_found("The action version does not exist.", "action_version_not_found")

    # ---------- representations ----------
    def summary(self, action, versions=True):
        """The action as embedded in versions (``versions=False``) and bindings (with its
        ``current_version`` and ``deployed_version``, as recorded in TestAccTriggerActions)."""
        body = {
            "id": action.id,
            "name": action.name,
            "supported_triggers": copy.deepcopy(action.supported_triggers),
            "all_changes_deployed": action.all_changes_deployed,
            "created_at": action.created_at,
            "updated_at": action.updated_at,
        }
        if versions:
            self._add_versions(action, body)
        return body

    def _add_versions(self, action, body):
        current = action.versions[-1] if action.versions else None
        if current:
            # Recorded: the current version is a short form whose status is upper case.
            body["current_version"] = {
                "id": current["id"], "code": current["code"], "runtime": current["runtime"],
                "number": current["number"], "status": current["status"].upper(),
                "build_time": current["built_at"], "created_at": current["created_at"],
                "updated_at": current["updated_at"]}
        deployed = action.deployed_version()
        if deployed:
            body["deployed_version"] = copy.deepcopy(deployed)

    def _version_api(self, action, version):
        out = copy.deepcopy(version)
        out["action"] = self.summary(action, versions=False)
        return out

    def to_api(self, action):
        status = self.status(action)
        body = {
            "id": action.id,
            "name": action.name,
            "supported_triggers": copy.deepcopy(action.supported_triggers),
            "all_changes_deployed": action.all_changes_deployed,
            "created_at": action.created_at,
            "updated_at": action.updated_at,
            "code": action.code,
            "dependencies": copy.deepcopy(action.dependencies),
            "runtime": action.runtime,
            "status": status,
            "secrets": action.secrets_public(),
        }
        if action.modules:
            body["modules"] = copy.deepcopy(action.modules)
        if status == "failed":
            body["errors"] = copy.deepcopy(action.build_result)
        self._add_versions(action, body)
        return body

    def internal(self, action):
        body = self.to_api(action)
        body["versions"] = copy.deepcopy(action.versions)
        return body


def _default_version(trigger_id):
    for t in TRIGGERS:
        if t["id"] == trigger_id and t["status"] == "CURRENT":
            return t["version"]
    return "v1"
