"""A real SMTP relay for the notifier's tests: aiosmtpd with STARTTLS and AUTH (PLAIN, LOGIN).

Prints one JSON line per event on stdout ("ready", "auth", "message"), so a test can tell
whether a message came in over TLS and after which login. Runs until killed.

    python smtp-test-server.py --port 2525 [--cert c.pem --key k.pem [--implicit-tls]] [--user u --password p]

--implicit-tls: TLS from the first byte (SMTPS, port 465 in real life) instead of STARTTLS.
"""
import argparse
import json
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def say(**event):
    print(json.dumps(event), flush=True)


class Recorder:
    async def handle_DATA(self, server, session, envelope):
        say(
            event="message",
            tls=session.ssl is not None,
            authenticated=bool(session.authenticated),
            login=getattr(session, "auth_data", None).login.decode() if session.authenticated else None,
            mail_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            content=envelope.content.decode("utf8", "replace"),
        )
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--implicit-tls", action="store_true")
    a = p.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user and auth_data.password.decode() == a.password
        say(event="auth", mechanism=mechanism, ok=ok, tls=session.ssl is not None)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)
    controller = Controller(
        Recorder(),
        hostname=a.host,
        port=a.port,
        ssl_context=tls if a.implicit_tls else None,
        tls_context=None if a.implicit_tls else tls,
        require_starttls=tls is not None and not a.implicit_tls,  # nothing but EHLO, STARTTLS and QUIT before the upgrade
        authenticator=authenticator if a.user else None,
        auth_required=bool(a.user),
        auth_require_tls=not a.implicit_tls,  # aiosmtpd does not count implicit TLS as TLS; the whole connection is
    )
    controller.start()
    say(event="ready", port=a.port, tls=tls is not None, auth=bool(a.user))
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
