"""Test-only network guard, loaded by every Python process the tests start (sitecustomize).

csops promises that nothing leaves 127.0.0.1 in the tests and the demo. This refuses any
connection or name lookup that is not loopback, and records each attempt in the file named by
CSOPS_NETGUARD_LOG so a test can assert that none happened (libraries that swallow the error,
such as telemetry clients, would otherwise hide it).
"""

import ipaddress
import os
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    log = os.environ.get("CSOPS_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what}\n")
    raise OSError(f"csops test network guard: refused {what} (only 127.0.0.1 is allowed)")


def install() -> None:
    if getattr(socket, "_csops_guarded", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def _check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse(f"connect to {address[0]}:{address[1]}")

    def connect(self, address):
        _check(self, address)
        return original_connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return original_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            _refuse(f"name lookup of {host}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket._csops_guarded = True


def install_if_enabled() -> None:
    if os.environ.get("CSOPS_NETGUARD") == "1":
        install()
