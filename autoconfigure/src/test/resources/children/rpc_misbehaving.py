"""A JSON-RPC child (stdlib only, no client) that breaks the rules in the way argv[1] names.

It answers every request {"id": N, "params": P} with {"result": P}, and around that:
  storm       sends 20 notifications "storm/tick" before each response
  unknown-ids sends a response for id N + 1000000 before each real one
  invalid-json sends a line that is not JSON before each response
  die-after   reads int(argv[2]) requests without answering, then exits 3
  lie         (content-length framing) announces an absurd Content-Length on the first request
"""
import json
import os
import sys

mode = sys.argv[1]
framing = os.environ.get("SIDECAR_FRAMING", "lines")
out = sys.stdout.buffer
inp = sys.stdin.buffer


def write(payload):
    if framing == "content-length":
        out.write(b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    else:
        out.write(payload + b"\n")


def send(message):
    write(json.dumps(message).encode())


def frames():
    if framing != "content-length":
        for line in inp:
            yield line
        return
    while True:
        length = None
        while True:
            header = inp.readline()
            if not header:
                return
            if header in (b"\r\n", b"\n"):
                break
            name, _, value = header.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        yield inp.read(length)


received = 0
for frame in frames():
    message = json.loads(frame)
    if "id" not in message or "method" not in message:
        continue
    received += 1
    if mode == "die-after":
        if received == int(sys.argv[2]):
            sys.stderr.write("dying with %d requests unanswered\n" % received)
            sys.exit(3)
        continue
    if mode == "lie":
        out.write(b"Content-Length: 99999999999\r\n\r\n{}")
        out.flush()
        continue
    if mode == "storm":
        for tick in range(20):
            send({"jsonrpc": "2.0", "method": "storm/tick", "params": {"id": message["id"], "tick": tick}})
    elif mode == "unknown-ids":
        send({"jsonrpc": "2.0", "id": message["id"] + 1000000, "result": "not yours"})
    elif mode == "invalid-json":
        write(b"this is {not json")
    send({"jsonrpc": "2.0", "id": message["id"], "result": message.get("params")})
    out.flush()
