"""Fleet benchmark: the session_policy role and auth0-deploy-cli, side by side on one emulator.

For each forks setting the role runs three times over N fresh emulated tenants (first apply,
no-op converge, check-mode drift scan after a Dashboard edit on every tenant); auth0-deploy-cli
runs the same three steps (import, import again, import --dry-run) over a sample of the same
tenants, with its own fresh state, at each parallelism given. Every run records, from the
emulator's request log, HTTP requests per tenant by endpoint, writes and tokens per tenant, and
from the operating system the wall time, the CPU time of the tool's whole process tree
(getrusage(RUSAGE_CHILDREN) deltas: the emulator runs in this process, so its CPU is never
counted), the peak memory (PSS) of that tree and the load average before the run.

The session_policy task runs in the controller's worker (its action plugin), the only way since 0.2.0;
release 0.1.0's module path (a Python interpreter per tenant) is kept in docs/performance.md as measured.

    run_bench.py                               # 50 tenants, forks 5,20,50, deploy-cli at 2 and 4
    run_bench.py --quick                       # CI: 10 tenants, forks 10, deploy-cli on 2; exits 1 on a missed target
    run_bench.py --tenants 1000 --forks 50 --execution action --skip-deploy-cli
    run_bench.py --render-only build/bench/results/fleet-50.json [build/bench/results/fleet-1000.json ...]

Results are build output (``build/bench/results/``, not committed); the doc (docs/performance.md) is
rendered from them, the first file being the main run.
"""
import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(BENCH, "..", ".."))
COLLECTIONS = os.path.join(ROOT, "build")

from auth0_emulator import Emulator
# The example inventory's policy: four lifetimes, a cookie mode, three rules.
from harness import POLICY

A0DEPLOY = os.path.join(BENCH, "node_modules", ".bin", "a0deploy")
DOC = os.path.join(ROOT, "docs", "performance.md")
RESULTS = os.path.join(ROOT, "build", "bench", "results")
ACTION = "sessionguard-session-policy"

# The same tenant settings for deploy-cli, in the hours its tenant.yaml takes.
DEPLOY_CLI_TENANT = {"session_lifetime": 720, "idle_session_lifetime": 72, "ephemeral_session_lifetime": 24,
                     "idle_ephemeral_session_lifetime": 8, "session_cookie": {"mode": "persistent"}}
# The drift both tools must find in the scan: a Dashboard edit of the idle lifetime on every tenant.
DRIFT = {"idle_session_lifetime_minutes": 90}

PHASES = ("apply", "noop", "check")
PHASE_TITLES = {"apply": "first apply", "noop": "no-op converge", "check": "drift scan (check mode / --dry-run)"}
# Targets, per tenant: no-op <= 4 requests and 0 writes; 1 token per run; apply <= 11 + polls. Issue 12
# asked for 9 on a first apply; two later safety fixes cost one request each and are kept: the deploy is
# confirmed by a read, because real Auth0 answers the deploy with "deployed": false (recorded,
# tests/fixtures/auth0-recorded), and settings that lengthen a session are written in a second PATCH only
# after the Action that shortens the risky logins is bound (issue 16: no failed rollout leaves a tenant weaker).
# The runs of the draft on Auth0's runtime before its deploy (POST .../test, one per expectation or per rule,
# issue 21) are counted apart, like the build polls: their number follows the policy, not the tool.
NOOP_MAX_REQUESTS = 4
# Phases that run the read-only proof playbooks after the role (--phases apply,verify,preview): their requests
# per tenant are measured like the role's, and they must write nothing.
READ_ONLY_PHASES = ("verify", "preview")
APPLY_REPORT = "session-policy-report-apply"
APPLY_MAX_REQUESTS = 11
# CPU-s per tenant of the whole process tree, no-op converge and drift scan, action plugin path: the
# issue's target, checked by a full run. --quick (CI) checks only a ceiling loose enough for a
# shared, noisy runner: with 10 tenants the controller's start (2 to 3 CPU-s) weighs on each tenant;
# the action path measured 0.65 to 0.67 per tenant at load 20 on 2 CPUs (2026-12-04).
NOOP_MAX_CPU_PER_TENANT = 0.20
QUICK_TENANTS = 10
QUICK_MAX_CPU_PER_TENANT = 1.0
# The session_policy task runs only in the worker since 0.2.0; "module" was release 0.1.0's path, kept in the
# results files of that release's runs.
EXECUTIONS = ("action",)

_ID = re.compile(r"/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def endpoint(entry):
    return "%s %s" % (entry["method"], _ID.sub("/{id}", entry["path"]))


# ---------------------------------------------------------------- measuring

class TreeSampler(threading.Thread):
    """Peak memory (sum of PSS) and process count of this process's descendants, sampled every 0.25 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop_event = threading.Event()
        self.peak_pss_kb = 0
        self.peak_procs = 0
        self.peak_per_proc_kb = 0

    @staticmethod
    def descendants(root):
        parents = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name) as handle:
                    stat = handle.read()
                parents[int(name)] = int(stat[stat.rfind(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        found, frontier = set(), {root}
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return found

    @staticmethod
    def pss_kb(pid):
        try:
            with open("/proc/%d/smaps_rollup" % pid) as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def run(self):
        me = os.getpid()
        while not self.stop_event.wait(0.25):
            pids = self.descendants(me)
            sizes = [self.pss_kb(pid) for pid in pids]
            self.peak_pss_kb = max(self.peak_pss_kb, sum(sizes))
            self.peak_procs = max(self.peak_procs, len(pids))
            self.peak_per_proc_kb = max([self.peak_per_proc_kb] + sizes)

    def finish(self):
        self.stop_event.set()
        self.join()


def measured(work):
    """Run ``work()`` and return (its value, wall/CPU/memory/load figures of the child processes it ran)."""
    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = TreeSampler()
    sampler.start()
    started = time.time()
    try:
        value = work()
    finally:
        wall = time.time() - started
        sampler.finish()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return value, {"started": started, "wall_s": round(wall, 2), "cpu_user_s": round(user, 2),
                   "cpu_sys_s": round(system, 2), "cpu_s": round(user + system, 2),
                   "loadavg_before": [round(x, 2) for x in load],
                   "peak_tree_pss_mb": round(sampler.peak_pss_kb / 1024.0, 1), "peak_procs": sampler.peak_procs,
                   "peak_proc_pss_mb": round(sampler.peak_per_proc_kb / 1024.0, 1),
                   # The largest RSS of any child waited for so far (the kernel keeps no per-run figure).
                   "children_maxrss_mb": round(after.ru_maxrss / 1024.0, 1)}


def build_polls(log):
    """Reads of the Action by id before its deploy: the build polls (a deploy re-read is not one)."""
    polls = 0
    for entry in sorted(log, key=lambda e: e["seq"]):
        kind = endpoint(entry)
        if kind == "POST /api/v2/actions/actions/{id}/deploy":
            break
        if kind == "GET /api/v2/actions/actions/{id}":
            polls += 1
    return polls


def request_stats(tenants, started):
    """Per-tenant request figures from the emulator's log, then the log is cleared."""
    per_tenant = []
    endpoints = collections.Counter()
    non_2xx = collections.Counter()
    first_request = None
    for tenant in tenants:
        log = tenant.requests()
        tenant.clear_requests()
        counts = collections.Counter(endpoint(e) for e in log)
        endpoints.update(counts)
        for e in log:
            if e["status"] is None or e["status"] >= 300:
                non_2xx["%s %s" % (e["status"], endpoint(e))] += 1
        if log:
            first = min(e["time"] for e in log) - started
            first_request = first if first_request is None else min(first_request, first)
        per_tenant.append({"requests": len(log), "writes": sum(1 for e in log if e["write"]),
                           "tokens": counts.get("POST /oauth/token", 0),
                           "action_reads": counts.get("GET /api/v2/actions/actions/{id}", 0),
                           "polls": build_polls(log),
                           "runtime_tests": counts.get("POST /api/v2/actions/actions/{id}/test", 0),
                           "first_request_s": round(min(e["time"] for e in log) - started, 2) if log else None})
    n = float(len(tenants))

    def stat(key):
        values = [p[key] for p in per_tenant]
        return {"avg": round(sum(values) / n, 2), "max": max(values), "min": min(values)}

    return {"requests": stat("requests"), "writes": stat("writes"), "tokens": stat("tokens"),
            "action_reads": stat("action_reads"),
            "polls": stat("polls"), "runtime_tests": stat("runtime_tests"),
            "by_endpoint": {k: round(v / n, 2) for k, v in sorted(endpoints.items())},
            "non_2xx": dict(non_2xx),
            "first_request_s": round(first_request, 2) if first_request is not None else None,
            "first_request_by_tenant_s": sorted(p["first_request_s"] for p in per_tenant
                                                if p["first_request_s"] is not None)}


# ---------------------------------------------------------------- the role

def write_inventory(emu, directory):
    hosts = {t.name: {"session_policy_domain": t.domain, "session_policy_client_id": t.client_id,
                      "session_policy_client_secret": t.client_secret} for t in emu.tenants}
    variables = dict(POLICY, ansible_connection="local", ansible_python_interpreter=sys.executable,
                     session_policy_ca_path=emu.ca_path, session_policy_report_dir=os.path.join(directory, "reports"))
    path = os.path.join(directory, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump({"all": {"hosts": hosts, "vars": variables}}, handle)
    return path


def ansible_env(directory, extra_env):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("AUTH0_", "ANSIBLE_")):
            del env[name]
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOME": os.path.join(directory, "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(directory, "ansible-tmp"),
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(BENCH, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_profile",
    })
    env.update(extra_env or {})
    return env


def run_role(emu, directory, forks, phase, extra_env=None, execution="action"):
    inventory = write_inventory(emu, directory)
    log_path = os.path.join(directory, "ansible-%s-f%d-%s.log" % (phase, forks, execution))
    profile = os.path.join(directory, "profile-%s-f%d-%s.json" % (phase, forks, execution))
    playbook = (extra_env or {}).get("BENCH_PLAYBOOK")
    playbook = os.path.join(BENCH, "playbooks", playbook) if playbook else "sessionguard.auth0.enforce_session_policy"
    extra_vars = {"session_policy_batches": ["100%"]}
    if phase in READ_ONLY_PHASES:
        # The read-only proof after the apply: verify reads the apply's report (kept below), preview the last day's logs.
        playbook = "sessionguard.auth0.%s_session_policy" % phase
        extra_vars.update(session_policy_report_name=APPLY_REPORT, session_policy_preview_page_pause=0)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
               "-f", str(forks), playbook, "-e", json.dumps(extra_vars)]
    if phase == "check":
        command.append("--check")
    env = ansible_env(directory, dict(extra_env or {}, BENCH_PROFILE=profile))

    def work():
        with open(log_path, "w") as out:
            return subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=directory,
                                  check=False).returncode

    rc, figures = measured(work)
    stats = request_stats(emu.tenants, figures["started"])
    reports = os.path.join(directory, "reports")
    try:
        if phase in READ_ONLY_PHASES:
            with open(os.path.join(reports, "session-policy-%s.json" % phase)) as handle:
                statuses = collections.Counter(t.get("status", "previewed") for t in json.load(handle)["tenants"])
        else:
            with open(os.path.join(reports, "session-policy-report.json")) as handle:
                statuses = collections.Counter(t["status"] for t in json.load(handle)["tenants"])
            if phase == "apply":
                shutil.copy(os.path.join(reports, "session-policy-report.json"), os.path.join(reports, APPLY_REPORT + ".json"))
            os.unlink(os.path.join(reports, "session-policy-report.json"))
    except OSError:  # a profile playbook without the report
        statuses = {}
    try:
        with open(profile) as handle:
            tasks = json.load(handle)["tasks"]
    except (OSError, ValueError):
        tasks = []
    result = dict(figures, tool="ansible", phase=phase, forks=forks, execution=execution, tenants=len(emu.tenants),
                  rc=rc, statuses=dict(statuses), reported=sum(statuses.values()),
                  profile=[{"task": t["task"], "wall": t["wall"], "ok": t["ok"], "skipped": t["skipped"]} for t in tasks],
                  env=extra_env or {}, **stats)
    if rc != 0:
        with open(log_path) as handle:
            result["log_tail"] = handle.read()[-3000:]
    return result


# ---------------------------------------------------------------- auth0-deploy-cli

def write_deploy_cli_input(directory, code):
    os.makedirs(os.path.join(directory, "actions", ACTION), exist_ok=True)
    with open(os.path.join(directory, "actions", ACTION, "code.js"), "w") as handle:
        handle.write(code)
    tenant_yaml = {
        "tenant": DEPLOY_CLI_TENANT,
        "actions": [{"name": ACTION, "code": "./actions/%s/code.js" % ACTION, "runtime": "node18",
                     "dependencies": [], "deployed": True, "secrets": [],
                     "supported_triggers": [{"id": "post-login", "version": "v3"}]}],
        "triggers": {"post-login": [{"action_name": ACTION, "display_name": ACTION}]},
    }
    path = os.path.join(directory, "tenant.yaml")
    with open(path, "w") as handle:
        yaml.safe_dump(tenant_yaml, handle, sort_keys=False)
    return path


def deploy_cli_config(directory, tenant):
    path = os.path.join(directory, "config-%s.json" % tenant.name)
    with open(path, "w") as handle:
        json.dump({"AUTH0_DOMAIN": tenant.domain, "AUTH0_CLIENT_ID": tenant.client_id,
                   "AUTH0_CLIENT_SECRET": tenant.client_secret,
                   "AUTH0_INCLUDED_ONLY": ["tenant", "actions", "triggers"], "AUTH0_ALLOW_DELETE": False}, handle)
    return path


def run_deploy_cli(emu, tenants, directory, parallel, phase):
    tenant_yaml = os.path.join(directory, "tenant.yaml")
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=emu.ca_path, NO_COLOR="1")
    for name in list(env):
        if name.startswith("AUTH0_"):
            del env[name]

    def one(tenant):
        command = [A0DEPLOY, "import", "-c", deploy_cli_config(directory, tenant), "-i", tenant_yaml]
        if phase == "check":
            command.append("--dry-run")
        log_path = os.path.join(directory, "a0deploy-%s-p%d-%s.log" % (phase, parallel, tenant.name))
        with open(log_path, "w") as out:
            rc = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=directory, check=False).returncode
        with open(log_path) as handle:
            text = handle.read()
        return tenant.name, rc, text

    def work():
        with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
            return list(pool.map(one, tenants))

    outcomes, figures = measured(work)
    stats = request_stats(tenants, figures["started"])
    failed = [(name, text[-1500:]) for name, rc, text in outcomes if rc != 0]
    drift_found = sum(1 for outcome in outcomes if "UPDATE" in outcome[2]) if phase == "check" else None
    result = dict(figures, tool="deploy-cli", phase=phase, parallel=parallel, tenants=len(tenants),
                  rc=1 if failed else 0, drift_found=drift_found, **stats)
    if failed:
        result["failures"] = failed[:2]
    return result


# ---------------------------------------------------------------- the benchmark

def action_code():
    from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
    from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy
    normalized, errors = validate_policy(POLICY["session_policy_tenant"], POLICY["session_policy_rules"],
                                         POLICY["session_policy_default"])
    assert not errors, errors
    return render_action(normalized)


def ensure_collection_link():
    link = os.path.join(COLLECTIONS, "ansible_collections", "sessionguard", "auth0")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.relpath(ROOT, os.path.dirname(link)), link)


def drift_every_tenant(tenants):
    for tenant in tenants:
        tenant.set_settings(**DRIFT)


def versions():
    def out(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return None
    ansible = out([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "--version"])
    deploy_cli = None
    try:
        with open(os.path.join(BENCH, "node_modules", "auth0-deploy-cli", "package.json")) as handle:
            deploy_cli = json.load(handle)["version"]
    except (OSError, ValueError):
        pass
    return {"python": platform.python_version(), "ansible_core": (ansible or "").splitlines()[0] if ansible else None,
            "node": out(["node", "--version"]), "auth0_deploy_cli": deploy_cli, "cpus": os.cpu_count(),
            "machine": platform.machine(), "kernel": platform.release()}


def log(text):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), text), flush=True)


def summary_line(run):
    who = ("forks %d %s" % (run["forks"], run["execution"]) if run["tool"] == "ansible"
           else "parallel %d" % run["parallel"])
    return ("%-10s %-8s %-18s %4d tenants: %6.1f MB peak, %6.1f s wall, %6.1f CPU-s (%.2f/tenant), req/tenant %.2f (max %d), "
            "writes %.2f, tokens %.2f, load %.2f" % (run["tool"], run["phase"], who, run["tenants"],
                                                     run["peak_tree_pss_mb"], run["wall_s"],
                                                     run["cpu_s"], run["cpu_s"] / run["tenants"],
                                                     run["requests"]["avg"], run["requests"]["max"],
                                                     run["writes"]["avg"], run["tokens"]["avg"],
                                                     run["loadavg_before"][0]))


def bench(args):
    ensure_collection_link()
    if not args.skip_deploy_cli and not os.path.exists(A0DEPLOY):
        sys.exit("auth0-deploy-cli is not installed: cd tests/bench && npm ci (or pass --skip-deploy-cli)")
    forks_list = [int(f) for f in str(args.forks).split(",") if f]
    executions = [e for e in args.execution.split(",") if e]
    if set(executions) - set(EXECUTIONS):
        raise SystemExit("--execution: one of %s, got %s" % (", ".join(EXECUTIONS), args.execution))
    parallel_list = [int(p) for p in str(args.deploy_cli_parallel).split(",") if p]
    results = {"meta": {"tenants": args.tenants, "latency_ms": args.latency_ms, "build_seconds": args.build_seconds,
                        "forks": forks_list, "deploy_cli_parallel": parallel_list,
                        "deploy_cli_tenants": 0 if args.skip_deploy_cli else min(args.deploy_cli_tenants,
                                                                                 args.tenants),
                        "deploy_cli_phases": args.deploy_cli_phases.split(","), "phases": args.phases.split(","),
                        "quick": args.quick, "extra_env": args.ansible_env, "executions": executions,
                        "label": args.label,
                        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                        "versions": versions()},
               "runs": []}
    extra_env = dict(item.split("=", 1) for item in args.ansible_env)
    bench_started = time.time()
    work_root = tempfile.mkdtemp(prefix="sessionguard-bench-")
    try:
        with Emulator(tenants=args.tenants, latency_ms=args.latency_ms, build_seconds=args.build_seconds) as emu:
            for forks in forks_list:
                for execution in executions:
                    emu.reset()
                    directory = os.path.join(work_root, "ansible-f%d-%s" % (forks, execution))
                    os.makedirs(directory)
                    for phase in args.phases.split(","):
                        if phase == "check":
                            drift_every_tenant(emu.tenants)
                        run = run_role(emu, directory, forks, phase, extra_env, execution)
                        results["runs"].append(run)
                        log(summary_line(run))
                        if run["rc"] != 0:
                            log("ansible-playbook failed:\n" + run.get("log_tail", ""))
            if not args.skip_deploy_cli:
                code = action_code()
                sample = emu.tenants[:results["meta"]["deploy_cli_tenants"]]
                for parallel in parallel_list:
                    emu.reset()
                    directory = os.path.join(work_root, "deploy-cli-p%d" % parallel)
                    os.makedirs(directory)
                    write_deploy_cli_input(directory, code)
                    for phase in args.deploy_cli_phases.split(","):
                        if phase == "check":
                            drift_every_tenant(sample)
                        run = run_deploy_cli(emu, sample, directory, parallel, phase)
                        results["runs"].append(run)
                        log(summary_line(run))
                        if run["rc"] != 0:
                            log("a0deploy failed: %r" % (run.get("failures"),))
    finally:
        if args.keep:
            log("work directory kept: %s" % work_root)
        else:
            shutil.rmtree(work_root, ignore_errors=True)
    results["meta"]["bench_wall_s"] = round(time.time() - bench_started, 1)
    results["checks"] = check_targets(results)
    return results


def check_targets(results):
    """The request targets, per tenant (the worst tenant, not the average)."""
    checks = []
    for run in results["runs"]:
        if run["tool"] != "ansible" or run["env"].get("BENCH_PLAYBOOK"):
            continue  # deploy-cli, or a profile playbook that is not the role
        label = "forks %d %s %s" % (run["forks"], run.get("execution", "module"), run["phase"])
        checks.append((label + ": rc 0", run["rc"] == 0, run["rc"]))
        checks.append((label + ": 1 token per tenant", run["tokens"]["max"] == 1 and run["tokens"]["min"] == 1,
                       "%d..%d" % (run["tokens"]["min"], run["tokens"]["max"])))
        if run["phase"] in ("noop", "check"):
            checks.append((label + ": <= %d requests per tenant" % NOOP_MAX_REQUESTS,
                           run["requests"]["max"] <= NOOP_MAX_REQUESTS, run["requests"]["max"]))
            checks.append((label + ": 0 writes", run["writes"]["max"] == 0, run["writes"]["max"]))
        if run["phase"] == "apply":
            polls = run["polls"]["max"]
            tests = (run.get("runtime_tests") or {}).get("max", 0)
            checks.append((label + ": <= %d requests per tenant + build polls + runtime tests" % APPLY_MAX_REQUESTS,
                           run["requests"]["max"] - polls - tests <= APPLY_MAX_REQUESTS,
                           "%d (%d polls, %d runtime tests)" % (run["requests"]["max"], polls, tests)))
        if run["phase"] in READ_ONLY_PHASES:
            checks.append((label + ": 0 writes", run["writes"]["max"] == 0, run["writes"]["max"]))
            continue
        expected = {"apply": "changed", "noop": "compliant", "check": "drifted"}[run["phase"]]
        checks.append((label + ": every tenant %s" % expected, run["statuses"].get(expected) == run["tenants"],
                       run["statuses"]))
        if run["phase"] in ("noop", "check") and run.get("execution") == "action":
            ceiling = QUICK_MAX_CPU_PER_TENANT if results["meta"]["quick"] else NOOP_MAX_CPU_PER_TENANT
            per_tenant = run["cpu_s"] / float(run["tenants"])
            checks.append((label + ": <= %.2f CPU-s per tenant" % ceiling, per_tenant <= ceiling,
                           "%.3f" % per_tenant))
    return [{"check": c, "ok": bool(ok), "value": str(v)} for c, ok, v in checks]


# ---------------------------------------------------------------- the doc

def load_results(result_files):
    """``[(path relative to the repository, results)]`` of results files, for a doc renderer."""
    loaded = []
    for path in result_files:
        with open(path) as handle:
            loaded.append((os.path.relpath(path, ROOT), json.load(handle)))
    return loaded


def render(result_files, doc_path):
    from render_doc import render_markdown  # noqa: E402  (tests/bench/render_doc.py)
    text = render_markdown(load_results(result_files))
    with open(doc_path, "w") as handle:
        handle.write(text)
    log("wrote %s" % os.path.relpath(doc_path, ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--forks", default="5,20,50", help="comma-separated forks settings")
    parser.add_argument("--build-seconds", type=float, default=3.0, help="emulated Action build duration")
    parser.add_argument("--skip-deploy-cli", action="store_true")
    parser.add_argument("--deploy-cli-parallel", default="2,4", help="concurrent a0deploy processes")
    parser.add_argument("--deploy-cli-tenants", type=int, default=6,
                        help="tenants deploy-cli runs over (the first K of the same emulator)")
    parser.add_argument("--deploy-cli-phases", default="apply,noop,check",
                        help="deploy-cli steps to run (--quick: apply,check)")
    parser.add_argument("--ansible-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for ansible-playbook, e.g. ANSIBLE_PIPELINING=1; "
                             "BENCH_PLAYBOOK=module_only.yml runs tests/bench/playbooks/module_only.yml instead")
    parser.add_argument("--phases", default="apply,noop,check",
                        help="role runs (a profile may skip some); verify and preview run those read-only playbooks after apply")
    parser.add_argument("--label", help="what this run varies, for the doc's profile table (default: its environment)")
    parser.add_argument("--execution", default="action",
                        help="how the session_policy task runs: action (the action plugin, in the worker; "
                             "the only way since 0.2.0)")
    parser.add_argument("--out", help="results JSON (default build/bench/results/fleet-<N>.json; quick: none)")
    parser.add_argument("--doc", help="render this markdown file from the results (default: docs/performance.md "
                                      "for a full run, none for --quick)")
    parser.add_argument("--also", action="append", default=[], metavar="RESULTS.json",
                        help="more results files for the doc (e.g. the 200-tenant run)")
    parser.add_argument("--render-only", nargs="+", metavar="RESULTS.json",
                        help="render the doc from these results files and exit")
    parser.add_argument("--quick", action="store_true",
                        help="10 tenants, forks 10, deploy-cli on 2 tenants at parallel 2; exit 1 on a missed target")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, inventories)")
    args = parser.parse_args(argv)

    if args.render_only:
        render(args.render_only, args.doc or DOC)
        return 0
    if args.quick:
        args.tenants, args.forks, args.deploy_cli_parallel, args.deploy_cli_tenants = QUICK_TENANTS, "10", "2", 2
        args.deploy_cli_phases = "apply,check"
        args.execution = "action"
    results = bench(args)
    out = args.out or (None if args.quick else os.path.join(RESULTS, "fleet-%d.json" % args.tenants))
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as handle:
            json.dump(results, handle, indent=1, sort_keys=True)
        log("wrote %s" % out)
    doc = args.doc or (None if args.quick or args.tenants != 50 else DOC)
    if doc and out:
        render([out] + args.also, doc)
    missed = [c for c in results["checks"] if not c["ok"]]
    for check in results["checks"]:
        print("%s %s (%s)" % ("ok  " if check["ok"] else "MISS", check["check"], check["value"]))
    deploy_failed = [r for r in results["runs"] if r["tool"] == "deploy-cli" and r["rc"] != 0]
    if deploy_failed:
        print("MISS auth0-deploy-cli failed against the emulator in %d run(s)" % len(deploy_failed))
    log("bench took %.0f s" % results["meta"]["bench_wall_s"])
    return 1 if missed or deploy_failed else 0


if __name__ == "__main__":
    sys.exit(main())
