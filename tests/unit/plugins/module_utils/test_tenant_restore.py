"""Restoring one tenant from a report's ``replaced``: which parts, conflicts, check mode, bad records."""
import json

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_restore import check_replaced, restore_policy

V1 = {"id": "v1", "number": 1, "code": "A", "runtime": "node22", "dependencies": []}
V2 = {"id": "v2", "number": 2, "code": "B", "runtime": "node22", "dependencies": []}
REPLACED = {"settings": {"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "1d"}},
            "action": {"id": "act", "name": "policy", "before": {"id": "v1", "number": 1},
                       "after": {"id": "v2", "number": 2}}}


class FakeClient(object):
    """Settings in hours, one action with versions; a redeploy appends a copy, as the emulator does."""

    def __init__(self, idle_hours=24, deployed=None, action_exists=True):
        self.settings = {"idle_session_lifetime": idle_hours}
        self.versions = {"v1": dict(V1), "v2": dict(V2)}
        self.deployed = dict(deployed or V2)
        self.action_exists = action_exists
        self.writes = []
        self.reads = []

    def get(self, path, params=None):
        self.reads.append(path)
        if path == "/api/v2/tenants/settings":
            return dict(self.settings)
        if not self.action_exists:
            raise Auth0Error("The action does not exist.", status=404)
        if "/versions/" in path:
            if path.rsplit("/", 1)[1] not in self.versions:
                raise Auth0Error("HTTP 404 action_version_not_found: The action version does not exist.", status=404)
            return dict(self.versions[path.rsplit("/", 1)[1]])
        return {"id": "act", "deployed_version": dict(self.deployed)}

    def patch(self, path, body, idempotent=False):
        self.writes.append(("PATCH", path, body))
        self.settings["idle_session_lifetime"] = body["idle_session_lifetime_in_minutes"] / 60.0
        return dict(self.settings)

    def post(self, path, body=None, idempotent=False):
        self.writes.append(("POST", path, body))
        old = self.versions[path.split("/")[-2]]
        self.deployed = dict(old, id="v%d" % (len(self.versions) + 1), number=len(self.versions) + 1)
        self.versions[self.deployed["id"]] = self.deployed
        return dict(self.deployed)


def test_restores_both_parts_then_a_rerun_writes_nothing():
    client = FakeClient()
    outcome = restore_policy(client, REPLACED, force=False, check_mode=False)
    assert (outcome["status"], outcome["changed"], outcome["errors"]) == ("restored", True, [])
    assert client.writes == [("PATCH", "/api/v2/tenants/settings", {"idle_session_lifetime_in_minutes": 4320}),
                             ("POST", "/api/v2/actions/actions/act/versions/v1/deploy", {"update_draft": True})]
    assert client.deployed["code"] == "A" and client.deployed["number"] == 3
    # The plan's one settings read is what the write compares against: no second GET.
    assert client.reads.count("/api/v2/tenants/settings") == 1
    client.writes = []
    again = restore_policy(client, REPLACED, force=False, check_mode=False)
    assert (again["status"], again["changed"], client.writes) == ("already_restored", False, [])


def test_check_mode_says_what_it_would_restore_and_writes_nothing():
    client = FakeClient()
    outcome = restore_policy(client, REPLACED, force=False, check_mode=True)
    assert outcome["status"] == "to_restore" and outcome["changed"] and client.writes == []
    assert outcome["diff"] == {"before": {"settings.idle_session_lifetime": "1d",
                                          "action.deployed_version": {"id": "v2", "number": 2}},
                               "after": {"settings.idle_session_lifetime": "3d",
                                         "action.deployed_version": {"id": "v1", "number": 1}}}


def test_a_version_deployed_since_the_report_is_a_conflict_and_nothing_is_written():
    client = FakeClient(deployed={"id": "v9", "number": 9, "code": "C", "runtime": "node22", "dependencies": []})
    outcome = restore_policy(client, REPLACED, force=False, check_mode=False)
    assert outcome["status"] == "changed_since_report" and client.writes == []
    assert [(c["part"], c["current"]) for c in outcome["conflicts"]] == [("action", {"id": "v9", "number": 9})]
    # The settings part was restorable, but the tenant is left whole.
    assert [r["part"] for r in outcome["restores"]] == ["settings"]
    forced = restore_policy(client, REPLACED, force=True, check_mode=False)
    assert forced["status"] == "restored" and len(client.writes) == 2


def test_a_deleted_action_is_a_conflict():
    outcome = restore_policy(FakeClient(action_exists=False), REPLACED, force=False, check_mode=False)
    assert outcome["status"] == "changed_since_report"
    assert outcome["conflicts"][0]["current"] == "deleted"


def test_an_action_the_run_created_and_an_unset_setting_are_notes():
    replaced = {"settings": {"before": {"idle_session_lifetime": None}, "after": {"idle_session_lifetime": "1d"}},
                "action": {"id": "act", "name": "policy", "before": None, "after": {"id": "v2", "number": 2}}}
    client = FakeClient()
    outcome = restore_policy(client, replaced, force=False, check_mode=False)
    assert outcome["status"] == "already_restored" and client.writes == []
    assert len(outcome["notes"]) == 2 and "the run created it" in outcome["notes"][1]


def test_another_tenants_record_is_refused_before_any_request_even_forced():
    client = FakeClient()
    outcome = restore_policy(client, REPLACED, force=True, check_mode=False, domain="b.eu.auth0.com",
                             report_domain="a.eu.auth0.com")
    assert outcome["status"] == "other_tenant" and not outcome["changed"]
    assert client.reads == [] and client.writes == []
    assert outcome["errors"] == [
        "report_domain: the record is of the tenant at a.eu.auth0.com, but this host connects to b.eu.auth0.com; "
        "restoring it here would write another tenant's values, so nothing was restored. Point the host at the "
        "tenant the report names (a custom domain of the same tenant: use the domain the rollout used)"]
    assert outcome["conflicts"] == [dict(part="tenant", field="domain", current="b.eu.auth0.com",
                                         restore_to="a.eu.auth0.com", left_by_run="a.eu.auth0.com")]
    empty = restore_policy(client, REPLACED, force=False, check_mode=False, domain="b.eu.auth0.com", report_domain="")
    assert empty["status"] == "other_tenant" and "names no domain" in empty["errors"][0] and client.reads == []


def test_the_same_domain_in_another_case_is_the_same_tenant():
    client = FakeClient()
    outcome = restore_policy(client, REPLACED, force=False, check_mode=False, domain="A.eu.auth0.com",
                             report_domain="a.eu.auth0.com.")
    assert outcome["status"] == "restored" and len(client.writes) == 2


@pytest.mark.parametrize("force", [False, True])
def test_a_recorded_version_that_is_gone_stops_the_rollback_before_any_write(force):
    client = FakeClient()
    del client.versions["v1"]
    outcome = restore_policy(client, REPLACED, force=force, check_mode=False)
    assert (outcome["status"], outcome["changed"], client.writes) == ("failed", False, [])
    assert outcome["errors"] == ["action policy: version 1 (v1), deployed before the run, no longer exists, so it "
                                 "cannot be redeployed; nothing was restored on this tenant"]
    # The settings were read, and would have been restored: the plan stops the whole tenant.
    assert "/api/v2/actions/actions/act/versions/v1" in client.reads


def test_settings_the_tenant_would_refuse_stop_the_rollback_before_any_write():
    """An idle lifetime restored over the absolute one: refused while planning, so the Action is not redeployed."""
    client = FakeClient()
    client.settings["session_lifetime"] = 48
    replaced = dict(REPLACED, settings={"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "1d"}})
    outcome = restore_policy(client, replaced, force=False, check_mode=False)
    assert (outcome["status"], client.writes) == ("failed", [])
    assert outcome["errors"][0].startswith("tenant settings: idle_session_lifetime: 3d")
    assert outcome["errors"][0].endswith("; nothing was restored")


@pytest.mark.parametrize("before, message", [
    ({"cookie_mode": "evil"}, "replaced.settings.before.cookie_mode: must be one of persistent, non-persistent; got 'evil'"),
    ({"session_lifetime": "100000h"}, "replaced.settings.before.session_lifetime: is 4166d16h, over the enterprise plan's "
                                      "absolute lifetime maximum of 365d (8760 hours)"),
    ({"idle_session_lifetime": "5d"}, "replaced.settings.before.idle_session_lifetime: is 5d, over the self-service plan's "),
])
def test_tampered_values_to_restore_are_refused_as_user_input_is(before, message):
    plan = "self_service" if "idle_session_lifetime" in before else "enterprise"
    errors = check_replaced({"settings": {"before": before, "after": {}}}, plan)
    assert len(errors) == 1 and errors[0].startswith(message), errors


@pytest.mark.parametrize("replaced, message", [
    ({"setings": {}}, "replaced: unknown keys setings (expected settings, action)"),
    ({"settings": {"before": {"idle_session_lifetime": "3x"}}}, "replaced.settings.before.idle_session_lifetime: "),
    ({"settings": {"before": {"friendly_name": "x"}}}, "replaced.settings.before.friendly_name: not a tenant setting"),
    ({"action": {"name": "policy"}}, "replaced.action: must be a mapping with the Action's id"),
    ({"action": {"id": "act", "before": "v1"}}, "replaced.action.before: must be null or a version's id and number"),
])
def test_bad_records_are_refused_naming_the_key(replaced, message):
    errors = check_replaced(replaced)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def _policy_code(session_lifetime_minutes, extra_rule=False):
    rules = [{"name": "kiosks", "match": {"clients": ["kiosk"]}, "set": {"session_lifetime_minutes": session_lifetime_minutes}}]
    if extra_rule:
        rules.append({"name": "admins", "match": {"roles": ["admin"]}, "set": {"cookie_mode": "non-persistent"}})
    return "// header\nconst POLICY = %s;\nexports.onExecutePostLogin = async () => {};\n" % json.dumps(
        {"rules": rules, "default": {"session_lifetime_minutes": 10080}}, sort_keys=True)


def test_check_mode_diff_says_what_the_redeploy_does_to_the_policy_field_by_field():
    client = FakeClient()
    client.versions["v1"]["code"] = _policy_code(480)
    client.versions["v2"]["code"] = client.deployed["code"] = _policy_code(240, extra_rule=True)
    outcome = restore_policy(client, REPLACED, force=False, check_mode=True)
    assert client.writes == []
    entry = [e for e in outcome["restores"] if e["part"] == "action"][0]
    assert entry["policy_changes"] == [
        {"field": 'rules["kiosks"].session_lifetime', "current": "4h", "restore_to": "8h"},
        {"field": 'rules["admins"]', "current": 'when roles ["admin"]: cookie_mode non-persistent', "restore_to": None}]
    assert outcome["diff"]["before"]['action.rules["kiosks"].session_lifetime'] == "4h"
    assert outcome["diff"]["after"]['action.rules["kiosks"].session_lifetime'] == "8h"
    assert outcome["diff"]["after"]['action.rules["admins"]'] is None


def test_versions_that_carry_no_policy_of_ours_add_no_policy_changes():
    # V1 and V2's code ("A", "B") is not a rendered policy Action: the version numbers are all the diff can say.
    outcome = restore_policy(FakeClient(), REPLACED, force=False, check_mode=True)
    assert [e for e in outcome["restores"] if e["part"] == "action"][0].get("policy_changes") is None
