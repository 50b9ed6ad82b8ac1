"""A throwaway CA (trustme) and a server certificate for localhost / 127.0.0.1."""
import os
import ssl

import trustme


class Certs:
    """Holds the CA and server cert; writes the CA PEM where clients can read it."""

    def __init__(self, directory):
        self.ca = trustme.CA(organization_name="auth0-emulator test CA")
        self.server_cert = self.ca.issue_cert("localhost", "127.0.0.1")
        os.makedirs(directory, exist_ok=True)
        self.ca_path = os.path.join(directory, "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)

    def server_context(self):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(ctx)
        return ctx
