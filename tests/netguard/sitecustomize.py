"""Loaded by every Python process the tests start (via PYTHONPATH): blocks network access.

Attempts are refused and appended to the file named by REVERIE_NETLOG, so a test can prove
that a whole CLI run tried to open no connection at all.
"""

import os
import socket

_LOG = os.environ.get("REVERIE_NETLOG")
# Set only by the test of the (opt-in) remote model server, which runs on this machine.
ALLOW_LOOPBACK = False
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
# Exact loopback (host, port) pairs one test allows: the Chroma server it started itself.
# Child processes get them from REVERIE_NETGUARD_ALLOW ("127.0.0.1:PORT,…"); any other host
# is ignored there, so nothing but loopback can ever be let through.
ALLOWED_ADDRESSES: set[tuple[str, int]] = set()
for _item in filter(None, os.environ.get("REVERIE_NETGUARD_ALLOW", "").split(",")):
    _host, _, _port = _item.rpartition(":")
    if _host in _LOOPBACK and _port.isdigit():
        ALLOWED_ADDRESSES.add((_host, int(_port)))
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _refuse(sock, address):
    if sock.family == getattr(socket, "AF_UNIX", None):
        return None
    if ALLOW_LOOPBACK and isinstance(address, tuple) and address[0] in _LOOPBACK:
        return None
    if isinstance(address, tuple) and tuple(address[:2]) in ALLOWED_ADDRESSES:
        return None  # only loopback pairs are ever added
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{address!r}\n")
    raise OSError(f"network access is disabled in Reverie's tests (tried {address!r})")


def _connect(self, address):
    _refuse(self, address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _refuse(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
