"""HTTPS servers (one per tenant) and the plain-HTTP admin server."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .errors import ApiError, OAuthError
from .routes import dispatch

MAX_BODY = 10 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, handler, ssl_context=None):
        self.ssl_context = ssl_context
        self.connections = set()
        self.conn_lock = threading.Lock()
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), handler)

    def handle_error(self, request, client_address):
        import sys
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ValueError)):  # TLS handshake failures, resets: not our bug
            return
        super().handle_error(request, client_address)

    @property
    def port(self):
        return self.server_address[1]

    def serve_in_thread(self, name):
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=name, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self.conn_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                conn.close()
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 300  # idle keep-alive connections are dropped after this

    def version_string(self):
        return "auth0-emulator"

    def setup(self):
        ctx = self.server.ssl_context
        if ctx is not None:
            self.request.settimeout(10)
            self.request = ctx.wrap_socket(self.request, server_side=True)  # handshake in this thread
        with self.server.conn_lock:
            self.server.connections.add(self.request)
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.connections.discard(self.request)

    def handle(self):
        try:
            super().handle()
        except (OSError, ValueError):
            self.close_connection = True

    def log_message(self, *args):  # quiet
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def send(self, status, payload, headers=None, content_type=None):
        if isinstance(payload, (dict, list)):
            data = json.dumps(payload).encode()
            content_type = content_type or "application/json; charset=utf-8"
        elif isinstance(payload, str):
            data = payload.encode()
            content_type = content_type or "text/html"
        else:
            data = b""
        self.send_response(status)
        if data or status != 204:
            self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)) if status != 204 else "0")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()


def _writes(method, path):
    """Whether a request may change the tenant: any method but a read, under /api/v2. A test run of an
    Action (POST .../test) changes nothing the API shows afterwards in the emulator, so it is no write."""
    if method in ("GET", "HEAD", "OPTIONS") or not path.startswith("/api/v2"):
        return False
    return not (method == "POST" and path.startswith("/api/v2/actions/actions/") and path.endswith("/test"))


def _parse_body(raw, content_type):
    """Return (parsed, error message or None)."""
    if not raw:
        return None, None
    text = raw.decode("utf-8", "replace")
    if "application/x-www-form-urlencoded" in (content_type or ""):
        return dict(parse_qsl(text, keep_blank_values=True)), None
    try:
        return json.loads(text), None
    except ValueError:
        return None, "Invalid request payload JSON format"


class TenantHandler(_Handler):
    tenant = None  # set on the subclass made per tenant

    def do_GET(self):
        self.handle_api()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def handle_api(self):
        tenant = self.tenant
        started = time.time()
        split = urlsplit(self.path)
        path, query = split.path, dict(parse_qsl(split.query, keep_blank_values=True))
        method = self.command
        raw = self.read_body()
        body, parse_error = _parse_body(raw, self.headers.get("Content-Type"))
        auth = self.headers.get("Authorization")
        info, auth_error = tenant.check_token(auth) if auth else (None, None)
        entry = {"time": started, "method": method, "path": path, "query": query, "status": None,
                 "body": body, "write": _writes(method, path),
                 "token": info["short"] if info else None}
        recorded = False

        def respond(status, payload, headers, **extra):
            # Log before answering, so a client that reads the log right after its call sees it.
            nonlocal recorded
            entry.update(status=status, **extra)
            if isinstance(payload, (dict, list)) and path != "/oauth/token":  # never log a token
                entry["answer"] = payload  # what the client was sent, for the SDK oracle
            entry["duration_ms"] = round((time.time() - started) * 1000, 1)
            tenant.record(entry)
            recorded = True
            if status is not None:
                self.send(status, payload, headers)

        try:
            latency = tenant.latency_ms
            if latency:
                self.server.stopping.wait(latency / 1000.0)
            fault, rl_headers = tenant.decide(method, path)
            if fault and fault["hang"]:
                self.server.stopping.wait(fault["hang"])
            if fault and fault["close"]:
                respond(None, None, None, closed=True)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault and fault["status"] and not fault["after_effect"]:
                return respond(fault["status"], fault["payload"], {**rl_headers, **fault["headers"]})
            status, payload = self.perform(path, method, query, body, parse_error, auth, info, auth_error)
            if fault and fault["status"]:  # after_effect: the effect happened, the client sees an error
                return respond(fault["status"], fault["payload"], {**rl_headers, **fault["headers"]},
                               effect_status=status)
            respond(status, payload, rl_headers)
        finally:
            if not recorded:  # an exception escaped: still log what we know
                entry["duration_ms"] = round((time.time() - started) * 1000, 1)
                tenant.record(entry)

    def perform(self, path, method, query, body, parse_error, auth, info, auth_error):
        tenant = self.tenant
        try:
            if path == "/oauth/token":
                if method != "POST":
                    raise ApiError(404, "Not Found")
                if parse_error:
                    raise OAuthError(400, "invalid_request", parse_error)
                return 200, tenant.issue_token(body if isinstance(body, dict) else {})
            if not path.startswith("/api/v2/"):
                raise ApiError(404, "Not Found")
            if auth_error or info is None:
                raise auth_error or ApiError(401, "Invalid token", "invalid_token")
            if parse_error:
                raise ApiError(400, parse_error)
            return dispatch(tenant, method, path, query, body, info)
        except (ApiError, OAuthError) as err:
            return err.status, err.body()


def make_tenant_server(tenant, ssl_context):
    handler = type("Handler_" + tenant.name, (TenantHandler,), {"tenant": tenant})
    return _Server(handler, ssl_context)


class AdminHandler(_Handler):
    emulator = None

    def do_GET(self):
        self.handle_admin()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def handle_admin(self):
        emu = self.emulator
        path = urlsplit(self.path).path.rstrip("/") or "/"
        parts = [p for p in path.split("/") if p]
        body, error = _parse_body(self.read_body(), self.headers.get("Content-Type"))
        method = self.command
        try:
            if error:
                raise ValueError(error)
            if parts == ["info"] and method == "GET":
                return self.send(200, emu.info())
            if parts == ["reset"] and method == "POST":
                emu.reset()
                return self.send(200, {"reset": True})
            if parts == ["tenants"] and method == "GET":
                return self.send(200, [t.info() for t in emu.tenants])
            if len(parts) >= 2 and parts[0] == "tenants":
                tenant = emu.tenant(parts[1])
                rest, body = parts[2:], body or {}
                if rest == [] and method == "GET":
                    return self.send(200, tenant.state())
                if rest == ["requests"] and method == "GET":
                    return self.send(200, tenant.requests())
                if rest == ["requests"] and method == "DELETE":
                    tenant.clear_requests()
                    return self.send(200, {"cleared": True})
                if rest == ["settings"] and method == "GET":
                    return self.send(200, tenant.settings_minutes())
                if rest == ["settings"] and method == "PATCH":
                    tenant.set_settings(**body)
                    return self.send(200, tenant.settings_minutes())
                if rest == ["faults"] and method == "GET":
                    return self.send(200, tenant.faults())
                if rest == ["faults"] and method == "PUT":
                    tenant.set_faults(**body)
                    return self.send(200, tenant.faults())
                if rest == ["plan"] and method == "PUT":
                    tenant.set_plan(body.get("plan") if isinstance(body, dict) else body)
                    return self.send(200, {"plan": tenant.plan})
                if rest == ["expire-tokens"] and method == "POST":
                    tenant.expire_tokens()
                    return self.send(200, {"expired": True})
                if rest == ["sign-in"] and method == "POST":
                    if not isinstance(body.get("user_id"), str) or not body["user_id"]:
                        raise ValueError("sign-in needs a user_id")
                    extra = set(body) - {"user_id", "login", "event", "now"}
                    if extra:
                        raise ValueError("unknown sign-in keys: %s" % ", ".join(sorted(extra)))
                    result = tenant.sign_in(body["user_id"], login=body.get("login"), event=body.get("event"),
                                            now=body.get("now"))
                    return self.send(200 if result["session"] else 409, result)
                if rest == ["sessions"] and method == "GET":
                    return self.send(200, tenant.sessions())
                if rest == ["logs"] and method == "GET":
                    return self.send(200, tenant.log_events())
                if rest == ["secrets"] and method == "GET":
                    return self.send(200, {a["name"]: {s["name"]: tenant.secret_value(a["name"], s["name"])
                                                       for s in a["secrets"]} for a in tenant.actions()})
            return self.send(404, {"error": "not found", "path": path, "method": method})
        except KeyError as err:
            return self.send(404, {"error": "unknown tenant or item: %s" % err})
        except (TypeError, ValueError) as err:
            return self.send(400, {"error": str(err)})


def make_admin_server(emulator):
    handler = type("AdminHandlerBound", (AdminHandler,), {"emulator": emulator})
    return _Server(handler, None)
