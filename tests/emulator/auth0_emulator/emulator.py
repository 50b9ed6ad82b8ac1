"""The Emulator: tenants, their HTTPS servers, the admin server, the CA."""
import shutil
import tempfile

from .certs import Certs
from .server import make_admin_server, make_tenant_server
from .settings import PLAN_LIMITS
from .tenant import Tenant


class Emulator:
    def __init__(self, tenants=1, latency_ms=0, build_seconds=0.3, seed=0, plan="enterprise", cert_dir=None):
        if isinstance(tenants, int):
            names = ["tenant%d" % (i + 1) for i in range(tenants)]
        else:
            names = list(tenants)
        if not names or len(set(names)) != len(names):
            raise ValueError("tenant names must be unique and non-empty")
        if plan not in PLAN_LIMITS:
            raise ValueError("plan must be one of %s" % ", ".join(PLAN_LIMITS))
        self.latency_ms = latency_ms
        self.build_seconds = build_seconds
        self.seed = seed
        self.plan = plan
        self._own_cert_dir = cert_dir is None
        self.cert_dir = cert_dir or tempfile.mkdtemp(prefix="auth0-emulator-")
        self.tenants = [Tenant(self, name, i) for i, name in enumerate(names)]
        self._by_name = {t.name: t for t in self.tenants}
        self.certs = None
        self.servers = []
        self.admin = None

    # ---- lifecycle
    def start(self):
        if self.admin:
            return self
        self.certs = Certs(self.cert_dir)
        ctx = self.certs.server_context()
        for tenant in self.tenants:
            server = make_tenant_server(tenant, ctx)
            tenant.port = server.port
            server.serve_in_thread("tenant-" + tenant.name)
            self.servers.append(server)
        self.admin = make_admin_server(self)
        self.admin.serve_in_thread("admin")
        return self

    def stop(self):
        for server in self.servers + ([self.admin] if self.admin else []):
            server.stop()
        self.servers = []
        self.admin = None
        if self._own_cert_dir:
            shutil.rmtree(self.cert_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- access
    def tenant(self, name):
        if isinstance(name, int):
            return self.tenants[name]
        return self._by_name[name]

    @property
    def ca_path(self):
        return self.certs.ca_path if self.certs else None

    @property
    def admin_url(self):
        return "http://127.0.0.1:%d" % self.admin.port if self.admin else None

    def reset(self):
        """Fresh state for every tenant (same ports and credentials; issued tokens stay valid)."""
        for tenant in self.tenants:
            with tenant.lock:
                tokens = tenant.tokens
                tenant.reset()
                tenant.tokens = tokens

    def info(self):
        return {"admin_url": self.admin_url, "ca_path": self.ca_path,
                "tenants": [t.info() for t in self.tenants]}
