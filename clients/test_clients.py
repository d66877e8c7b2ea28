#!/usr/bin/env python3
"""Tests for the child-side clients (Python and Node), without the Java side.

Run:  python3 clients/test_clients.py   (stdlib only; Node tests need `node` >= 18)

Each test plays the parent: it creates a real AF_UNIX socketpair, starts the
child the way the Java side does (stdio: socket on fds 0 and 1 as two
descriptors; fd 3: the same `sh -c 'exec 3<&0 ...'` trampoline), and speaks
the wire protocol with its own framing code, independent of the clients.
"""

import ctypes
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PY_CLIENT_DIR = os.path.join(HERE, "python")
NODE_CLIENT = os.path.join(HERE, "node", "sidecar-channel.js")
NODE_ESM_CLIENT = os.path.join(HERE, "node", "sidecar-channel.mjs")
PY_ECHO = [sys.executable, os.path.join(PY_CLIENT_DIR, "examples", "echo.py")]
NODE = shutil.which("node")
NODE_ECHO = [NODE or "node", os.path.join(HERE, "node", "examples", "echo.js")]
PY_RPC = [sys.executable, os.path.join(PY_CLIENT_DIR, "examples", "rpc_echo.py")]
NODE_RPC = [NODE or "node", os.path.join(HERE, "node", "examples", "rpc-echo.js")]
# The same trampoline the Java side uses to move the socket from stdin to fd 3.
FD3_LAUNCHER = ["sh", "-c", 'exec 3<&0 </dev/null >&2; exec "$0" "$@"']
# Below Node's seqpacket record limit with a default SO_SNDBUF (212,960 bytes).
MAX = 100000
TIMEOUT = 10

sys.path.insert(0, PY_CLIENT_DIR)
import sidecar_channel  # noqa: E402

FRAMINGS = [("stream", "lines"), ("stream", "length-prefixed"), ("stream", "content-length"),
            ("seqpacket", "seqpacket")]


def encode(framing, payload):
    if framing == "lines":
        return payload + b"\n"
    if framing == "length-prefixed":
        return len(payload).to_bytes(4, "big") + payload
    if framing == "content-length":
        return b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    return payload


def split_frames(framing, buf):
    """Complete frames at the start of buf, and the rest. Strict: the clients must write exact headers."""
    frames = []
    while True:
        if framing == "lines":
            i = buf.find(b"\n")
            if i < 0:
                break
            frames.append(buf[:i])
            buf = buf[i + 1:]
        elif framing == "length-prefixed":
            if len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
                break
            n = int.from_bytes(buf[:4], "big")
            frames.append(buf[4:4 + n])
            buf = buf[4 + n:]
        else:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            name, _, value = buf[:end].partition(b": ")
            assert name == b"Content-Length" and value.isdigit(), buf[:end]
            n = int(value)
            if len(buf) < end + 4 + n:
                break
            frames.append(buf[end + 4:end + 4 + n])
            buf = buf[end + 4 + n:]
    return frames, buf


def utf8_payload(size):
    """Exactly `size` bytes of mixed 1- to 4-byte UTF-8, no newline."""
    pattern = "aé✓𝄞"
    text = pattern * (size // len(pattern.encode()) + 1)
    data = text.encode()[:size]
    while True:  # cut back to a character boundary, then pad with ASCII
        try:
            data.decode()
            break
        except UnicodeDecodeError:
            data = data[:-1]
    return data + b"a" * (size - len(data))


class Child:
    """A child process on one end of a socketpair, started like the Java parent starts it."""

    def __init__(self, cmd, *, transport="stream", framing="lines", fd=3, max_size=MAX,
                 env=None, child_sock_setup=None, sndbuf=None):
        kind = socket.SOCK_SEQPACKET if transport == "seqpacket" else socket.SOCK_STREAM
        self.framing = framing
        self.max_size = max_size
        self.sock, child_end = socket.socketpair(socket.AF_UNIX, kind)
        if child_sock_setup:
            child_sock_setup(child_end)
        if sndbuf:  # records bigger than SO_SNDBUF - 32 bytes cannot be sent at all
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        full_env = dict(os.environ)
        full_env.update({
            "SIDECAR_NAME": "test", "SIDECAR_TRANSPORT": transport, "SIDECAR_FRAMING": framing,
            "SIDECAR_MAX_MESSAGE_SIZE": str(max_size), "SIDECAR_FD": str(fd),
        })
        full_env.update(env or {})
        if fd == 0:
            second = child_end.dup()  # two descriptors of one socket, as the JDK needs
            self.proc = subprocess.Popen(cmd, stdin=child_end.fileno(), stdout=second.fileno(),
                                         stderr=subprocess.PIPE, env=full_env)
            second.close()
        else:
            self.proc = subprocess.Popen(FD3_LAUNCHER + cmd, stdin=child_end.fileno(),
                                         stderr=subprocess.PIPE, env=full_env)
        child_end.close()  # else we would never see EOF when the child exits
        self.replies = []
        self.raw = bytearray()  # every byte received, framing included
        self.eof = False
        self._cond = threading.Condition()
        self._stderr = []
        # Reading runs on its own thread: a parent that writes a window of
        # requests before reading can deadlock once both socket buffers fill.
        threading.Thread(target=self._read_loop, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()

    def _read_loop(self):
        buf = b""
        try:
            while True:
                # seqpacket: a buffer bigger than any allowed record, so an
                # oversized reply would show up instead of being cut.
                chunk = self.sock.recv(2 * self.max_size + 1 if self.framing == "seqpacket" else 65536)
                if not chunk:
                    break
                if self.framing == "seqpacket":
                    frames = [chunk]
                else:
                    frames, buf = split_frames(self.framing, buf + chunk)
                with self._cond:
                    self.raw += chunk
                    self.replies.extend(frames)
                    self._cond.notify_all()
        except OSError:
            pass
        with self._cond:
            self.eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._stderr.append(line.decode(errors="replace"))

    def send(self, payload, child_may_be_gone=False):
        frame = encode(self.framing, payload)
        try:
            if self.framing == "seqpacket":
                self.sock.send(frame)
            else:
                self.sock.sendall(frame)
        except (BrokenPipeError, ConnectionResetError):
            if not child_may_be_gone:
                raise

    def expect(self, count, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.replies) < count and not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.replies)

    def wait_until(self, predicate, timeout=TIMEOUT):
        """Replies once predicate(replies) holds; raises AssertionError after timeout or at EOF."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.replies):
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    raise AssertionError("condition not met ({}); replies: {!r}\nstderr:\n{}".format(
                        "EOF" if self.eof else "timeout", self.replies[-10:], self.stderr()))
                self._cond.wait(left)
            return list(self.replies)

    def close_input(self):
        self.sock.shutdown(socket.SHUT_WR)

    def wait(self, timeout=TIMEOUT):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("child did not exit within {}s; stderr:\n{}".format(timeout, self.stderr()))
        self._stderr_thread.join(TIMEOUT)
        return code

    def stderr(self):
        return "".join(self._stderr)

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()
        self.proc.stderr.close()


def rpc_children():
    yield "python", PY_RPC
    if NODE:
        yield "node", NODE_RPC


def children():
    yield "python", PY_ECHO
    if NODE:
        yield "node", NODE_ECHO


class ChildTestCase(unittest.TestCase):
    maxDiff = 2000

    def start(self, cmd, **kwargs):
        child = Child(cmd, **kwargs)
        self.addCleanup(child.cleanup)
        return child

    def script(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sidecar-clients-")
        self.addCleanup(shutil.rmtree, self.tmp, True)


class EchoTest(ChildTestCase):
    def messages(self, framing):
        msgs = [b"hello", "héllo wörld ✓ 𝄞 中文".encode(), utf8_payload(MAX - 1), utf8_payload(MAX)]
        if framing == "lines":
            msgs.append(b"tab\tand\rcarriage return inside")
            msgs.append(b"\xff\xfe not UTF-8, echoed all the same")
        else:
            msgs.append(bytes(range(256)) * 4)  # every byte value, including \n and \0
        if framing != "seqpacket":
            msgs.append(b"")  # empty messages exist in stream framings only
        msgs.extend(b"msg-%d" % i for i in range(500))  # pipelined: replies must keep FIFO order
        return msgs

    def test_echo_every_mode(self):
        for lang, cmd in children():
            for transport, framing in FRAMINGS:
                for fd in (0, 3):
                    with self.subTest(lang=lang, framing=framing, fd=fd):
                        child = self.start(cmd, transport=transport, framing=framing, fd=fd)
                        msgs = self.messages(framing)
                        for m in msgs:
                            child.send(m)
                        replies = child.expect(len(msgs))
                        self.assertEqual(len(replies), len(msgs), child.stderr())
                        for i, (sent, got) in enumerate(zip(msgs, replies)):
                            self.assertEqual(got, sent, "reply {} differs".format(i))
                        child.close_input()
                        self.assertEqual(child.wait(), 0, child.stderr())
                        self.assertEqual(child.expect(len(msgs) + 1), replies, "no extra output")
                        self.assertNotIn("Traceback", child.stderr())
                        self.assertNotIn("Error", child.stderr())

    def test_exits_when_parent_stops_without_waiting(self):
        # The parent drops both directions at once and never reads a reply
        # (a real kill -9 is covered by NoOrphansTest).
        for lang, cmd in children():
            for transport, framing in FRAMINGS:
                for fd in (0, 3):
                    with self.subTest(lang=lang, framing=framing, fd=fd):
                        child = self.start(cmd, transport=transport, framing=framing, fd=fd)
                        child.send(b"ping")
                        self.assertEqual(child.expect(1), [b"ping"])
                        child.send(b"unanswered")
                        # shutdown, not just close(): our reader thread still
                        # sits in recv() on this socket, which keeps it alive.
                        child.sock.shutdown(socket.SHUT_RDWR)
                        self.assertEqual(child.wait(), 0, child.stderr())

    def test_crlf_accepted_on_input(self):
        for lang, cmd in children():
            with self.subTest(lang=lang):
                child = self.start(cmd)
                child.sock.sendall(b"windows\r\nunix\n")
                self.assertEqual(child.expect(2), [b"windows", b"unix"])
                child.close_input()
                self.assertEqual(child.wait(), 0)

    def test_incomplete_message_at_eof_is_discarded(self):
        for lang, cmd in children():
            for framing, partial in (("lines", b"no newline"), ("length-prefixed", b"\x00\x00\x00\x10abc"),
                                     ("content-length", b"Content-Length: 9\r\n\r\nabc")):
                with self.subTest(lang=lang, framing=framing):
                    child = self.start(cmd, framing=framing)
                    child.send(b"whole")
                    child.sock.sendall(partial)
                    child.close_input()
                    self.assertEqual(child.wait(), 0, child.stderr())
                    self.assertEqual(child.expect(2), [b"whole"])
                    self.assertIn("incomplete message", child.stderr())

    def test_plain_pipes_work_for_manual_runs(self):
        # Developers run children by hand (`echo hi | python3 echo.py`); stdio
        # mode must not insist on a socket.
        for lang, cmd in children():
            with self.subTest(lang=lang):
                out = subprocess.run(cmd, input="one\ntwo ✓\n".encode(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, timeout=TIMEOUT,
                                     env={k: v for k, v in os.environ.items() if not k.startswith("SIDECAR_")})
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(out.stdout, "one\ntwo ✓\n".encode())

    def test_seqpacket_fd_left_non_blocking(self):
        # Nothing in the contract promises a blocking fd; Python switches it
        # back, Node (which cannot) retries on EAGAIN.
        for lang, cmd in children():
            with self.subTest(lang=lang):
                child = self.start(cmd, transport="seqpacket", framing="seqpacket",
                                   child_sock_setup=lambda s: s.setblocking(False))
                time.sleep(0.2)  # let the child find its input empty first
                msgs = [b"a" * 10, utf8_payload(MAX)] + [b"n%d" % i for i in range(100)]
                for m in msgs:
                    child.send(m)
                self.assertEqual(child.expect(len(msgs)), msgs)
                child.close_input()
                self.assertEqual(child.wait(), 0, child.stderr())


class ContentLengthTest(ChildTestCase):
    def test_writes_exact_header_bytes(self):
        for lang, cmd in children():
            with self.subTest(lang=lang):
                child = self.start(cmd, framing="content-length")
                child.send(b"hi")
                child.send("é".encode())
                self.assertEqual(child.expect(2), [b"hi", "é".encode()])
                self.assertEqual(bytes(child.raw), b"Content-Length: 2\r\n\r\nhiContent-Length: 2\r\n\r\n\xc3\xa9")
                child.close_input()
                self.assertEqual(child.wait(), 0, child.stderr())

    def test_reads_leniently(self):
        frames = (b"content-length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nabc"
                  b"X-Other: 1\r\nCONTENT-LENGTH:2\r\n\r\nde"
                  b"Content-Length:   0  \r\n\r\n")
        for lang, cmd in children():
            with self.subTest(lang=lang):
                child = self.start(cmd, framing="content-length")
                for i in range(0, len(frames), 7):  # headers split across reads
                    child.sock.sendall(frames[i:i + 7])
                self.assertEqual(child.expect(3), [b"abc", b"de", b""], child.stderr())
                child.close_input()
                self.assertEqual(child.wait(), 0, child.stderr())

    def test_bad_headers_stop_the_channel(self):
        cases = [
            (b"Content-Type: text/plain\r\n\r\nabc", "no Content-Length header"),
            (b"Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "2 Content-Length headers"),
            (b"Content-Length: -3\r\n\r\nabc", "not a non-negative decimal integer"),
            (b"Content-Length: 3x\r\n\r\nabc", "not a non-negative decimal integer"),
            (b"Content-Length: \r\n\r\nabc", "not a non-negative decimal integer"),
            (b"Content-Length: %d\r\n\r\n" % (MAX + 1), "SIDECAR_MAX_MESSAGE_SIZE"),
            (b"X" * 9000, "no blank line"),
        ]
        for lang, cmd in children():
            for frame, message in cases:
                with self.subTest(lang=lang, frame=frame[:40]):
                    child = self.start(cmd, framing="content-length")
                    child.send(b"fine")
                    self.assertEqual(child.expect(1), [b"fine"])
                    child.sock.sendall(frame + encode("content-length", b"after"))
                    self.assertNotEqual(child.wait(), 0)
                    self.assertIn(message, child.stderr())
                    self.assertEqual(child.expect(2), [b"fine"], "nothing after the bad header")


class StartupTest(ChildTestCase):
    def test_raw_ready_message_only_when_asked(self):
        cases = [({}, []), ({"SIDECAR_READY": "message"}, [b"READY"]),
                 ({"SIDECAR_READY": "message", "SIDECAR_READY_MESSAGE": "up and running"}, [b"up and running"])]
        for lang, cmd in children():
            for transport, framing in FRAMINGS:
                for env, ready in cases:
                    with self.subTest(lang=lang, framing=framing, env=env):
                        child = self.start(cmd, transport=transport, framing=framing, env=env)
                        child.send(b"ping")
                        self.assertEqual(child.expect(len(ready) + 1), ready + [b"ping"])
                        child.close_input()
                        self.assertEqual(child.wait(), 0, child.stderr())

    def test_newer_protocol_version_is_refused(self):
        for lang, cmd in children():
            path = "clients/python/sidecar_channel.py" if lang == "python" else "clients/node/sidecar-channel.js"
            for version, ok in (("1", True), ("2", True), ("3", False)):
                with self.subTest(lang=lang, version=version):
                    child = self.start(cmd, env={"SIDECAR_PROTOCOL_VERSION": version})
                    if ok:
                        child.send(b"ping")
                        self.assertEqual(child.expect(1), [b"ping"])
                        child.close_input()
                        self.assertEqual(child.wait(), 0, child.stderr())
                        continue
                    self.assertNotEqual(child.wait(), 0)
                    self.assertIn("the application speaks protocol version 3 but this client knows up to 2; "
                                  "update " + path + " (or use the copy the starter provides)", child.stderr())

    def test_instance_and_protocol_from_environment(self):
        py = self.script("who.py", """
            import sys
            sys.path.insert(0, {client!r})
            import sidecar_channel
            sidecar_channel.serve(lambda m: "%d/%d %s v%d" % (sidecar_channel.instance(), sidecar_channel.instances(),
                                  sidecar_channel.protocol(), sidecar_channel.PROTOCOL_VERSION))
        """.format(client=PY_CLIENT_DIR))
        js = self.script("who.js", """
            const sc = require({cjs!r});
            sc.serve(() => `${{sc.instance()}}/${{sc.instances()}} ${{sc.protocol()}} v${{sc.PROTOCOL_VERSION}}`);
        """.format(cjs=NODE_CLIENT))
        commands = [[sys.executable, py]] + ([[NODE, js]] if NODE else [])
        for cmd in commands:
            for env, expected in (({}, b"0/1 raw v2"),
                                  ({"SIDECAR_INSTANCE": "2", "SIDECAR_INSTANCES": "3", "SIDECAR_PROTOCOL": "json-rpc"},
                                   b"2/3 json-rpc v2")):
                with self.subTest(cmd=cmd[0], env=env):
                    child = self.start(cmd, env=env)
                    child.send(b"who")
                    self.assertEqual(child.expect(1), [expected], child.stderr())
                    child.close_input()
                    self.assertEqual(child.wait(), 0, child.stderr())


def request(id_, method, params=None):
    message = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    return message


def notification(method, params=None):
    message = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


def is_response(message, id_):
    return isinstance(message, dict) and "method" not in message and message.get("id") == id_ \
        and type(message.get("id")) is type(id_)


class RpcTestCase(ChildTestCase):
    """The test plays an application that speaks JSON-RPC to the child."""

    def start_rpc(self, cmd, **kwargs):
        kwargs["env"] = dict({"SIDECAR_PROTOCOL": "json-rpc"}, **kwargs.get("env", {}))
        return self.start(cmd, **kwargs)

    @staticmethod
    def post(child, *messages):
        for message in messages:
            child.send(json.dumps(message).encode())

    @staticmethod
    def messages(replies):
        return [json.loads(r) for r in replies]

    def until(self, child, predicate):
        return self.messages(child.wait_until(lambda replies: predicate(self.messages(replies))))

    def response(self, child, id_):
        for message in self.until(child, lambda ms: any(is_response(m, id_) for m in ms)):
            if is_response(message, id_):
                return message

    def finish(self, child, quiet=True):
        child.close_input()
        self.assertEqual(child.wait(), 0, child.stderr())
        if quiet:
            self.assertNotIn("Traceback", child.stderr())


class JsonRpcTest(RpcTestCase):
    def test_request_response_in_every_framing(self):
        for lang, cmd in rpc_children():
            for transport, framing in FRAMINGS:
                for fd in (0, 3):
                    with self.subTest(lang=lang, framing=framing, fd=fd):
                        child = self.start_rpc(cmd, transport=transport, framing=framing, fd=fd)
                        self.post(child, request(0, "echo", {"a": [1, "é", None]}),
                                  request("s-1", "upper", {"text": "héllo"}))
                        self.assertEqual(self.response(child, 0)["result"], {"a": [1, "é", None]})
                        self.assertEqual(self.response(child, "s-1")["result"], "HÉLLO")
                        messages = self.messages(child.expect(3))
                        self.assertEqual(messages[0], {"jsonrpc": "2.0", "method": "$/ready"}, "ready comes first")
                        self.assertEqual(len(messages), 3)
                        self.finish(child)

    def test_concurrent_async_requests_answer_out_of_order(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd, framing="length-prefixed")
                tokens = {i: "token-%d-%d" % (i, random.randrange(1 << 30)) for i in range(200)}
                self.post(child, *(request(i, "sleep", {"ms": random.randrange(51), "token": tokens[i]})
                                   for i in range(200)))
                messages = self.until(child, lambda ms: len(ms) >= 201)[1:]
                self.assertEqual({m["id"]: m["result"] for m in messages}, tokens)
                order = [m["id"] for m in messages]
                self.assertEqual(len(order), 200)
                self.assertNotEqual(order, sorted(order), "replies must go out as handlers finish")
                self.finish(child)

    def test_errors(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd)
                self.post(child, request(1, "nope"),
                          request(2, "fail", {"code": -32001, "message": "no such file", "data": {"path": "/x"}}),
                          request(3, "boom", {"message": "kaput"}),
                          request(4, "echo"))
                child.send(b'{"jsonrpc": "2.0", "id": 5, "method": "echo", "params": ')
                self.post(child, {"jsonrpc": "2.0", "id": 6, "method": 42}, {"id": 7, "method": "echo"},
                          {"jsonrpc": "2.0", "method": "echo", "params": "scalar"}, "just a string",
                          notification("echo", {"x": 1}), notification("boom"), notification("unknown"),
                          request("last", "echo"))
                self.response(child, "last")
                self.assertEqual(self.response(child, 1)["error"], {"code": -32601, "message": "Method not found: nope"})
                self.assertEqual(self.response(child, 2)["error"],
                                 {"code": -32001, "message": "no such file", "data": {"path": "/x"}})
                self.assertEqual(self.response(child, 3)["error"], {"code": -32603, "message": "kaput"})
                self.assertEqual(self.response(child, 4), {"jsonrpc": "2.0", "id": 4, "result": None})
                self.assertEqual(self.response(child, 6)["error"]["code"], -32600)
                self.assertEqual(self.response(child, 7)["error"]["code"], -32600)
                nulls = [m for m in self.messages(child.replies) if "method" not in m and m["id"] is None]
                self.assertEqual([m["error"]["code"] for m in nulls], [-32700, -32600, -32600])
                self.assertEqual(len(child.replies), 1 + 10, "notifications never get a response")
                self.finish(child, quiet=False)  # a failing handler is logged with its stack
                self.assertIn("kaput", child.stderr())

    def test_batches(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd, framing="content-length")
                self.post(child, [request(1, "echo", [1]), notification("echo"), request("two", "upper", {"text": "b"}),
                                  {"foo": 1}, request(3, "sleep", {"ms": 20, "token": "t"})])
                self.post(child, [notification("echo"), notification("notify", {"method": "x"})])
                self.post(child, [])
                self.post(child, request("last", "$/ping"))
                messages = self.until(child, lambda ms: any(is_response(m, "last") for m in ms)
                                      and any(isinstance(m, list) for m in ms))
                batch = next(m for m in messages if isinstance(m, list))
                self.assertEqual(sorted(json.dumps(r, sort_keys=True) for r in batch), sorted(json.dumps(r, sort_keys=True) for r in [
                    {"jsonrpc": "2.0", "id": 1, "result": [1]},
                    {"jsonrpc": "2.0", "id": "two", "result": "B"},
                    {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": batch_error(batch)}},
                    {"jsonrpc": "2.0", "id": 3, "result": "t"},
                ]))
                empty = [m for m in messages if isinstance(m, dict) and m.get("id") is None and "error" in m]
                self.assertEqual([m["error"]["code"] for m in empty], [-32600])
                self.finish(child)
                self.assertEqual(len(child.replies), 4, "ready, batch, empty-batch error, ping: nothing for notifications")

    def test_ids_are_echoed_unchanged(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd)
                ids = [0, "0", "abc", 9007199254740991, -5, 1.5, ""]
                self.post(child, *(request(i, "echo", {"i": n}) for n, i in enumerate(ids)))
                for n, i in enumerate(ids):
                    self.assertEqual(self.response(child, i)["result"], {"i": n})
                self.finish(child)

    def test_ping_answered_while_every_slot_is_busy_then_cancel_all(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd)
                self.post(child, *(request(i, "sleep", {"ms": 600000, "token": i}) for i in range(70)))
                self.post(child, request("queued", "echo", ["behind the busy slots"]), request("ping", "$/ping"))
                self.assertEqual(self.response(child, "ping")["result"], {})
                for i in range(70):
                    if i % 2:
                        self.post(child, notification("$/cancelRequest", {"id": i}))
                    else:
                        self.post(child, notification("notifications/cancelled", {"requestId": i, "reason": "test"}))
                for i in range(70):
                    self.assertEqual(self.response(child, i)["error"], {"code": -32800, "message": "Request cancelled"})
                self.assertEqual(self.response(child, "queued")["result"], ["behind the busy slots"])
                self.finish(child)  # cancelled handlers do not hold the child up
                self.assertEqual(len(child.replies), 1 + 70 + 2)

    def test_cancellation_answers_once(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd)
                self.post(child, request(1, "sleep", {"ms": 600000}), request(2, "sleep", {"ms": 0, "token": "done"}))
                self.assertEqual(self.response(child, 2)["result"], "done")
                self.post(child, notification("$/cancelRequest", {"id": 2}), notification("$/cancelRequest", {"id": 99}),
                          notification("$/cancelRequest", {"id": 1}), notification("notifications/cancelled", {"requestId": 1}),
                          notification("$/cancelRequest", {"id": "1"}), notification("$/cancelRequest"))
                self.assertEqual(self.response(child, 1)["error"]["code"], -32800)
                self.post(child, request("last", "$/ping"))
                self.response(child, "last")
                self.finish(child)
                self.assertEqual(len(child.replies), 4, "ready and one answer per request")

    def test_child_calls_and_notifies_the_application(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd, framing="content-length")
                self.post(child, request("cb", "callback", {"method": "roots/list", "params": {"a": 1}}))
                call = self.until(child, lambda ms: any(m.get("method") == "roots/list" for m in ms))[-1]
                self.assertEqual(call, request(1, "roots/list", {"a": 1}))
                self.post(child, {"jsonrpc": "2.0", "id": 1, "result": {"roots": ["/"]}})
                self.assertEqual(self.response(child, "cb")["result"], {"roots": ["/"]})

                self.post(child, request("cb2", "callback", {"method": "sampling/create"}))
                call = self.until(child, lambda ms: any(m.get("method") == "sampling/create" for m in ms))[-1]
                self.assertEqual(call, request(2, "sampling/create"), "the child's ids count from 1")
                self.post(child, {"jsonrpc": "2.0", "id": 2, "error": {"code": -32042, "message": "no", "data": [1]}})
                self.assertEqual(self.response(child, "cb2")["error"], {"code": -32042, "message": "no", "data": [1]})

                self.post(child, request("n", "notify", {"method": "progress", "params": {"done": 0.5}}))
                self.assertIsNone(self.response(child, "n")["result"])
                self.assertIn(notification("progress", {"done": 0.5}), self.messages(child.replies))
                self.finish(child)

    def test_pending_call_fails_when_input_ends(self):
        for lang, cmd in rpc_children():
            with self.subTest(lang=lang):
                child = self.start_rpc(cmd)
                self.post(child, request("cb", "callback", {"method": "never/answered"}))
                self.until(child, lambda ms: any(m.get("method") == "never/answered" for m in ms))
                child.close_input()
                error = self.response(child, "cb")["error"]
                self.assertEqual(error["code"], -32603)
                self.assertIn("input ended before the response", error["message"])
                self.assertEqual(child.wait(), 0, child.stderr())

    def test_ready_sent_manually(self):
        py = self.script("manual_ready.py", """
            import sys
            sys.path.insert(0, {client!r})
            import sidecar_channel
            rpc = sidecar_channel.JsonRpc()
            @rpc.method("load")
            def load(params):
                rpc.ready()
                rpc.ready()
                return "loaded"
            rpc.serve(ready=False)
        """.format(client=PY_CLIENT_DIR))
        js = self.script("manual-ready.js", """
            const {{ JsonRpc }} = require({cjs!r});
            const rpc = new JsonRpc();
            rpc.method('load', () => {{ rpc.ready(); rpc.ready(); return 'loaded'; }});
            rpc.serve({{ ready: false }});
        """.format(cjs=NODE_CLIENT))
        for cmd in [[sys.executable, py]] + ([[NODE, js]] if NODE else []):
            with self.subTest(cmd=cmd[0]):
                child = self.start_rpc(cmd)
                self.post(child, request(1, "$/ping"))
                self.assertEqual(self.messages(child.expect(1)), [{"jsonrpc": "2.0", "id": 1, "result": {}}])
                self.post(child, request(2, "load"), request(3, "load"))
                self.response(child, 3)
                self.finish(child)
                readies = [m for m in self.messages(child.replies) if m.get("method") == "$/ready"]
                self.assertEqual(readies, [{"jsonrpc": "2.0", "method": "$/ready"}])
                self.assertEqual(len(child.replies), 4)

    def test_python_plain_functions_run_in_threads(self):
        script = self.script("threads.py", """
            import sys, threading
            sys.path.insert(0, {client!r})
            import sidecar_channel
            rpc = sidecar_channel.JsonRpc(max_threads=4)
            both_running = threading.Barrier(2, timeout=5)
            @rpc.method("meet")
            def meet(params):
                both_running.wait()  # only passes if two calls run at once
                return threading.current_thread() is not threading.main_thread()
            @rpc.notification("note")
            def note(params):
                rpc.notify("noted", params)
            rpc.serve()
        """.format(client=PY_CLIENT_DIR))
        child = self.start_rpc([sys.executable, script])
        self.post(child, request(1, "meet"), request(2, "meet"), notification("note", [7]))
        self.assertIs(self.response(child, 1)["result"], True)
        self.assertIs(self.response(child, 2)["result"], True)
        self.until(child, lambda ms: notification("noted", [7]) in ms)
        self.finish(child)

    def test_node_esm_exports_json_rpc(self):
        if not NODE:
            self.skipTest("node not installed")
        script = self.script("rpc.mjs", """
            import {{ JsonRpc, JsonRpcError, PROTOCOL_VERSION }} from {mjs!r};
            const rpc = new JsonRpc();
            rpc.method('v', () => {{ throw new JsonRpcError(1, 'v' + PROTOCOL_VERSION); }});
            await rpc.serve();
        """.format(mjs=NODE_ESM_CLIENT))
        child = self.start_rpc([NODE, script])
        self.post(child, request(1, "v"))
        self.assertEqual(self.response(child, 1)["error"], {"code": 1, "message": "v2"})
        self.finish(child)


def batch_error(batch):
    """The -32600 message a client chose for an invalid batch element (its wording is not part of the contract)."""
    return next(r["error"]["message"] for r in batch if "error" in r)


class OversizeTest(ChildTestCase):
    def test_oversized_input_is_an_error_not_truncated_data(self):
        for lang, cmd in children():
            for transport, framing in FRAMINGS:
                with self.subTest(lang=lang, framing=framing):
                    child = self.start(cmd, transport=transport, framing=framing)
                    child.send(b"fine")
                    self.assertEqual(child.expect(1), [b"fine"])
                    child.send(b"y" * (MAX + 1), child_may_be_gone=True)
                    child.send(b"after", child_may_be_gone=True)
                    code = child.wait()
                    self.assertNotEqual(code, 0)
                    self.assertIn("SIDECAR_MAX_MESSAGE_SIZE", child.stderr())
                    self.assertEqual(child.expect(2), [b"fine"], "nothing after the oversized message")

    def test_node_seqpacket_record_limit_and_parent_raised_sndbuf(self):
        if not NODE:
            self.skipTest("node not installed")
        big = b"z" * 300000  # above the 212,960-byte record limit of a default SO_SNDBUF
        child = self.start(NODE_ECHO, transport="seqpacket", framing="seqpacket", max_size=1 << 20, sndbuf=1 << 20)
        child.send(big)
        self.assertNotEqual(child.wait(), 0)
        self.assertIn("SO_SNDBUF", child.stderr())
        # When the parent raises SO_SNDBUF on the child's end, Node needs nothing else.
        child = self.start(NODE_ECHO, transport="seqpacket", framing="seqpacket", max_size=1 << 20, sndbuf=1 << 20,
                           child_sock_setup=lambda s: s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20))
        child.send(big)
        self.assertEqual(child.expect(1), [big])
        child.close_input()
        self.assertEqual(child.wait(), 0, child.stderr())

    def test_python_seqpacket_raises_its_own_sndbuf(self):
        big = utf8_payload(1 << 20)
        child = self.start(PY_ECHO, transport="seqpacket", framing="seqpacket", max_size=1 << 20, sndbuf=1 << 20)
        child.send(big)
        self.assertEqual(child.expect(1), [big])
        child.close_input()
        self.assertEqual(child.wait(), 0, child.stderr())


class StrayOutputTest(ChildTestCase):
    PY_NOISY = """
        import sys
        sys.path.insert(0, {client!r})
        import sidecar_channel
        if {before_open}:
            print("junk before open")
        def handle(message):
            print("junk while handling", message)
            return message
        sidecar_channel.serve(handle)
        print("junk after serve")
    """
    NODE_NOISY = """
        const {{ serve }} = require({client!r});
        process.stdout.write('junk before open\\n');
        serve((message) => {{ console.log('junk while handling', message); return message; }})
          .then(() => console.log('junk after serve'));
    """

    def check(self, cmd, fd):
        child = self.start(cmd, fd=fd)
        msgs = [b"one", b"two", utf8_payload(5000)]
        for m in msgs:
            child.send(m)
        self.assertEqual(child.expect(len(msgs)), msgs)
        child.close_input()
        self.assertEqual(child.wait(), 0, child.stderr())
        self.assertEqual(child.expect(len(msgs) + 1), msgs)
        self.assertIn("junk while handling", child.stderr())
        self.assertIn("junk after serve", child.stderr())

    def test_fd3_child_printing_to_stdout(self):
        self.check([sys.executable, self.script("noisy.py", self.PY_NOISY.format(client=PY_CLIENT_DIR, before_open=True))], 3)
        if NODE:
            self.check([NODE, self.script("noisy.js", self.NODE_NOISY.format(client=NODE_CLIENT))], 3)

    def test_python_stdio_child_printing_to_stdout(self):
        # protect_stdio moves the socket off fds 0/1, so print() after open()
        # lands in the log. (What is printed before open() already went into
        # the socket; nothing can take it back.)
        self.check([sys.executable, self.script("noisy.py", self.PY_NOISY.format(client=PY_CLIENT_DIR, before_open=False))], 0)


class NoOrphansTest(ChildTestCase):
    PARENT = """
        import socket, subprocess, sys, time
        kind = socket.SOCK_SEQPACKET if sys.argv[1] == "seqpacket" else socket.SOCK_STREAM
        parent, child = socket.socketpair(socket.AF_UNIX, kind)
        proc = subprocess.Popen({launcher!r} + sys.argv[2:], stdin=child.fileno())
        child.close()
        parent.send(b"ping\\n" if sys.argv[1] == "stream" else b"ping")
        parent.recv(100)
        print(proc.pid, flush=True)
        time.sleep(60)
    """

    def test_child_exits_when_parent_is_sigkilled(self):
        libc = ctypes.CDLL(None, use_errno=True)
        # PR_SET_CHILD_SUBREAPER: the orphaned child is re-parented to us, so
        # we can collect its exit status.
        if libc.prctl(36, 1, 0, 0, 0) != 0:
            self.skipTest("prctl(PR_SET_CHILD_SUBREAPER) unavailable")
        parent_script = self.script("parent.py", self.PARENT.format(launcher=FD3_LAUNCHER))
        for lang, cmd in children():
            for transport in ("stream", "seqpacket"):
                with self.subTest(lang=lang, transport=transport):
                    env = dict(os.environ, SIDECAR_FD="3", SIDECAR_TRANSPORT=transport,
                               SIDECAR_FRAMING="lines" if transport == "stream" else "seqpacket")
                    parent = subprocess.Popen([sys.executable, parent_script, transport] + cmd,
                                              stdout=subprocess.PIPE, env=env)
                    child_pid = int(parent.stdout.readline())
                    parent.send_signal(signal.SIGKILL)
                    parent.wait()
                    parent.stdout.close()
                    deadline = time.monotonic() + TIMEOUT
                    status = None
                    while time.monotonic() < deadline:
                        try:
                            pid, status = os.waitpid(child_pid, os.WNOHANG)
                        except ChildProcessError:  # not re-parented to us yet
                            pid = 0
                        if pid:
                            break
                        time.sleep(0.01)
                    else:
                        os.kill(child_pid, signal.SIGKILL)
                        self.fail("child outlived its kill -9'd parent")
                    self.assertTrue(os.WIFEXITED(status))
                    self.assertEqual(os.WEXITSTATUS(status), 0)


class PythonApiTest(unittest.TestCase):
    """In-process checks of the Python client on a socketpair."""

    def pair(self, framing="lines", max_size=64, **kwargs):
        transport = "seqpacket" if framing == "seqpacket" else "stream"
        kind = socket.SOCK_SEQPACKET if framing == "seqpacket" else socket.SOCK_STREAM
        parent, child = socket.socketpair(socket.AF_UNIX, kind)
        self.addCleanup(parent.close)
        channel = sidecar_channel.open(fd=child.detach(), transport=transport, framing=framing,
                                       max_message_size=max_size, **kwargs)
        self.addCleanup(channel.close)
        return parent, channel

    def test_send_validation(self):
        _, ch = self.pair("lines")
        with self.assertRaises(sidecar_channel.MessageTooLargeError) as err:
            ch.send("x" * 65)
        self.assertIsInstance(err.exception, ValueError)
        self.assertIn("SIDECAR_MAX_MESSAGE_SIZE is 64", str(err.exception))
        with self.assertRaisesRegex(ValueError, "newline"):
            ch.send("a\nb")
        with self.assertRaises(TypeError):
            ch.send(42)
        with self.assertRaisesRegex(ValueError, "already used by an open sidecar channel"):
            sidecar_channel.open(fd=ch.fd)
        _, ch = self.pair("seqpacket")
        with self.assertRaisesRegex(ValueError, "empty"):
            ch.send(b"")

    def test_receive_types_and_eof(self):
        parent, ch = self.pair("length-prefixed")
        for payload in (b'{"a": [1, "\\u00e9"]}', "ü".encode(), b"\xff\x00", b"null"):
            parent.sendall(encode("length-prefixed", payload))
        parent.shutdown(socket.SHUT_WR)
        self.assertEqual(ch.receive_json(), {"a": [1, "é"]})
        self.assertEqual(ch.receive_text(), "ü")
        self.assertEqual(ch.receive(), b"\xff\x00")
        self.assertIsNone(ch.receive_json())
        with self.assertRaises(EOFError):
            ch.receive()
        self.assertEqual(list(ch), [])

    def test_lines_default_is_text_and_json_roundtrip(self):
        parent, ch = self.pair("lines", max_size=1000)
        parent.sendall(b"caf\xc3\xa9\n[1,2]\n")
        self.assertEqual(next(iter(ch)), "café")
        self.assertEqual(next(ch.iter_json()), [1, 2])
        ch.send_json({"text": "two\nlines", "n": 1})
        self.assertEqual(parent.recv(100), b'{"text":"two\\nlines","n":1}\n')

    def test_oversize_length_header_fails_and_stays_failed(self):
        parent, ch = self.pair("length-prefixed")
        parent.sendall((65).to_bytes(4, "big") + b"x" * 65 + encode("length-prefixed", b"ok"))
        for _ in range(2):
            with self.assertRaisesRegex(sidecar_channel.MessageTooLargeError, "65 bytes"):
                ch.receive()

    def test_serve_replies_and_none_is_an_error(self):
        parent, ch = self.pair("lines", max_size=1000)
        parent.sendall(b'{"n": 1}\n{"n": 2}\n')
        parent.shutdown(socket.SHUT_WR)
        sidecar_channel.serve(lambda req: {"double": req["n"] * 2}, decode="json", channel=ch)
        self.assertEqual(parent.recv(1000), b'{"double":2}\n{"double":4}\n')

        parent, ch = self.pair("lines", max_size=1000)
        parent.sendall(b"x\n")
        with self.assertRaisesRegex(TypeError, "returned None"):
            sidecar_channel.serve(lambda req: None, channel=ch)

    def test_transport_mismatch_is_reported(self):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.addCleanup(parent.close)
        self.addCleanup(child.close)
        with self.assertRaisesRegex(ValueError, "SOCK_SEQPACKET socket but SIDECAR_TRANSPORT=stream"):
            sidecar_channel.open(fd=child.fileno(), transport="stream")
        self.assertEqual(child.type, socket.SOCK_SEQPACKET)  # the failed open left the fd alone

    def test_bad_environment(self):
        cases = [
            ({"SIDECAR_TRANSPORT": "udp"}, "SIDECAR_TRANSPORT"),
            ({"SIDECAR_TRANSPORT": "stream", "SIDECAR_FRAMING": "seqpacket"}, "does not fit"),
            ({"SIDECAR_MAX_MESSAGE_SIZE": "1MB"}, "not a decimal integer"),
            ({"SIDECAR_MAX_MESSAGE_SIZE": "0"}, "positive"),
        ]
        for env, message in cases:
            with self.subTest(env=env):
                saved = {k: os.environ.get(k) for k in env}
                os.environ.update(env)
                try:
                    with self.assertRaisesRegex(ValueError, message):
                        sidecar_channel.open(fd=99)
                finally:
                    for k, v in saved.items():
                        if v is None:
                            os.environ.pop(k, None)
                        else:
                            os.environ[k] = v


@unittest.skipUnless(NODE, "node not installed")
class NodeApiTest(ChildTestCase):
    def test_esm_and_cjs_entry_points(self):
        script = self.script("check.mjs", """
            import * as viaMjs from {mjs!r};
            import viaCjsDefault from {cjs!r};
            import {{ serve, open }} from {cjs!r};
            const names = ['open', 'serve', 'SidecarChannel', 'MessageTooLargeError'];
            const ok = names.every((n) => typeof viaMjs[n] === 'function' && viaMjs[n] === viaCjsDefault[n])
              && serve === viaMjs.serve && open === viaMjs.open && viaMjs.default === viaCjsDefault;
            serve((m) => (ok ? m : 'ESM exports broken'));
        """.format(mjs=NODE_ESM_CLIENT, cjs=NODE_CLIENT))
        child = self.start([NODE, script])
        child.send(b"esm")
        self.assertEqual(child.expect(1), [b"esm"], child.stderr())
        child.close_input()
        self.assertEqual(child.wait(), 0, child.stderr())

    def test_async_handler_replies_stay_in_order(self):
        script = self.script("async.js", """
            const {{ serve }} = require({cjs!r});
            let running = 0, peak = 0;
            serve(async (m) => {{
              running++; peak = Math.max(peak, running);
              await new Promise((r) => setTimeout(r, Math.random() * 5));
              running--;
              return m === 'peak?' ? String(peak) : m;
            }}, {{ decode: 'text', concurrency: Number(process.env.CONCURRENCY) }});
        """.format(cjs=NODE_CLIENT))
        for concurrency in (1, 8):
            with self.subTest(concurrency=concurrency):
                child = self.start([NODE, script], framing="length-prefixed",
                                   env={"CONCURRENCY": str(concurrency)})
                msgs = [b"r%d" % i for i in range(200)]
                for m in msgs:
                    child.send(m)
                child.send(b"peak?")
                replies = child.expect(len(msgs) + 1)
                self.assertEqual(replies[:-1], msgs)
                peak = int(replies[-1])
                if concurrency == 1:
                    self.assertEqual(peak, 1)
                else:
                    self.assertGreater(peak, 1)
                    self.assertLessEqual(peak, concurrency)
                child.close_input()
                self.assertEqual(child.wait(), 0, child.stderr())

    def test_validation_errors(self):
        script = self.script("validate.js", """
            const sc = require({cjs!r});
            const channel = sc.open();
            const attempt = (f) => {{ try {{ f(); return 'no error'; }} catch (e) {{ return e.name + ': ' + e.message; }} }};
            (async () => {{
              const first = await channel.receiveJson();
              const results = [
                attempt(() => channel.send('x'.repeat(201))),
                attempt(() => channel.send('a\\nb')),
                attempt(() => channel.send(42)),
                attempt(() => channel.sendJson(undefined)),
                attempt(() => sc.open()),
                String(first === null),
              ];
              for (const r of results) await channel.send(r.replace(/\\n/g, ' '));
              await channel.sendJson({{ text: 'two\\nlines' }});
              const eof = await channel.receive();
              await channel.send(String(eof));
              await channel.close();
            }})();
        """.format(cjs=NODE_CLIENT))
        child = self.start([NODE, script], max_size=200)
        child.send(b"null")
        child.close_input()
        replies = [r.decode() for r in child.expect(8)]
        self.assertEqual(child.wait(), 0, child.stderr())
        self.assertRegex(replies[0], r"^MessageTooLargeError: message is 201 bytes; SIDECAR_MAX_MESSAGE_SIZE is 200")
        self.assertRegex(replies[1], r"^Error: lines framing: message contains a newline")
        self.assertRegex(replies[2], r"^TypeError: send\(\) takes a string")
        self.assertRegex(replies[3], r"^TypeError: undefined cannot be sent as JSON")
        self.assertRegex(replies[4], r"already used by an open sidecar channel")
        self.assertEqual(replies[5], "true")  # JSON null is a message; end of input is undefined
        self.assertEqual(json.loads(replies[6]), {"text": "two\nlines"})
        self.assertEqual(replies[7], "undefined")

    def test_seqpacket_empty_send_and_stream_mismatch(self):
        script = self.script("empty.js", """
            const sc = require({cjs!r});
            const channel = sc.open();
            channel.receive().then(async () => {{
              try {{ channel.send(''); await channel.send('no error'); }}
              catch (e) {{ await channel.send(e.message); }}
              await channel.close();
            }});
        """.format(cjs=NODE_CLIENT))
        child = self.start([NODE, script], transport="seqpacket", framing="seqpacket")
        child.send(b"go")
        self.assertRegex(child.expect(1)[0].decode(), "empty messages are not allowed")
        self.assertEqual(child.wait(), 0, child.stderr())
        for fd in (0, 3):
            with self.subTest(fd=fd):
                child = self.start(NODE_ECHO, transport="seqpacket", framing="seqpacket", fd=fd,
                                   env={"SIDECAR_TRANSPORT": "stream", "SIDECAR_FRAMING": "lines"})
                self.assertNotEqual(child.wait(), 0)
                self.assertIn("set SIDECAR_TRANSPORT=seqpacket", child.stderr())


if __name__ == "__main__":
    unittest.main(verbosity=2)
