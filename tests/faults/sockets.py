"""Real broken servers for fault tests: a port that accepts and never answers, and a port with nothing on it."""

import contextlib
import socket
import threading


@contextlib.contextmanager
def hung_server():
    """A listening TCP port on loopback that accepts every connection and never sends a byte.

    Yields the port. Connections stay open until the block ends, so clients wait as they would on a
    stuck database or mail server.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept_forever():
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()


def closed_port():
    """A loopback port with nothing listening: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DatabaseProxy:
    """A loopback port in front of a real database that can be made to hang and come back.

    Forwarding, it pipes each connection to the database. `hang()` drops every open connection (the
    database went away) and from then on accepts connections and never answers them (it hangs). `forward()`
    drops those held connections (the database restarted) and pipes new ones again. `held` counts the
    connections accepted while hanging: how many times the app tried to reach the hung database.
    """

    def __init__(self, target, port=0):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.hanging = False
        self.held = 0
        self._open, self._lock = [], threading.Lock()
        threading.Thread(target=self._accept_forever, daemon=True).start()

    def hang(self):
        with self._lock:
            self.hanging = True
            self._drop_all()

    def forward(self):
        with self._lock:
            self.hanging = False
            self._drop_all()

    def close(self):
        with self._lock:
            self.listener.close()
            self._drop_all()

    def _drop_all(self):
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._open = []

    def _accept_forever(self):
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return  # closed
            with self._lock:
                self._open.append(client)
                if self.hanging:
                    self.held += 1
                    continue
                upstream = socket.create_connection(self.target)
                self._open.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source, sink):
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_RDWR)
