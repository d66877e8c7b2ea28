"""Reads fixed-size messages one at a time, records each in a file, then naps a millisecond.

argv: record-file message-size [reply] [exit-after]
Reads exactly one message per read loop (never more), so the socket keeps what it has not read.
SIGTERM is blocked between reading a message and recording it: a message read is always recorded.
With "reply", every message is echoed back (a request's reply). With exit-after N, exits with
status 3 after N messages.
"""
import os
import signal
import sys
import time

record = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
size = int(sys.argv[2])
reply = len(sys.argv) > 3 and sys.argv[3] == "reply"
exit_after = int(sys.argv[4]) if len(sys.argv) > 4 else -1
count = 0
while True:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    message = b""
    while len(message) < size:
        chunk = os.read(0, size - len(message))
        if not chunk:
            sys.exit(0)
        message += chunk
    os.write(record, message)
    if reply:
        os.write(1, message)
    count += 1
    if count == exit_after:
        os._exit(3)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    time.sleep(0.001)
