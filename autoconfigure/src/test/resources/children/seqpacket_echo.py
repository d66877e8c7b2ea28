# Echoes every SOCK_SEQPACKET record back, reading whole records (buffer = max size + 1).
import os
import socket
import sys

sock = socket.socket(fileno=0)
limit = int(os.environ["SIDECAR_MAX_MESSAGE_SIZE"]) + 1
while True:
    record = sock.recv(limit)
    if not record:
        sys.exit(0)
    sock.send(record)
