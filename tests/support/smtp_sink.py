#!/usr/bin/python3
"""smtp_sink.py - a real SMTP server for tests: aiosmtpd on 127.0.0.1 with STARTTLS required.

usage: smtp_sink.py PORT_FILE OUT_DIR CERT KEY [USER PASSWORD_FILE]

With USER and PASSWORD_FILE (its first line the password) the server requires a login (AUTH
PLAIN or LOGIN, offered only after STARTTLS) before it takes a message; each refused login is
counted in OUT_DIR/auth-refused (one line per refusal). Listens on a free port and writes its number to PORT_FILE. Each message accepted is written
to OUT_DIR/msg-N.eml (N from 1; written whole, then renamed into place), its first line
"X-Envelope-To: <recipients>". While OUT_DIR/refuse exists, every message is refused at the
end of DATA with 451 (try again later), as a busy or broken server would.
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(os.path.join(self.out, "refuse")):
            return "451 4.3.0 Try again later"
        self.n += 1
        path = os.path.join(self.out, "msg-%d.eml" % self.n)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(data)
        os.rename(path + ".tmp", path)
        return "250 OK"


class Login:
    """aiosmtpd's authenticator: the one user with the one password."""

    def __init__(self, out, user, password):
        self.out = out
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
                and auth_data.password == self.password):
            return AuthResult(success=True)
        with open(os.path.join(self.out, "auth-refused"), "a") as f:
            f.write("%s\n" % mechanism)
        return AuthResult(success=False, handled=False)


async def main():
    port_file, out, cert, key = sys.argv[1:5]
    login = None
    if len(sys.argv) > 5:
        with open(sys.argv[6]) as f:
            login = Login(out, sys.argv[5], f.readline().rstrip("\r\n"))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Sink(out)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, tls_context=ctx, require_starttls=True, hostname="127.0.0.1",
                     authenticator=login, auth_required=login is not None,
                     auth_require_tls=True),
        "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(port_file + ".tmp", port_file)
    await server.serve_forever()


asyncio.run(main())
