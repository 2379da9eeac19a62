"""A TCP proxy a drill puts between Roost's processes and PostgreSQL or Redis, to take the
service away and give it back without touching the real server (others share it).

Modes: ``up`` forwards; ``refuse`` closes the listening socket, so new connections get
ECONNREFUSED like a stopped server; ``blackhole`` accepts connections and never answers,
like a host that vanished from the network. Leaving ``up`` also cuts every open connection,
as a crashed server or a failover would.
"""

from __future__ import annotations

import socket
import threading
from typing import Literal

Mode = Literal["up", "refuse", "blackhole"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode: Mode = "up"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> TcpProxy:
        self._listen()
        return self

    def stop(self) -> None:
        self._close_listener()
        self.cut()

    def set_mode(self, mode: Mode) -> None:
        """Switch mode; open connections are cut whenever the service goes away or comes back
        (a held blackhole connection is released as a reset once the network heals)."""
        with self._lock:
            previous, self.mode = self.mode, mode
        if mode == previous:
            return
        self.cut()
        if mode == "refuse":
            self._close_listener()
        elif self._listener is None:
            self._listen()

    def cut(self) -> None:
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            _close(sock)

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), name=f"proxy-{self.port}", daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: refuse mode or stop
            self._track(client)
            if self.mode == "blackhole":
                continue  # held open, silent, until the mode changes
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            self._track(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with self._lock:
                self._sockets.discard(sock)
            _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
