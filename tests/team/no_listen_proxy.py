"""A PostgreSQL-protocol proxy that refuses LISTEN, as engines without LISTEN/NOTIFY do (CockroachDB, YugabyteDB).

It relays a real server byte for byte, except a ``LISTEN`` statement from the client (simple or extended query
protocol): that one it answers itself with an ``ErrorResponse`` of SQLSTATE ``0A000`` (feature_not_supported),
then ``ReadyForQuery``, exactly as such an engine does, and the server never sees it. Everything else (startup,
authentication, queries, COPY) is the real server's. The client must not ask for TLS or GSS encryption
(``sslmode=disable&gssencmode=disable``): the proxy reads the client's messages in the clear.
"""

from __future__ import annotations

import socket
import struct
import threading

#: Startup-phase request codes that another untyped message follows (SSLRequest, GSSENCRequest).
_NEGOTIATIONS = {80877103, 80877104}


def _refusal() -> bytes:
    fields = b"".join(kind + text.encode() + b"\0" for kind, text in (
        (b"S", "ERROR"), (b"V", "ERROR"), (b"C", "0A000"), (b"M", "unimplemented feature: LISTEN")))
    body = fields + b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body + b"Z" + struct.pack("!i", 5) + b"I"


def _is_listen(kind: bytes, body: bytes) -> bool:
    if kind == b"Q":
        query = body.split(b"\0", 1)[0]
    elif kind == b"P":
        query = body.split(b"\0", 2)[1]
    else:
        return False
    return query.lstrip().upper().startswith(b"LISTEN")


class NoListenProxy:
    """Listens on 127.0.0.1 (``port``) and relays to the server's Unix socket ``server_socket``."""

    def __init__(self, server_socket: str):
        self.server_socket = server_socket
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.refused = 0
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.server_socket)
            self._sockets += [client, server]
            threading.Thread(target=self._to_client, args=(server, client), daemon=True).start()
            threading.Thread(target=self._to_server, args=(client, server), daemon=True).start()

    @staticmethod
    def _to_client(server: socket.socket, client: socket.socket) -> None:
        try:
            while data := server.recv(65536):
                client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()

    def _to_server(self, client: socket.socket, server: socket.socket) -> None:
        try:
            self._relay(client.makefile("rb"), client, server)
        except (OSError, struct.error):
            pass
        finally:
            server.close()

    def _relay(self, read, client: socket.socket, server: socket.socket) -> None:
        while True:  # startup phase: untyped messages
            length, code = struct.unpack("!ii", read.read(8))
            server.sendall(struct.pack("!ii", length, code) + read.read(length - 8))
            if code not in _NEGOTIATIONS:
                break
        refusing = False
        while header := read.read(5):
            kind, length = header[:1], struct.unpack("!i", header[1:])[0]
            body = read.read(length - 4)
            if _is_listen(kind, body):
                self.refused += 1
                if kind == b"Q":
                    client.sendall(_refusal())
                else:
                    refusing = True  # drop the rest of the extended query up to its Sync
                continue
            if refusing:
                if kind == b"S":
                    refusing = False
                    client.sendall(_refusal())
                continue
            server.sendall(header + body)
