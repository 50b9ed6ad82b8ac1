"""Replay recorded real-Auth0 exchanges against the emulator and compare the answers' shapes.

The recordings (tests/fixtures/auth0-recorded/, copied from the go-vcr recordings that the Auth0
Terraform provider and, under go-auth0/, Auth0's Go SDK made on real tenants; see the README there) give, for each exchange, the request sent and
the answer real Auth0 gave. Each file's requests are sent, in order, to a fresh emulated tenant;
ids the recording's answers created are mapped to the ones the emulator created. Compared per
exchange: the status code and the answer's shape (keys present at every depth, JSON value types,
list lengths) plus whether a bindings PATCH gave every binding an id not seen before. Ids,
timestamps and free text are values, so they are never compared.

    PYTHONPATH=tests/emulator python -m replay      # prints the fidelity table
"""
import collections
import glob
import json
import os
import re
import sys
import time
from urllib.parse import parse_qsl

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "auth0-recorded")
# The Go SDK's recordings the replay knows how to start (named, so a recording added there for
# another purpose does not change the fidelity table unseen).
GO_AUTH0 = ("TestActionManager_Test", "TestLogManager", "TestLogManager_CheckpointPagination",
            "TestSessionManager_Delete", "TestSessionManager_Read", "TestSessionManager_Revoke",
            "TestUserManager_DeleteUserSessions", "TestUserManager_ListUserSessions")
LIFETIMES = ("session_lifetime", "idle_session_lifetime", "ephemeral_session_lifetime",
             "idle_ephemeral_session_lifetime")

# Differences kept on purpose: (endpoint, path in the answer) -> why. Everything else must match.
KEPT = {
    # The tenant-wide settings the collection never reads or writes: the emulator answers a fixed,
    # realistic set; matching every tenant's feature flags would only copy one tenant's state.
    ("PATCH /tenants/settings", "non-session field"): "settings outside the session fields are not modelled",
    ("GET /tenants/settings", "non-session field"): "settings outside the session fields are not modelled",
    # The recorded tenant held a binding another test made before this recording started (an action
    # no request of the recording created); the emulated tenant starts empty.
    ("GET /actions/triggers/post-login/bindings", "state from before the recording"):
        "the recorded tenant had a binding from outside the recording",
    # TestActionManager_Test: a dependency's registry_url was answered while the draft was pending or
    # building and left out once built; the emulator answers what was sent. The collection sends no
    # dependencies.
    ("POST /actions/actions", "dependency registry_url"): "a dependency's registry_url comes and goes with the build",
    ("GET /actions/actions/{id}", "dependency registry_url"): "a dependency's registry_url comes and goes with the build",
}


def recordings():
    go_auth0 = [os.path.join(FIXTURES, "go-auth0", name + ".json") for name in GO_AUTH0]
    return sorted(glob.glob(os.path.join(FIXTURES, "*.json"))) + go_auth0


def endpoint(method, path):
    """``METHOD /path`` with ids replaced by ``{id}``, under /api/v2."""
    parts = path.replace("/api/v2", "", 1).split("/")
    out = []
    for index, part in enumerate(parts):
        is_id = (index == 3 and parts[1] == "actions" and parts[2] == "actions") or \
            (index == 2 and parts[1] in ("users", "sessions", "logs"))
        out.append("{id}" if is_id else part)
    return "%s %s" % (method, "/".join(out))


def shape(value):
    if isinstance(value, dict):
        return dict((key, shape(item)) for key, item in value.items())
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def differences(recorded, emulated, where=""):
    """Where two shapes differ, as ``[(path, what)]``."""
    found = []
    if isinstance(recorded, dict) and isinstance(emulated, dict):
        for key in sorted(set(recorded) | set(emulated)):
            path = "%s.%s" % (where, key) if where else key
            if key not in emulated:
                found.append((path, "missing in the emulator's answer"))
            elif key not in recorded:
                found.append((path, "extra in the emulator's answer"))
            else:
                found.extend(differences(recorded[key], emulated[key], path))
    elif isinstance(recorded, list) and isinstance(emulated, list):
        if len(recorded) != len(emulated):
            found.append((where, "%d items recorded, %d emulated" % (len(recorded), len(emulated))))
        for index, (a, b) in enumerate(zip(recorded, emulated)):
            found.extend(differences(a, b, "%s[%d]" % (where, index)))
    elif recorded != emulated:
        found.append((where, "recorded %s, emulated %s" % (_kind(recorded), _kind(emulated))))
    return found


def _kind(shape_value):
    return "object" if isinstance(shape_value, dict) else "array" if isinstance(shape_value, list) else shape_value


def _classify(name, path):
    """The KEPT key a difference falls under, or None when it must be fixed."""
    if name.endswith("/tenants/settings"):
        top = path.split(".")[0].split("[")[0]
        if top not in LIFETIMES and top != "session_cookie":
            return (name, "non-session field")
    if re.match(r"^dependencies\[\d+\]\.registry_url$", path):
        return (name, "dependency registry_url")
    return None


class _Ids(object):
    """Recorded id -> emulated id, learnt from answers that create or list things."""

    def __init__(self):
        self.map = {}

    def learn(self, recorded, emulated):
        if isinstance(recorded, dict) and isinstance(emulated, dict):
            if isinstance(recorded.get("id"), str) and isinstance(emulated.get("id"), str):
                self.map.setdefault(recorded["id"], emulated["id"])
            for key in recorded:
                if key in emulated:
                    self.learn(recorded[key], emulated[key])
        elif isinstance(recorded, list) and isinstance(emulated, list):
            for a, b in zip(recorded, emulated):
                self.learn(a, b)

    def apply(self, value):
        if isinstance(value, str):
            for old, new in self.map.items():
                value = value.replace(old, new)
            return value
        if isinstance(value, dict):
            return dict((key, self.apply(item)) for key, item in value.items())
        if isinstance(value, list):
            return [self.apply(item) for item in value]
        return value


def _binding_ids(body):
    return set(b.get("id") for b in (body or {}).get("bindings") or [] if isinstance(b, dict))


def _seed(tenant, interactions):
    """Start the tenant like the recorded one: the sessions and log events the recording reads, and the
    lifetimes and cookie the first settings answer leaves out."""
    _seed_sessions_and_logs(tenant, interactions)
    for item in interactions:
        if item["path"].endswith("/tenants/settings") and isinstance(item["response"], dict):
            body = item["response"]
            unset = dict((field, None) for field in LIFETIMES if field not in body)
            if unset:
                tenant.set_settings(**unset)
            tenant.set_settings(session_cookie=(body.get("session_cookie") or {}).get("mode"))
            return


def _seed_sessions_and_logs(tenant, interactions):
    """The recorded tenant held the sessions it read and the log events it listed before the recording
    began. The log events are stored as recorded, with as many newer filler events as the pages before
    a recorded page held, so each recorded page is answered from the same events, by the emulator's
    own paging, ordering and filtering."""
    events, fillers = [], 0
    for item in interactions:
        path, answer = item["path"], item["response"]
        if item["method"] != "GET" or item["status"] != 200:
            continue
        if path.startswith("/api/v2/sessions/") and isinstance(answer, dict):
            with tenant.lock:
                tenant.session_store.seed(answer)
        elif path.startswith("/api/v2/logs"):
            events.extend(answer if isinstance(answer, list) else [answer])
            query = dict(parse_qsl(item.get("query") or ""))
            if "page" in query and "q" not in query:
                fillers = max(fillers, int(query["page"]) * int(query.get("per_page") or 50))
    if not events:
        return
    newest = max(e["log_id"] for e in events)
    filler = [dict(events[0], type="s", log_id=str(int(newest) + n + 1)) for n in range(fillers)]
    for event in filler:
        event["_id"] = event["log_id"]
    with tenant.lock:
        tenant.log_store.seed(events + filler)


def replay_file(emu, path):
    """Replay one recording on a fresh tenant: ``[dict(file, index, endpoint, status, problems, kept)]``."""
    with open(path) as handle:
        recording = json.load(handle)
    interactions = recording["interactions"]
    emu.reset()
    tenant = emu.tenant(0)
    tenant.set_faults(build_seconds=0, rate_limit=1000, rate_limit_burst=1000)
    _seed(tenant, interactions)
    session = requests.Session()
    token = session.post(tenant.base_url + "/oauth/token", verify=emu.ca_path, timeout=10, json={
        "grant_type": "client_credentials", "client_id": tenant.client_id, "client_secret": tenant.client_secret,
        "audience": tenant.audience}).json()["access_token"]
    session.headers["Authorization"] = "Bearer " + token
    ids = _Ids()
    seen_bindings = {"recorded": set(), "emulated": set()}
    results = []
    for index, item in enumerate(interactions):
        name = endpoint(item["method"], item["path"])
        url = tenant.base_url + ids.apply(item["path"])
        if item.get("query"):
            url += "?" + ids.apply(item["query"])
        body = ids.apply(item.get("request"))
        if name.endswith("/deploy") or name.endswith("/test"):
            _wait_built(tenant, url.rsplit("/", 1)[0].rsplit("/", 1)[1])
        answer = session.request(item["method"], url, json=body, verify=emu.ca_path, timeout=10)
        emulated = answer.json() if answer.content else None
        problems = []
        kept = []
        reasons = set()
        if answer.status_code != item["status"]:
            problems.append(("status", "recorded %s, emulated %s" % (item["status"], answer.status_code)))
        else:
            foreign = _foreign_bindings(item, ids)
            reasons = set()
            for where, what in differences(shape(item["response"]), shape(emulated)):
                reason = _classify(name, where) or (
                    foreign and where in ("bindings", "total") and (name, "state from before the recording"))
                (kept if reason in KEPT else problems).append((where, what))
                if reason in KEPT:
                    reasons.add(reason)
            ids.learn(item["response"], emulated)
            if name.endswith("/bindings") and item["method"] in ("PATCH", "GET"):
                problems.extend(_renewal(item, emulated, seen_bindings))
            if name == "GET /logs":
                problems.extend(_same_events(item["response"], emulated))
        results.append(dict(file=os.path.relpath(path, FIXTURES), index=index, endpoint=name, status=item["status"],
                            problems=problems, kept=kept, kept_reasons=sorted(reasons)))
    return results


def _foreign_bindings(item, ids):
    """True when a recorded bindings list holds an action the recording never created."""
    if not item["path"].endswith("/bindings") or not isinstance(item["response"], dict):
        return False
    bound = [(b.get("action") or {}).get("id") for b in item["response"].get("bindings") or []]
    return any(action_id not in ids.map for action_id in bound)


def _same_events(recorded, emulated):
    """The log events are seeded with their recorded ids: a page must hold the same ones, in order."""
    recorded_ids = [e.get("log_id") for e in recorded or []]
    emulated_ids = [e.get("log_id") for e in emulated or []] if isinstance(emulated, list) else None
    if recorded_ids != emulated_ids:
        return [("[].log_id", "recorded %s, emulated %s" % (recorded_ids, emulated_ids))]
    return []


def _renewal(item, emulated, seen):
    """A PATCH gives every binding an id never seen before, on both sides alike."""
    recorded_ids, emulated_ids = _binding_ids(item["response"]), _binding_ids(emulated)
    problems = []
    if item["method"] == "PATCH":
        fresh_recorded = not (recorded_ids & seen["recorded"])
        fresh_emulated = not (emulated_ids & seen["emulated"])
        if fresh_recorded != fresh_emulated:
            problems.append(("bindings[].id", "ids renewed: recorded %s, emulated %s" % (fresh_recorded, fresh_emulated)))
    seen["recorded"] |= recorded_ids
    seen["emulated"] |= emulated_ids
    return problems


def _wait_built(tenant, action_id, timeout=10):
    """The recorded client polled until the draft was built before deploying; do the same."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with tenant.lock:
            action = tenant.action_store.actions.get(action_id)
            if action is None or tenant.action_store.status(action) in ("built", "failed"):
                return
        time.sleep(0.02)


def replay_all(emu):
    results = []
    for path in recordings():
        results.extend(replay_file(emu, path))
    return results


def table(results):
    """Markdown: endpoint, exchanges compared, matching, differences kept."""
    rows = collections.OrderedDict()
    for result in sorted(results, key=lambda r: r["endpoint"]):
        row = rows.setdefault(result["endpoint"], [0, 0, 0])
        row[0] += 1
        row[1] += 0 if result["problems"] else 1
        row[2] += 1 if result["kept"] else 0
    lines = ["| endpoint | exchanges compared | matching | with a kept difference |", "|---|---|---|---|"]
    for name, (compared, matching, kept) in rows.items():
        lines.append("| `%s` | %d | %d | %d |" % (name, compared, matching, kept))
    total = [sum(r[i] for r in rows.values()) for i in range(3)]
    lines.append("| **all** | %d | %d | %d |" % tuple(total))
    return "\n".join(lines)


def main():
    sys.path.insert(0, HERE)
    from auth0_emulator import Emulator

    with Emulator(tenants=1, build_seconds=0, seed=11) as emu:
        results = replay_all(emu)
    print(table(results))
    for reason in sorted(set(KEPT[key] for result in results for key in result["kept_reasons"])):
        print("kept: %s" % reason)
    for result in results:
        for where, what in result["problems"]:
            print("DIFF %s #%d %s: %s: %s" % (result["file"], result["index"], result["endpoint"], where, what))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
