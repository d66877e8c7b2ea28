#!/usr/bin/env python3
"""The JSON-RPC echo child's own ceiling: how many `echo` calls per second rpc-echo.js answers when
the driver costs next to nothing. The driver keeps 64 calls in flight over a socketpair (the child's
stdin/stdout), writes each refill in one write and reads 64 KiB at a time, counting replies by their
newlines. Reported, not asserted: the JSON-RPC rows of the harness cannot exceed this rate.

Usage: benchmarks/src/main/python/rpc_child_ceiling.py [seconds] [repeats]
"""
import os
import socket
import subprocess
import sys
import time

WINDOW = 64
HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, '..', 'node', 'rpc-echo.js')
MESSAGE = 'x' * 64


def request(call_id):
    return ('{"jsonrpc":"2.0","id":%d,"method":"echo","params":{"message":"%s"}}\n'
            % (call_id, MESSAGE)).encode()


def run(seconds):
    ours, theirs = socket.socketpair()
    child = subprocess.Popen(['node', CHILD, 'lines'], stdin=theirs, stdout=theirs)
    theirs.close()
    try:
        next_id = 0
        batch = b''.join(request(next_id + i) for i in range(WINDOW))
        next_id += WINDOW
        ours.sendall(batch)
        answered = 0
        start = None
        warm_until = time.monotonic() + 1.0
        while True:
            chunk = ours.recv(65536)
            if not chunk:
                raise SystemExit('rpc-echo.js closed its end')
            replies = chunk.count(b'\n')
            now = time.monotonic()
            if start is None and now >= warm_until:
                start, answered = now, 0
            elif start is not None:
                answered += replies
                if now - start >= seconds:
                    return answered / (now - start)
            if replies:
                ours.sendall(b''.join(request(next_id + i) for i in range(replies)))
                next_id += replies
    finally:
        ours.close()
        child.wait(timeout=10)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rates = sorted(run(seconds) for _ in range(repeats))
    print('rpc-echo.js, lines, 64 in flight, driver writing each refill at once: median %.1f k calls/s '
          '(min %.1f k, max %.1f k, %d runs of %.0f s)'
          % (rates[len(rates) // 2] / 1000, rates[0] / 1000, rates[-1] / 1000, repeats, seconds))


if __name__ == '__main__':
    main()
