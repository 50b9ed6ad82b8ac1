"""The action build step: a real syntax check with `node --check`, plus forced failures."""
import copy
import os
import re
import shutil
import subprocess
import tempfile
import threading

NODE = shutil.which("node")
FAIL_VERSION = "0.0.0-fail"
DOCS_URL = "https://auth0.com/docs/customize/actions/troubleshoot-actions"


def _error(error_id, msg):
    return {"id": error_id, "msg": msg, "url": DOCS_URL}


def dependency_errors(dependencies):
    return [
        _error("dependency_installation_failed",
               "Failed to install dependency %s@%s: No matching version found for %s@%s."
               % (d.get("name"), d.get("version"), d.get("name"), d.get("version")))
        for d in dependencies or []
        if d.get("version") == FAIL_VERSION
    ]


_CACHE = {}  # code -> errors; the same code always checks the same way
_CACHE_LOCK = threading.Lock()


def syntax_errors(code, timeout=10):
    """Run `node --check` on the code (cached by code); [] when it passes or when node is absent."""
    if not NODE:
        return []
    with _CACHE_LOCK:
        if code in _CACHE:
            return copy.deepcopy(_CACHE[code])
    errors = _node_check(code, timeout)
    if not any(e["id"] == "build_timeout" for e in errors):
        with _CACHE_LOCK:
            if len(_CACHE) > 1000:
                _CACHE.clear()
            _CACHE[code] = copy.deepcopy(errors)
    return errors


def _node_check(code, timeout):
    fd, path = tempfile.mkstemp(suffix=".js", prefix="action-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(code or "")
        try:
            proc = subprocess.run([NODE, "--check", path], capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return [_error("build_timeout", "The build timed out while checking the code.")]
        if proc.returncode == 0:
            return []
        return [_error("invalid_code", _describe(proc.stderr, path))]
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def _describe(stderr, path):
    lines = [l for l in stderr.splitlines() if l.strip()]
    message = next((l.strip() for l in lines if re.match(r"^\w*Error\b", l.strip())), None)
    line_no = None
    for l in lines:
        m = re.match(re.escape(path) + r":(\d+)", l.strip())
        if m:
            line_no = m.group(1)
            break
    message = message or (lines[-1] if lines else "Syntax error")
    if line_no:
        return "%s (line %s)" % (message, line_no)
    return message
