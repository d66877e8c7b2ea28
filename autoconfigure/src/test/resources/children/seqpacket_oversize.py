# Seqpacket child: answers "big" with a record one byte over max-message-size, echoes anything else.
import os
import socket

sock = socket.socket(fileno=0)
limit = int(os.environ["SIDECAR_MAX_MESSAGE_SIZE"])
while True:
    record = sock.recv(limit + 1)
    if not record:
        break
    sock.send(b"y" * (limit + 1) if record == b"big" else record)
