"""TCP echo server for the Spring Integration comparison, used only when no C compiler is available.
Listens on 127.0.0.1 only, prints its ephemeral port as one line, echoes every connection on a thread of
its own, and exits as soon as its stdin reaches end of file."""

import socket
import sys
import threading


def echo(connection):
    with connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            data = connection.recv(65536)
            if not data:
                return
            connection.sendall(data)


def serve(listener):
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=echo, args=(connection,), daemon=True).start()


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    while sys.stdin.buffer.read(256):
        pass  # nothing is expected on stdin; its end means the parent is gone


if __name__ == "__main__":
    main()
