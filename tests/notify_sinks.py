#!/usr/bin/python3
"""Local receivers for the notification tests: an SMTP sink (aiosmtpd) and an
HTTP webhook receiver, both on 127.0.0.1 ports the kernel picks (bound once, never guessed). Every email is appended to
OUT_DIR/mail.txt (separated by a line "----- message -----"), every webhook
body to OUT_DIR/webhook.jsonl (one line each). The ports are written to
OUT_DIR/ports ("smtp=N webhook=M") once both listen. Stop it with SIGTERM.

With --tls-auth USER:PASSWORD the SMTP sink requires STARTTLS (a self-signed
certificate made with openssl in OUT_DIR) and AUTH with those credentials
before it accepts mail; the authenticated login is recorded as X-Auth-User."""
import http.server
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out_dir = sys.argv[1]
tls_auth = None
if len(sys.argv) > 3 and sys.argv[2] == "--tls-auth":
    user, _, password = sys.argv[3].partition(":")
    tls_auth = (user.encode(), password.encode())


class BoundController(Controller):
    """An SMTP controller on a socket bound here to port 0 and kept open: the kernel picks the
    port and nobody can take it between choosing and listening (no bind-then-close race)."""

    def __init__(self, handler, **kwargs):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class MailSink:
    async def handle_DATA(self, server, session, envelope):
        with open(os.path.join(out_dir, "mail.txt"), "a", encoding="utf-8") as f:
            f.write("----- message -----\n")
            f.write("X-Envelope-From: %s\n" % envelope.mail_from)
            f.write("X-Envelope-To: %s\n" % ",".join(envelope.rcpt_tos))
            if tls_auth:
                auth = getattr(session, "auth_data", None)
                login = auth.login.decode() if isinstance(auth, LoginPassword) else "none"
                f.write("X-Auth-User: %s\n" % login)
                f.write("X-TLS: %s\n" % ("yes" if session.ssl else "no"))
            f.write(envelope.content.decode("utf-8", "replace"))
            f.write("\n")
        return "250 OK"


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8")
        json.loads(body)  # must be JSON
        with open(os.path.join(out_dir, "webhook.jsonl"), "a", encoding="utf-8") as f:
            f.write(body.replace("\n", " ") + "\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == tls_auth
    return AuthResult(success=ok, auth_data=auth_data)


params = {}
if tls_auth:
    cert, key = os.path.join(out_dir, "smtp.crt"), os.path.join(out_dir, "smtp.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    params = dict(tls_context=ctx, require_starttls=True, authenticator=authenticate,
                  auth_required=True, auth_require_tls=True)
smtp = BoundController(MailSink(), **params)
smtp.start()
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
with open(os.path.join(out_dir, "ports.tmp"), "w") as f:
    f.write("smtp=%d webhook=%d\n" % (smtp.port, httpd.server_address[1]))
os.rename(os.path.join(out_dir, "ports.tmp"), os.path.join(out_dir, "ports"))

done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
signal.signal(signal.SIGINT, lambda *a: done.set())
done.wait()
httpd.shutdown()
smtp.stop()
