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
