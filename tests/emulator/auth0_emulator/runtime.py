"""Running Action code: `POST /actions/actions/{id}/test` and the emulated sign-in both run the
code in Node (runtime.js), with an `api` that records every call. Without Node nothing runs."""
import json
import os
import subprocess
import time

from .build import NODE

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runtime.js")
TIMEOUT = 20  # seconds: a hung Action must not hang the emulator (the value is ours)


class RuntimeUnavailable(RuntimeError):
    """Node is not installed: the emulator cannot run Action code."""


def run_action(code, event, secrets=None, now_ms=None, preflight=False):
    """``{"calls": [{"method", "args"}], "logs", "error" or None, "action_ms", "total_ms"}``."""
    if not NODE:
        raise RuntimeUnavailable("node is not installed: the emulator cannot run Action code")
    request = {"code": code, "event": event, "secrets": secrets or {}, "now": now_ms, "preflight": preflight}
    started = time.time()
    try:
        proc = subprocess.run([NODE, RUNNER], input=json.dumps(request), capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return {"calls": [], "logs": "", "action_ms": TIMEOUT * 1000, "total_ms": TIMEOUT * 1000,
                "error": {"name": "Error", "message": "the Action did not finish within %d s" % TIMEOUT,
                          "stack": "Error: the Action did not finish within %d s" % TIMEOUT}}
    try:
        answer = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        answer = {"calls": [], "logs": "", "action_ms": 0,
                  "error": {"name": "Error", "message": "the runtime crashed", "stack": proc.stderr[-2000:]}}
    answer["total_ms"] = int((time.time() - started) * 1000)
    return answer


def stats(run):
    """Run statistics with the recorded keys (TestActionManager_Test.json); the values are the emulator's."""
    action_ms = int(run.get("action_ms") or 0)
    total = max(int(run.get("total_ms") or 0), action_ms)
    return {"action_duration_ms": action_ms, "boot_duration_ms": max(0, total - action_ms),
            "network_duration_ms": 0, "runtime_external_call_duration_ms": 0,
            "runtime_processing_duration_ms": action_ms, "total_request_duration_ms": total,
            "total_runtime_execution_duration_ms": total}


def test_answer(run):
    """The body of a `/test` answer.

    An error is answered as recorded (TestActionManager_Test.json: 200, ``payload.error`` with
    ``name``, ``message``, ``stack``, and ``payload.stats``). A SUCCESSFUL answer was never recorded:
    ``payload.logs`` (console output) and ``payload.api_calls`` (the recorded calls on ``api``, as
    ``[{method, args}]``) beside ``stats`` are the emulator's ASSUMPTION, not Auth0's documented shape.
    """
    if run.get("error"):
        return {"payload": {"error": run["error"], "stats": stats(run)}}
    return {"payload": {"logs": run.get("logs") or "", "stats": stats(run), "api_calls": run.get("calls") or []}}


def fault_answer(spec):
    """The answer the ``action_test_error`` knob forces: a runtime error in the recorded shape."""
    if isinstance(spec, dict):
        name, message = str(spec.get("name") or "Error"), str(spec.get("message") or "injected runtime error")
    else:
        name, message = "Error", str(spec) if spec is not True else "injected runtime error"
    error = {"name": name, "message": message,
             "stack": "%s: %s\n    at exports.onExecutePostLogin (/data/io/emulated-action.js:1:1)" % (name, message)}
    return {"payload": {"error": error, "stats": stats({"action_ms": 1, "total_ms": 2})}}
