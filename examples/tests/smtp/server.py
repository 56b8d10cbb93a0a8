#!/usr/bin/env python3
"""A local SMTP server for the send-notices tests (aiosmtpd), listening on 127.0.0.1.

Usage: server.py MODE OUT_DIR [CERT KEY]

Prints "PORT <n>" on its first line when it is ready, then serves until stdin closes (the test
holds stdin open and closes it, or is killed). Every message it accepts is written to OUT_DIR as
<n>.eml with a first line "X-Test-Rcpt: <recipients>", so a test can count deliveries exactly.

Modes:
  accept        accept everything
  tempfail      451 at RCPT the first time each recipient is seen, then accept
  reject-rcpt   550 5.1.1 at RCPT for recipients whose local part starts with "nobody", accept others
  reject-data   554 5.7.1 at the end of DATA for every message
  drop          close the connection in the middle of the first message (nothing stored), then accept
  stall         accept TCP connections and never say anything
  garbage       answer every connection with a line that is not SMTP
  starttls      offer STARTTLS (CERT, KEY) and require it before MAIL
  smtps         implicit TLS from the first byte (CERT, KEY)
"""
import asyncio
import os
import socket
import ssl
import sys
import threading

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP
except ImportError:  # the Rust test turns this into a clear failure
    print("MISSING aiosmtpd: install it with: python3 -m pip install aiosmtpd", flush=True)
    sys.exit(3)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Handler:
    def __init__(self, mode, out):
        self.mode = mode
        self.out = out
        self.seen = set()
        self.count = 0
        self.dropped = False
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "tempfail" and address not in self.seen:
            self.seen.add(address)
            return "451 4.3.0 try again later"
        if self.mode == "reject-rcpt" and address.lower().startswith("nobody"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "reject-data":
            return "554 5.7.1 message refused"
        if self.mode == "drop" and not self.dropped:
            self.dropped = True
            server.transport.abort()
            return "421 closing"
        with self.lock:
            self.count += 1
            n = self.count
        path = os.path.join(self.out, "%04d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Test-Rcpt: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(b"X-Test-From: " + (envelope.mail_from or "").encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 queued as test-%d" % n


def raw_server(mode):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []

    def serve():
        while True:
            conn, _ = sock.accept()
            if mode == "garbage":
                try:
                    conn.sendall(b"HELLO THIS IS NOT SMTP\r\nxyz\r\n")
                except OSError:
                    pass
            held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    return sock.getsockname()[1]


def main():
    mode, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if mode in ("stall", "garbage"):
        port = raw_server(mode)
    else:
        handler = Handler(mode, out)
        port = free_port()
        kwargs = {}
        if mode in ("starttls", "smtps"):
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(sys.argv[3], sys.argv[4])
            if mode == "starttls":
                kwargs["tls_context"] = ctx
                kwargs["require_starttls"] = True
            else:
                kwargs["ssl_context"] = ctx
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
    print("PORT %d" % port, flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
