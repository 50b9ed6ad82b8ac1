"""Trigger bindings: the ordered list of actions bound to each trigger. Caller holds the tenant lock."""
import copy

from .actions import TRIGGER_IDS
from .errors import ApiError, invalid_body, not_found
from .util import check_query, drop_zero, iso_now, new_uuid, parse_page


class BindingStore:
    def __init__(self, tenant, actions):
        self.tenant = tenant
        self.actions = actions
        self.by_trigger = {}  # trigger id -> [ {id, action_id, display_name, created_at, updated_at} ]

    def _trigger(self, trigger_id):
        if trigger_id not in TRIGGER_IDS:
            raise not_found("The trigger '%s' does not exist." % trigger_id, "trigger_not_found")
        return self.by_trigger.setdefault(trigger_id, [])

    def triggers_binding(self, action_id):
        return [t for t, items in self.by_trigger.items() if any(b["action_id"] == action_id for b in items)]

    def unbind_action(self, action_id):
        for trigger_id, items in self.by_trigger.items():
            self.by_trigger[trigger_id] = [b for b in items if b["action_id"] != action_id]

    def to_api(self, trigger_id, binding):
        action = self.actions.actions.get(binding["action_id"])
        summary = self.actions.summary(action) if action else None
        if action and action.deployed_version():
            # A real tenant embeds the deployed version, code included (recorded: shared fixture
            # TestAccTriggerActions.json, the bindings PATCH answer).
            summary["deployed_version"] = copy.deepcopy(action.deployed_version())
        return {
            "id": binding["id"],
            "trigger_id": trigger_id,
            "display_name": binding["display_name"],
            "action": summary,
            "created_at": binding["created_at"],
            "updated_at": binding["updated_at"],
        }

    def list(self, trigger_id, query):
        items = self._trigger(trigger_id)
        check_query(query, ("page", "per_page"))
        # Recorded (TestAccTriggerActions): per_page=100 is accepted, and a page after the first
        # carries page and per_page but no total.
        page, per_page = parse_page(query, 20, 100)
        chunk = items[page * per_page:(page + 1) * per_page]
        body = {"bindings": [self.to_api(trigger_id, b) for b in chunk], "page": page, "per_page": per_page}
        if not page:
            body["total"] = len(items)
        return drop_zero(body)

    def replace(self, trigger_id, payload):
        current = self._trigger(trigger_id)
        if not isinstance(payload, dict) or "bindings" not in payload:
            raise invalid_body("'Missing required property: bindings'.")
        extra = [k for k in payload if k != "bindings"]
        if extra:
            raise invalid_body("'Additional properties not allowed: %s'." % ",".join(extra))
        if not isinstance(payload["bindings"], list):
            raise invalid_body("'Expected type array but found type object' on property bindings.")
        resolved = []  # (action, display_name, existing binding or None)
        for i, item in enumerate(payload["bindings"]):
            ref = item.get("ref") if isinstance(item, dict) else None
            if not isinstance(ref, dict) or "type" not in ref or "value" not in ref:
                raise invalid_body("'Missing required property: ref' on property bindings[%d]." % i)
            kind, value = ref["type"], ref["value"]
            existing = None
            if kind == "action_id":
                action = self.actions.actions.get(value)
                if action is None:
                    raise not_found("The action with id '%s' does not exist." % value, "action_not_found")
            elif kind == "action_name":
                action = self.actions.by_name(value)
                if action is None:
                    raise not_found("The action with name '%s' does not exist." % value, "action_not_found")
            elif kind == "binding_id":
                existing = next((b for b in current if b["id"] == value), None)
                if existing is None:
                    raise not_found("The binding with id '%s' does not exist." % value, "binding_not_found")
                action = self.actions.actions.get(existing["action_id"])
            else:
                raise invalid_body("'No enum match for: %s' on property bindings[%d].ref.type." % (kind, i))
            if action.deployed_version_id is None or self.actions.registering(action):
                raise ApiError(400, "The action '%s' (%s) has not been deployed. "
                                    "An action must be deployed before it can be bound to a trigger."
                               % (action.name, action.id), "action_not_deployed")
            if not any(t["id"] == trigger_id for t in action.supported_triggers):
                raise ApiError(400, "The action '%s' does not support the trigger '%s'."
                               % (action.name, trigger_id), "trigger_not_supported")
            if any(r[0] is action for r in resolved):
                raise ApiError(400, "The action '%s' is bound more than once to the trigger '%s'."
                               % (action.name, trigger_id), "duplicate_binding")
            display = item.get("display_name") or action.name
            resolved.append((action, display, existing))
        # Recorded (TestAccTriggerActions): every PATCH gives every binding a new id and created_at,
        # even one whose action stays bound, so a binding id never outlives the next PATCH.
        now = iso_now()
        new_list = [{"id": new_uuid(self.tenant.id_rng), "action_id": action.id, "display_name": display,
                     "created_at": now, "updated_at": now} for action, display, unused in resolved]
        self.by_trigger[trigger_id] = new_list
        return {"bindings": [self.to_api(trigger_id, b) for b in new_list]}

    def snapshot(self):
        return {t: [self.to_api(t, b) for b in items] for t, items in self.by_trigger.items() if items}
