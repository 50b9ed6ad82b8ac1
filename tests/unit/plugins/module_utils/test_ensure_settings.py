import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import (
    as_policy, as_result, check_idle_within_absolute, compare, current_from_api, ensure_settings, parse_desired)


class FakeClient(object):
    def __init__(self, body):
        self.body = body
        self.calls = []

    def get(self, path, params=None):
        self.calls.append(("GET", path, None))
        return dict(self.body)

    def patch(self, path, body, idempotent=False):
        self.calls.append(("PATCH", path, body))
        for key, value in body.items():
            if key.endswith("_in_minutes"):
                self.body[key[:-len("_in_minutes")]] = value / 60.0
            else:
                self.body[key] = value
        return dict(self.body)


TENANT = {"session_lifetime": 168, "idle_session_lifetime": 72, "ephemeral_session_lifetime": 72,
          "idle_ephemeral_session_lifetime": 1.5, "friendly_name": "Acme", "flags": {"x": True}}


def test_fractional_hours_equal_minutes_is_no_change():
    desired, errors = parse_desired({"idle_ephemeral_session_lifetime": "90m"}, "enterprise")
    assert not errors
    patch, before, after, changed = compare(desired, current_from_api(TENANT))
    assert (patch, before, after, changed) == ({}, {}, {}, [])


def test_patch_carries_only_differing_fields_as_minutes():
    desired, unused = parse_desired({"session_lifetime": "7d", "idle_session_lifetime": "2h", "cookie_mode": "non-persistent"},
                                    "enterprise")
    patch, before, after, changed = compare(desired, current_from_api(TENANT))
    assert patch == {"idle_session_lifetime_in_minutes": 120, "session_cookie": {"mode": "non-persistent"}}
    assert before == {"idle_session_lifetime": "3d", "cookie_mode": "persistent"}
    assert after == {"idle_session_lifetime": "2h", "cookie_mode": "non-persistent"}
    assert changed == ["idle_session_lifetime", "cookie_mode"]


def test_missing_session_cookie_reads_as_persistent():
    assert current_from_api({"session_cookie": None})["cookie_mode"] == "persistent"
    assert current_from_api({})["cookie_mode"] == "persistent"


def test_idle_over_current_absolute_is_refused_naming_both():
    errors = check_idle_within_absolute({"idle_session_lifetime": 200 * 60}, current_from_api(TENANT))
    assert errors == ["idle_session_lifetime: 8d8h must not exceed session_lifetime, which is 7d "
                      "(the tenant's current value; set session_lifetime too)"]


def test_idle_check_uses_desired_twin():
    errors = check_idle_within_absolute({"session_lifetime": 60, "idle_session_lifetime": 120}, current_from_api(TENANT))
    assert errors == ["idle_session_lifetime: 2h must not exceed session_lifetime, which is 1h"]


def test_all_input_errors_reported_together():
    unused, errors = parse_desired({"session_lifetime": "7x", "idle_session_lifetime": "0m", "cookie_mode": "sometimes"},
                                   "enterprise")
    assert [e.split(":")[0] for e in errors] == ["session_lifetime", "idle_session_lifetime", "cookie_mode"]


def test_enforce_check_mode_reads_only():
    client = FakeClient(dict(TENANT))
    desired, unused = parse_desired({"session_lifetime": "4d"}, "enterprise")
    outcome = ensure_settings(client, desired, check_mode=True)
    assert outcome["changed"] and outcome["settings"]["session_lifetime"] == {"minutes": 5760, "human": "4d"}
    assert [c[0] for c in client.calls] == ["GET"]


def test_enforce_writes_once_then_converges():
    client = FakeClient(dict(TENANT))
    desired, unused = parse_desired({"session_lifetime": "4d", "idle_ephemeral_session_lifetime": 5 / 60.0}, "enterprise")
    first = ensure_settings(client, desired, check_mode=False)
    assert first["changed"] and not first["errors"]
    assert client.calls[1] == ("PATCH", "/api/v2/tenants/settings",
                               {"session_lifetime_in_minutes": 5760, "idle_ephemeral_session_lifetime_in_minutes": 5})
    client.calls = []
    second = ensure_settings(client, desired, check_mode=False)
    assert not second["changed"] and [c[0] for c in client.calls] == ["GET"]


def test_enforce_reports_a_silent_cap():
    class CappingClient(FakeClient):
        def patch(self, path, body, idempotent=False):
            result = FakeClient.patch(self, path, body)
            result["session_lifetime"] = 720
            return result
    desired, unused = parse_desired({"session_lifetime": "60d"}, "enterprise")
    outcome = ensure_settings(CappingClient(dict(TENANT)), desired, check_mode=False)
    assert outcome["errors"] == ["session_lifetime: sent 60d, the tenant stored 30d"]


def test_idle_from_the_tenant_over_a_desired_absolute_says_so():
    errors = check_idle_within_absolute({"session_lifetime": 60}, current_from_api(TENANT))
    assert errors == ["idle_session_lifetime: 3d (the tenant's current value; set idle_session_lifetime too) "
                      "must not exceed session_lifetime, which is 1h"]


@pytest.mark.parametrize("body, fragment", [
    ([{"session_lifetime": 168}], "answer is a list, not an object"),
    ({"session_lifetime": "168"}, "session_lifetime is not a number of hours; got '168'"),
    ({"idle_session_lifetime": float("inf")}, "idle_session_lifetime is not a number of hours"),
])
def test_an_unexpected_settings_body_is_an_error_not_a_crash(body, fragment):
    with pytest.raises(Auth0Error, match="nothing was changed") as info:
        current_from_api(body)
    assert fragment in str(info.value)


# A tenant that never set the non-persistent lifetimes nor the cookie, as recorded on a real tenant
# (auth0-recorded TestAccTenant_EnableSSO and TestAccTenant_Main): the GET leaves them out.
SPARSE = {"session_lifetime": 168, "idle_session_lifetime": 72, "friendly_name": "x"}


def test_missing_fields_read_as_not_set():
    current = current_from_api(SPARSE)
    assert current["ephemeral_session_lifetime"] is None and current["idle_ephemeral_session_lifetime"] is None
    result = as_result(current)
    assert sorted(result) == ["cookie_mode", "idle_session_lifetime", "session_lifetime"]
    assert as_policy(current) == {"session_lifetime": "7d", "idle_session_lifetime": "3d", "cookie_mode": "persistent"}
    assert None not in as_policy(current).values()


def test_missing_fields_diff_and_idle_check():
    current = current_from_api(SPARSE)
    # Setting only the idle twin of a lifetime that is not set: nothing to compare against.
    assert check_idle_within_absolute({"idle_ephemeral_session_lifetime": 600}, current) == []
    patch, before, after, changed = compare({"ephemeral_session_lifetime": 600}, current)
    assert patch == {"ephemeral_session_lifetime_in_minutes": 600}
    assert before == {"ephemeral_session_lifetime": "not set"} and after == {"ephemeral_session_lifetime": "10h"}


def test_ensure_settings_on_a_sparse_tenant_sets_and_converges():
    client = FakeClient(dict(SPARSE))
    desired, unused = parse_desired({"ephemeral_session_lifetime": "10h"}, "enterprise")
    outcome = ensure_settings(client, desired, check_mode=True)
    assert outcome["changed"] and [c[0] for c in client.calls] == ["GET"]
    assert outcome["diff"]["before"] == {"ephemeral_session_lifetime": "not set"}
    outcome = ensure_settings(client, desired, check_mode=False)
    assert outcome["changed"] and outcome["errors"] == []
    assert outcome["settings"]["ephemeral_session_lifetime"] == {"minutes": 600, "human": "10h"}
    assert "idle_ephemeral_session_lifetime" not in outcome["settings"]


def test_a_failed_request_is_an_error_in_the_outcome_not_an_exception():
    class Refusing(FakeClient):
        def get(self, path, params=None):
            raise Auth0Error("HTTP 403 insufficient_scope: Insufficient scope (GET /api/v2/tenants/settings)",
                             status=403)
    outcome = ensure_settings(Refusing(dict(TENANT)), {"session_lifetime": 60}, check_mode=False)
    assert outcome["changed"] is False and outcome["settings"] is None
    assert outcome["errors"] == ["HTTP 403 insufficient_scope: Insufficient scope (GET /api/v2/tenants/settings)"]

    class PatchRefused(FakeClient):
        def patch(self, path, body, idempotent=False):
            raise Auth0Error("HTTP 400 invalid_body: Payload validation error", status=400)
    outcome = ensure_settings(PatchRefused(dict(TENANT)), {"session_lifetime": 6000}, check_mode=False)
    assert outcome["changed"] is False and "invalid_body" in outcome["errors"][0]
    assert outcome["settings"]["session_lifetime"]["minutes"] == TENANT["session_lifetime"] * 60
