"""Child-side client for Sidecar Channels (Python >= 3.8, standard library only).

A sidecar child talks to its Spring Boot parent over one end of an AF_UNIX
socketpair. The parent describes the channel in environment variables
(SIDECAR_FD, SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE,
SIDECAR_NAME, SIDECAR_PROTOCOL, ...); this module reads them and gives you messages::

    import sidecar_channel

    sidecar_channel.serve(lambda request: request.upper())

or, for children that are not plain request/reply::

    with sidecar_channel.open() as channel:
        for message in channel:          # str for `lines`, bytes otherwise
            channel.send(message)

or, when the parent speaks JSON-RPC 2.0 (SIDECAR_PROTOCOL=json-rpc)::

    rpc = sidecar_channel.JsonRpc()

    @rpc.method("upper")
    async def upper(params):
        return params["text"].upper()

    rpc.serve()

The wire protocol is described in docs/protocol.md. Copy this single file next
to your child program; it has no dependencies.
"""

import asyncio
import errno
import inspect
import json
import os
import socket
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

# `open` is deliberately missing: `from sidecar_channel import *` must not
# shadow the builtin open(). Call it as sidecar_channel.open().
__all__ = [
    "Channel", "serve", "JsonRpc", "JsonRpcError", "instance", "instances", "protocol",
    "MessageTooLargeError", "ProtocolError",
    "DEFAULT_MAX_MESSAGE_SIZE", "PROTOCOL_VERSION",
]

DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024
# The newest SIDECAR_PROTOCOL_VERSION this file understands.
PROTOCOL_VERSION = 2
STREAM_FRAMINGS = ("lines", "length-prefixed", "content-length")
PROTOCOLS = ("raw", "json-rpc")

# content-length framing: a header block longer than this without its blank
# line cannot be a real header; the stream is garbage, not a slow sender.
_MAX_HEADER_BYTES = 8 * 1024
_HEADER_END = b"\r\n\r\n"

_READ_CHUNK = 64 * 1024
# Payloads up to this size are copied together with their framing bytes into
# one buffer; bigger ones are handed to writev() as separate pieces so that a
# large message is never copied just to prepend 4 bytes.
_COPY_LIMIT = 16 * 1024
# Pending replies are written once this much is queued, even mid-batch, so a
# burst of requests never turns into an unbounded output buffer.
_FLUSH_BYTES = 64 * 1024
# ...or once the oldest queued reply has waited this long, so batching never
# adds noticeable latency when a slow handler follows a fast one.
_FLUSH_DELAY = 0.001
try:
    _IOV_MAX = max(16, min(os.sysconf("SC_IOV_MAX"), 1024))
except (AttributeError, ValueError, OSError):
    _IOV_MAX = 16
# A SOCK_SEQPACKET record may be at most the sender's SO_SNDBUF minus this
# (Linux af_unix: `len > sk->sk_sndbuf - 32` fails with EMSGSIZE).
_SNDBUF_OVERHEAD = 32

Message = Union[str, bytes]

# fds held by an open Channel: two channels on one fd would steal each other's bytes.
_open_fds = set()


class MessageTooLargeError(ValueError):
    """A message is bigger than SIDECAR_MAX_MESSAGE_SIZE (or than the kernel allows)."""


class ProtocolError(ValueError):
    """Received bytes break the framing (e.g. a bad Content-Length header); the channel is unusable."""


def _log(text: str) -> None:
    # stderr goes to the parent's logger line by line; never to the wire.
    try:
        sys.stderr.write("sidecar_channel: " + text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw, 10)
    except ValueError:
        raise ValueError("{}={!r} is not a decimal integer".format(name, raw)) from None


def _check_protocol_version() -> None:
    version = _env_int("SIDECAR_PROTOCOL_VERSION", PROTOCOL_VERSION)
    if version > PROTOCOL_VERSION:
        raise ValueError(
            "sidecar_channel: the application speaks protocol version {} but this client knows up to {}; "
            "update clients/python/sidecar_channel.py (or use the copy the starter provides)".format(
                version, PROTOCOL_VERSION
            )
        )


def instance() -> int:
    """This child's index among the sidecar's instances (SIDECAR_INSTANCE, default 0)."""
    return _env_int("SIDECAR_INSTANCE", 0)


def instances() -> int:
    """How many instances of this sidecar the parent runs (SIDECAR_INSTANCES, default 1)."""
    return _env_int("SIDECAR_INSTANCES", 1)


def protocol() -> str:
    """What the parent speaks on the channel (SIDECAR_PROTOCOL): 'raw' (default) or 'json-rpc'."""
    value = os.environ.get("SIDECAR_PROTOCOL", "").strip() or "raw"
    if value not in PROTOCOLS:
        raise ValueError("SIDECAR_PROTOCOL must be 'raw' or 'json-rpc', got {!r}".format(value))
    return value


def _resolve_config(fd, transport, framing, max_message_size):
    _check_protocol_version()
    if fd is None:
        fd = _env_int("SIDECAR_FD", 0)
    if transport is None:
        transport = os.environ.get("SIDECAR_TRANSPORT", "").strip() or None
    if framing is None:
        framing = os.environ.get("SIDECAR_FRAMING", "").strip() or None
    if max_message_size is None:
        max_message_size = _env_int("SIDECAR_MAX_MESSAGE_SIZE", DEFAULT_MAX_MESSAGE_SIZE)

    if not isinstance(fd, int) or fd < 0:
        raise ValueError("SIDECAR_FD must be a non-negative file descriptor number, got {!r}".format(fd))
    if transport is None:
        transport = "seqpacket" if framing == "seqpacket" else "stream"
    if transport not in ("stream", "seqpacket"):
        raise ValueError("SIDECAR_TRANSPORT must be 'stream' or 'seqpacket', got {!r}".format(transport))
    if framing is None:
        framing = "seqpacket" if transport == "seqpacket" else "lines"
    allowed = ("seqpacket",) if transport == "seqpacket" else STREAM_FRAMINGS
    if framing not in allowed:
        raise ValueError(
            "SIDECAR_FRAMING={!r} does not fit SIDECAR_TRANSPORT={!r} (expected {})".format(
                framing, transport, " or ".join(repr(a) for a in allowed)
            )
        )
    if not isinstance(max_message_size, int) or max_message_size < 1:
        raise ValueError("SIDECAR_MAX_MESSAGE_SIZE must be a positive integer, got {!r}".format(max_message_size))
    if framing == "length-prefixed" and max_message_size > 0xFFFFFFFF:
        raise ValueError(
            "SIDECAR_MAX_MESSAGE_SIZE={} cannot be expressed in a 4-byte length header".format(max_message_size)
        )
    return fd, transport, framing, max_message_size


def _socket_type(fd: int) -> Optional[int]:
    """SOCK_* type of the socket on fd, or None when fd is not a socket."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return None
    try:
        return sock.type
    finally:
        sock.detach()  # we only looked; the fd stays open and owned by the caller


def _detach_stdio() -> None:
    """Point fds 0/1 away from the socket once the channel holds private copies.

    In stdio mode the socket *is* stdin/stdout, so a stray print() or a
    subprocess inheriting stdout would write garbage into the wire, and a
    grandchild inheriting the socket would keep it open after this process
    dies (the parent would then never see EOF). After this, stdout goes to
    stderr (the parent's log) and stdin reads /dev/null, like SIDECAR_FD=3.
    """
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(devnull, 0)
    finally:
        os.close(devnull)
    try:
        os.dup2(2, 1)
    except OSError:  # no stderr at all: discard stray output rather than corrupt the wire
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 1)
        finally:
            os.close(sink)
    try:
        sys.stdout.flush()  # anything print()ed before open() now lands in the log
    except (OSError, ValueError, AttributeError):
        pass


class Channel:
    """One end of a sidecar channel. Create it with :func:`open`.

    Attributes: ``name``, ``fd``, ``transport`` ('stream' | 'seqpacket'),
    ``framing`` ('lines' | 'length-prefixed' | 'content-length' | 'seqpacket'),
    ``max_message_size`` (payload bytes, framing excluded).

    Receive from one thread at a time. Sends may come from any thread: each
    message goes out whole, never interleaved with another.
    """

    def __init__(
        self,
        *,
        fd: Optional[int] = None,
        transport: Optional[str] = None,
        framing: Optional[str] = None,
        max_message_size: Optional[int] = None,
        protect_stdio: bool = True,
    ) -> None:
        fd, transport, framing, max_message_size = _resolve_config(fd, transport, framing, max_message_size)
        self.name = os.environ.get("SIDECAR_NAME", "")
        self.fd = fd
        self.transport = transport
        self.framing = framing
        self.max_message_size = max_message_size

        if fd in _open_fds:
            raise ValueError(
                "fd {} is already used by an open sidecar channel; pass that channel along "
                "(e.g. serve(handler, channel=channel)) instead of opening it twice".format(fd)
            )
        try:
            os.fstat(fd)
        except OSError:
            raise ValueError(
                "SIDECAR_FD={} but fd {} is not open in this process; start the child "
                "through the sidecar parent (or unset SIDECAR_FD to use stdin/stdout)".format(fd, fd)
            ) from None
        if fd == 0:
            # Private, close-on-exec copies: reads from 0, writes to 1 (the
            # contract gives two descriptors of one socket; with pipes or a TTY
            # for manual testing they differ, and this still works).
            rfd, wfd = os.dup(0), os.dup(1)
        else:
            rfd = wfd = fd
            os.set_inheritable(fd, False)  # grandchildren must not keep the socket open
        self._rfd, self._wfd = rfd, wfd
        self._closed = False
        self._eof = False
        self._failure = None  # type: Optional[BaseException]

        self._rsock = self._wsock = None  # type: Optional[socket.socket]
        try:
            if transport == "seqpacket":
                self._open_seqpacket()
            else:
                if _socket_type(rfd) == socket.SOCK_SEQPACKET:
                    raise ValueError(
                        "SIDECAR_FD={} is a SOCK_SEQPACKET socket but SIDECAR_TRANSPORT=stream; "
                        "reading it as a byte stream would truncate records".format(fd)
                    )
                # A descriptor handed over in non-blocking mode would make
                # os.read raise BlockingIOError; this client blocks by design.
                os.set_blocking(rfd, True)
                os.set_blocking(wfd, True)
        except BaseException:
            # Release only what this constructor created: the private copies
            # in stdio mode. A caller-supplied fd stays open and usable.
            for sock in {id(s): s for s in (self._rsock, self._wsock) if s is not None}.values():
                sock.detach()
            self._rsock = self._wsock = None
            if fd == 0:
                self._close_fds()
            raise
        if fd == 0 and protect_stdio:
            _detach_stdio()  # only once the channel is known to work
        _open_fds.add(fd)

        # Stream input buffer: bytes [_pos:] are unconsumed; _scan is where the
        # next newline search starts, so a long line is scanned only once.
        self._buf = bytearray()
        self._pos = 0
        self._scan = 0
        self._want = 0  # bytes still missing for the frame being assembled
        self._body_length = -1  # content-length: announced size once its header is parsed
        self._send_lock = threading.RLock()
        self._ready_sent = False
        # Stream output queue (pieces for writev) and when its oldest entry came.
        self._out = []  # type: List[Any]
        self._out_bytes = 0
        self._out_since = 0.0

    def _open_seqpacket(self) -> None:
        fds = (self._rfd,) if self._rfd == self._wfd else (self._rfd, self._wfd)
        for fd, public_fd in zip(fds, (self.fd, 1)):  # validate all before taking ownership
            kind = _socket_type(fd)
            if kind != socket.SOCK_SEQPACKET:
                raise ValueError(
                    "SIDECAR_TRANSPORT=seqpacket but fd {} is {}; start the child through the "
                    "sidecar parent, which passes a SOCK_SEQPACKET socket".format(
                        public_fd, "not a socket" if kind is None else "a socket of type {!r}".format(kind)
                    )
                )
        socks = [socket.socket(fileno=fd) for fd in fds]
        for sock in socks:
            sock.setblocking(True)
        self._rsock, self._wsock = socks[0], socks[-1]
        self._raise_sndbuf(self._wsock)

    def _raise_sndbuf(self, sock: socket.socket) -> None:
        # The kernel refuses records bigger than SO_SNDBUF - 32 (default
        # SO_SNDBUF is ~208 KiB), so a 1 MiB reply would fail with EMSGSIZE
        # unless the buffer grows. The Sidecar Channels parent sizes our end
        # already; this covers other parents. The kernel doubles the value we
        # ask for and caps it at net.core.wmem_max; we only ever raise it.
        try:
            current = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
            if current - _SNDBUF_OVERHEAD >= self.max_message_size:
                return
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.max_message_size + 2 * _SNDBUF_OVERHEAD)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) < current:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, current // 2)
        except OSError:
            pass  # sends of records that still do not fit report it clearly

    # ------------------------------------------------------------------ state

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        return "<sidecar_channel.Channel name={!r} fd={} transport={} framing={} max={}{}>".format(
            self.name, self.fd, self.transport, self.framing, self.max_message_size,
            " closed" if self._closed else "",
        )

    def __enter__(self) -> "Channel":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Flush queued output and close the channel's descriptors (idempotent)."""
        if self._closed:
            return
        try:
            if self._out:
                self.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the parent is gone; nobody is left to read the rest
        finally:
            self._closed = True
            _open_fds.discard(self.fd)
            self._close_fds()

    def _close_fds(self) -> None:
        if self._rsock is not None:  # the socket objects own the descriptors
            self._rsock.close()
            self._wsock.close()
            self._rsock = self._wsock = None
            return
        for fd in {self._rfd, self._wfd}:
            try:
                os.close(fd)
            except OSError:
                pass

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("sidecar channel is closed")

    # ---------------------------------------------------------------- receive

    def receive_bytes(self) -> bytes:
        """Next message as bytes (framing removed). Raises EOFError at end of input.

        A MessageTooLargeError leaves the channel failed: the framing is lost,
        so every later receive raises it again.
        """
        self._check_open()
        if self._failure is not None:
            raise self._failure
        if self._eof:
            raise EOFError("sidecar channel: end of input")
        try:
            if self._rsock is not None:
                return self._receive_record()
            while True:
                frame = self._next_frame()
                if frame is not None:
                    return frame
                if not self._fill():
                    self._eof = True
                    raise EOFError("sidecar channel: end of input")
        except (MessageTooLargeError, ProtocolError) as exc:
            # The stream position (or the discarded record) is lost; later
            # reads must not pretend the channel is still in sync.
            self._failure = exc
            raise

    def receive_text(self) -> str:
        """Next message decoded as UTF-8 (strict). Raises EOFError at end of input."""
        return self.receive_bytes().decode("utf-8")

    def receive_json(self) -> Any:
        """Next message parsed as JSON. Raises EOFError at end of input (null is a valid message)."""
        return json.loads(self.receive_bytes())

    def receive(self) -> Message:
        """Next message: str for `lines` framing, bytes otherwise. Raises EOFError at end of input."""
        data = self.receive_bytes()
        return data.decode("utf-8") if self.framing == "lines" else data

    def __iter__(self) -> Iterator[Message]:
        """Messages until end of input (str for `lines`, bytes otherwise); ends quietly at EOF."""
        return self._iterate(self.receive)

    def iter_bytes(self) -> Iterator[bytes]:
        return self._iterate(self.receive_bytes)

    def iter_text(self) -> Iterator[str]:
        return self._iterate(self.receive_text)

    def iter_json(self) -> Iterator[Any]:
        return self._iterate(self.receive_json)

    @staticmethod
    def _iterate(receive: Callable[[], Any]) -> Iterator[Any]:
        while True:
            try:
                message = receive()
            except EOFError:
                return
            yield message

    def _receive_record(self) -> bytes:
        # One recv returns exactly one record. Asking for max+1 bytes is what
        # makes an oversized record detectable: the kernel silently drops the
        # part of a record that does not fit the buffer.
        try:
            data = self._rsock.recv(self.max_message_size + 1)
        except ConnectionResetError:
            data = b""
        if not data:  # empty records are not allowed, so 0 bytes means EOF
            self._eof = True
            raise EOFError("sidecar channel: end of input")
        if len(data) > self.max_message_size:
            raise MessageTooLargeError(
                "received a seqpacket record longer than SIDECAR_MAX_MESSAGE_SIZE={} bytes; "
                "the kernel discarded its tail".format(self.max_message_size)
            )
        return data

    def _next_frame(self) -> Optional[bytes]:
        if self.framing == "lines":
            return self._next_line()
        if self.framing == "content-length":
            return self._next_content_length()
        return self._next_length_prefixed()

    def _next_line(self) -> Optional[bytes]:
        buf, pos, limit = self._buf, self._pos, self.max_message_size
        newline = buf.find(b"\n", self._scan)
        if newline < 0:
            self._scan = len(buf)
            # +1: a '\r' before the '\n' is framing, not payload
            if len(buf) - pos > limit + 1:
                raise MessageTooLargeError(
                    "received a line longer than SIDECAR_MAX_MESSAGE_SIZE={} bytes".format(limit)
                )
            return None
        end = newline - 1 if newline > pos and buf[newline - 1] == 0x0D else newline
        if end - pos > limit:
            raise MessageTooLargeError(
                "received a {}-byte line; SIDECAR_MAX_MESSAGE_SIZE is {}".format(end - pos, limit)
            )
        frame = bytes(buf[pos:end])
        self._pos = self._scan = newline + 1
        return frame

    def _next_length_prefixed(self) -> Optional[bytes]:
        buf, pos, limit = self._buf, self._pos, self.max_message_size
        available = len(buf) - pos
        if available < 4:
            self._want = 4 - available
            return None
        length = int.from_bytes(buf[pos:pos + 4], "big")
        if length > limit:
            raise MessageTooLargeError(
                "received a length header announcing {} bytes; SIDECAR_MAX_MESSAGE_SIZE is {}".format(length, limit)
            )
        if available < 4 + length:
            self._want = 4 + length - available
            return None
        frame = bytes(buf[pos + 4:pos + 4 + length])
        self._pos = pos + 4 + length
        self._want = 0
        return frame

    def _next_content_length(self) -> Optional[bytes]:
        buf, pos = self._buf, self._pos
        if self._body_length < 0:
            end = buf.find(_HEADER_END, max(pos, self._scan))
            if (end if end >= 0 else len(buf)) - pos > _MAX_HEADER_BYTES:
                raise ProtocolError(
                    "content-length framing: no blank line within {} header bytes".format(_MAX_HEADER_BYTES)
                )
            if end < 0:
                self._scan = max(pos, len(buf) - len(_HEADER_END) + 1)
                return None
            self._body_length = _parse_content_length(bytes(buf[pos:end]), self.max_message_size)
            pos = self._pos = self._scan = end + len(_HEADER_END)
        length = self._body_length
        available = len(buf) - pos
        if available < length:
            self._want = length - available
            return None
        frame = bytes(buf[pos:pos + length])
        self._pos = self._scan = pos + length
        self._body_length = -1
        self._want = 0
        return frame

    def _fill(self) -> bool:
        """Read more stream bytes; False at end of input."""
        if self._out:
            self.flush()  # never block waiting for input while replies sit in our buffer
        if self._pos:
            # CPython trims a bytearray's head in O(1), so this is cheap.
            del self._buf[:self._pos]
            self._scan -= self._pos
            self._pos = 0
        try:
            data = os.read(self._rfd, max(_READ_CHUNK, self._want))
        except ConnectionResetError:
            data = b""
        if not data:
            if self._buf or self._body_length >= 0:
                _log("discarding {} bytes of an incomplete message at end of input".format(len(self._buf)))
                self._buf.clear()
                self._scan = 0
                self._body_length = -1
            return False
        self._buf += data
        return True

    # ------------------------------------------------------------------- send

    def send(self, message: Union[str, bytes, bytearray, memoryview], *, flush: bool = True) -> None:
        """Send one message (str is encoded as UTF-8).

        With ``flush=False`` on a stream transport the message is queued; it
        goes out on :meth:`flush`, when 64 KiB are queued, or before the next
        read that has to wait for input. seqpacket records are always sent at
        once. Raises MessageTooLargeError (a ValueError) for oversized
        messages, ValueError for messages the framing cannot carry, and
        BrokenPipeError when the parent has gone away.
        """
        self._check_open()
        if isinstance(message, str):
            data = message.encode("utf-8")
        elif isinstance(message, bytes):
            data = message
        elif isinstance(message, (bytearray, memoryview)):
            data = bytes(message)  # snapshot: the caller may reuse its buffer before we flush
        else:
            raise TypeError(
                "send() takes str or bytes, not {}; use send_json() for other values".format(type(message).__name__)
            )
        size = len(data)
        if size > self.max_message_size:
            raise MessageTooLargeError(
                "message is {} bytes; SIDECAR_MAX_MESSAGE_SIZE is {}".format(size, self.max_message_size)
            )
        with self._send_lock:
            self._send_framed(data, flush)

    def _send_framed(self, data: bytes, flush: bool) -> None:
        size = len(data)
        framing = self.framing
        if framing == "seqpacket":
            self._send_record(data)
            return
        if framing == "lines":
            newline = data.find(b"\n")
            if newline >= 0:
                raise ValueError(
                    "lines framing: message contains a newline at byte {}; send JSON (send_json escapes "
                    "newlines) or use SIDECAR_FRAMING=length-prefixed".format(newline)
                )
            pieces = (data + b"\n",) if size <= _COPY_LIMIT else (data, b"\n")
            framing_bytes = 1
        else:
            if framing == "content-length":
                header = b"Content-Length: %d\r\n\r\n" % size
            else:
                header = size.to_bytes(4, "big")
            pieces = (header + data,) if size <= _COPY_LIMIT else (header, data)
            framing_bytes = len(header)
        if not self._out:
            self._out_since = time.monotonic()
        self._out.extend(pieces)
        self._out_bytes += size + framing_bytes
        if flush or self._out_bytes >= _FLUSH_BYTES:
            self.flush()

    def send_json(self, value: Any, *, flush: bool = True) -> None:
        """Send ``value`` as compact JSON (never contains a raw newline, so it fits `lines`)."""
        self.send(_dump_json(value), flush=flush)

    def ready(self) -> None:
        """Tell the parent this child can take requests: send SIDECAR_READY_MESSAGE (default READY), once."""
        with self._send_lock:
            if self._ready_sent:
                return
            self._ready_sent = True
            self.send(os.environ.get("SIDECAR_READY_MESSAGE", "READY"))

    def flush(self) -> None:
        """Write every queued message (stream transports; no-op for seqpacket)."""
        with self._send_lock:
            self._flush_queued()

    def _flush_queued(self) -> None:
        out = self._out
        while out:
            batch = out[:_IOV_MAX]
            written = os.writev(self._wfd, batch) if len(batch) > 1 else os.write(self._wfd, batch[0])
            done = 0
            while done < len(batch) and written >= len(batch[done]):
                written -= len(batch[done])
                done += 1
            del out[:done]
            if written:
                out[0] = memoryview(out[0])[written:]
        self._out_bytes = 0

    def _send_record(self, data: bytes) -> None:
        if not data:
            raise ValueError("seqpacket framing: empty messages are not allowed (a 0-byte record reads as end of input)")
        try:
            sent = self._wsock.send(data)  # exactly one send call per record
        except OSError as exc:
            if exc.errno == errno.EMSGSIZE:
                raise MessageTooLargeError(
                    "the kernel refused a {}-byte seqpacket record (SO_SNDBUF is {}); raise "
                    "net.core.wmem_max or lower SIDECAR_MAX_MESSAGE_SIZE".format(
                        len(data), self._wsock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
                    )
                ) from None
            raise
        if sent != len(data):  # cannot happen on SOCK_SEQPACKET; never let a split record pass silently
            raise OSError("seqpacket send wrote {} of {} bytes".format(sent, len(data)))

    # ------------------------------------------------------------------ serve

    def _queue_reply(self, reply: Any, json_mode: bool) -> None:
        if json_mode and not isinstance(reply, (bytes, bytearray, memoryview)):
            self.send(_dump_json(reply), flush=False)
        elif isinstance(reply, (str, bytes, bytearray, memoryview)):
            self.send(reply, flush=False)
        elif reply is None:
            raise TypeError(
                "serve() handler returned None; every request needs exactly one reply "
                "(return '' for an empty reply, or use decode='json' to send null)"
            )
        else:
            self.send(_dump_json(reply), flush=False)
        if self._out and time.monotonic() - self._out_since >= _FLUSH_DELAY:
            self.flush()


def _parse_content_length(header: bytes, limit: int) -> int:
    values = []
    for line in header.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"content-length":
            values.append(value.strip())
    if not values:
        raise ProtocolError("content-length framing: a header block has no Content-Length header")
    if len(values) > 1:
        raise ProtocolError("content-length framing: a header block has {} Content-Length headers".format(len(values)))
    digits = values[0]
    if not digits.isdigit():  # bytes.isdigit(): ASCII digits only, so no sign, no blank
        raise ProtocolError(
            "content-length framing: Content-Length {!r} is not a non-negative decimal integer".format(
                digits.decode("latin-1")
            )
        )
    length = int(digits) if len(digits) <= 20 else limit + 1
    if length > limit:
        raise MessageTooLargeError(
            "received a Content-Length header announcing {} bytes; SIDECAR_MAX_MESSAGE_SIZE is {}".format(
                digits.decode("latin-1"), limit
            )
        )
    return length


def _dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def open(  # noqa: A001 - mirrors io.open: sidecar_channel.open() opens the channel
    *,
    fd: Optional[int] = None,
    transport: Optional[str] = None,
    framing: Optional[str] = None,
    max_message_size: Optional[int] = None,
    protect_stdio: bool = True,
) -> Channel:
    """Open the channel the parent set up, configured from the SIDECAR_* environment.

    Arguments override the environment; without either the defaults are fd 0,
    stream transport, lines framing, 1 MiB. With fd 0 and ``protect_stdio``
    (default), fds 0/1 are re-pointed to /dev/null and stderr after the
    channel takes private copies of the socket, so print() cannot corrupt the
    wire. Raises ValueError for an invalid configuration.
    """
    return Channel(
        fd=fd, transport=transport, framing=framing,
        max_message_size=max_message_size, protect_stdio=protect_stdio,
    )


def serve(
    handler: Callable[[Any], Any],
    *,
    decode: Optional[str] = None,
    channel: Optional[Channel] = None,
    ready: Optional[bool] = None,
) -> None:
    """Answer every request with ``handler(request)``, in order, until end of input.

    ``decode`` chooses what the handler gets: None (str for `lines`, bytes
    otherwise), 'text', 'bytes' or 'json'. The return value is the reply:
    str/bytes are sent as they are, anything else as JSON; returning None is
    an error (each request needs exactly one reply, the parent matches replies
    to requests by order). With decode='json' every reply except bytes is
    JSON-encoded, so returning a str sends a JSON string and None sends null.

    ``ready``: send the ready message (:meth:`Channel.ready`) before the first
    request; None (default) sends it only when SIDECAR_READY=message.

    Replies to requests that arrived together are written together. Returns
    at end of input or when the parent has gone; exceptions from the handler
    propagate (the child should then exit non-zero).
    """
    receivers = {None: "receive", "text": "receive_text", "bytes": "receive_bytes", "json": "receive_json"}
    if decode not in receivers:
        raise ValueError("serve(decode=...) must be None, 'text', 'bytes' or 'json', got {!r}".format(decode))
    own = channel is None
    if own:
        channel = open()
    receive = getattr(channel, receivers[decode])
    json_mode = decode == "json"
    # A parent that is gone (BrokenPipeError/ConnectionResetError on our own
    # I/O) is like EOF: nobody is left to answer. The handler runs outside
    # that net, so the same errors from its own work still propagate.
    gone = (BrokenPipeError, ConnectionResetError)
    if ready is None:
        ready = os.environ.get("SIDECAR_READY", "").strip() == "message"
    try:
        if ready:
            try:
                channel.ready()
            except gone:
                return
        while True:
            try:
                request = receive()  # also flushes queued replies before it waits
            except EOFError:
                break
            except gone:
                return
            reply = handler(request)
            try:
                channel._queue_reply(reply, json_mode)
            except gone:
                return
        try:
            channel.flush()
        except gone:
            return
    finally:
        if own:
            channel.close()


# ---------------------------------------------------------------- JSON-RPC

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INTERNAL_ERROR = -32603
REQUEST_CANCELLED = -32800

_READY = "$/ready"
_PING = "$/ping"
# Cancellation notification -> the params key that names the request.
_CANCELLATIONS = {"$/cancelRequest": "id", "notifications/cancelled": "requestId"}


class JsonRpcError(Exception):
    """A JSON-RPC error object. Raise it in a handler to answer with exactly this
    error; :meth:`JsonRpc.call` raises it when the application answers with an error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __repr__(self) -> str:
        return "JsonRpcError({!r}, {!r}, {!r})".format(self.code, self.message, self.data)

    def to_json(self) -> Dict[str, Any]:
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def _is_id(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _error(id_: Any, code: int, message: str) -> Dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "error": {"code": code, "message": message}}


def _invalid_reason(message: Any) -> Optional[str]:
    """Why ``message`` is not a valid request or notification, or None."""
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    if message.get("jsonrpc") != "2.0":
        return 'a message must have "jsonrpc": "2.0"'
    if not isinstance(message.get("method"), str):
        return '"method" must be a string'
    if "id" in message and not _is_id(message["id"]):
        return '"id" must be a string or a number'
    if message.get("params") is not None and not isinstance(message["params"], (dict, list)):
        return '"params" must be an object or an array'
    return None


class _Incoming:
    """A request from the parent that is being handled: answered exactly once."""

    __slots__ = ("id", "respond", "task", "answered")

    def __init__(self, id_: Any, respond: Callable[[Dict[str, Any]], None]) -> None:
        self.id = id_
        self.respond = respond
        self.task = None  # type: Optional[asyncio.Task]
        self.answered = False

    def answer(self, response: Dict[str, Any]) -> None:
        if not self.answered:
            self.answered = True
            self.respond(response)

    def cancel(self) -> None:
        # Answer now: a handler may swallow CancelledError, or be a thread
        # that cannot be stopped, and the parent must not wait for either.
        self.answer(_error(self.id, REQUEST_CANCELLED, "Request cancelled"))
        if self.task is not None:
            self.task.cancel()


class _Batch:
    """Collects the responses to one batch and sends them as one array once all are in."""

    def __init__(self, send: Callable[[List[Dict[str, Any]]], None]) -> None:
        self._send = send
        self._responses = []  # type: List[Dict[str, Any]]
        self.expected = 0
        self._sealed = False

    def add(self, response: Dict[str, Any]) -> None:
        self._responses.append(response)
        self._send_when_complete()

    def seal(self) -> None:
        self._sealed = True
        self._send_when_complete()

    def _send_when_complete(self) -> None:
        if self._sealed and self.expected and len(self._responses) == self.expected:
            self._send(self._responses)


class JsonRpc:
    """A JSON-RPC 2.0 peer on the sidecar channel (SIDECAR_PROTOCOL=json-rpc).

    Opens the channel like :func:`open` (same keyword arguments), or uses
    ``channel``. Register handlers with :meth:`method` and :meth:`notification`,
    then call :meth:`serve`. ``async def`` handlers run concurrently on the
    event loop, plain functions in a thread pool of ``max_threads`` threads;
    at most ``max_concurrency`` handlers run at once. Replies go out as
    handlers finish, in any order.
    """

    def __init__(
        self,
        *,
        channel: Optional[Channel] = None,
        max_concurrency: int = 64,
        max_threads: Optional[int] = None,
        fd: Optional[int] = None,
        transport: Optional[str] = None,
        framing: Optional[str] = None,
        max_message_size: Optional[int] = None,
        protect_stdio: bool = True,
    ) -> None:
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError("max_concurrency must be a positive integer, got {!r}".format(max_concurrency))
        self._own_channel = channel is None
        self.channel = channel if channel is not None else open(
            fd=fd, transport=transport, framing=framing,
            max_message_size=max_message_size, protect_stdio=protect_stdio,
        )
        self.max_concurrency = max_concurrency
        self._max_threads = max_threads
        self._methods = {}  # type: Dict[str, Callable[[Any], Any]]
        self._notifications = {}  # type: Dict[str, Callable[[Any], Any]]
        self._running = {}  # type: Dict[Any, _Incoming]
        self._pending = {}  # type: Dict[int, Tuple[asyncio.Future, str]]
        self._next_id = 1
        self._ready_lock = threading.Lock()
        self._ready_sent = False
        self._loop = None  # type: Optional[asyncio.AbstractEventLoop]
        self._loop_thread = None  # type: Optional[int]
        self._input_ended = False
        self._flush_scheduled = False
        self._gone = False

    # ------------------------------------------------------- registration

    def method(self, name: str, handler: Optional[Callable[[Any], Any]] = None):
        """Register the handler of requests ``name``; usable as ``@rpc.method("name")``."""
        return self._register(self._methods, name, handler)

    def notification(self, name: str, handler: Optional[Callable[[Any], Any]] = None):
        """Register the handler of notifications ``name``; usable as ``@rpc.notification("name")``."""
        return self._register(self._notifications, name, handler)

    @staticmethod
    def _register(table, name, handler):
        if not isinstance(name, str):
            raise TypeError("a method name must be a string, got {!r}".format(name))

        def register(function):
            if not callable(function):
                raise TypeError("the handler of {!r} must be callable".format(name))
            table[name] = function
            return function

        return register if handler is None else register(handler)

    # ------------------------------------------------------------ serving

    def serve(self, *, ready: bool = True) -> None:
        """Handle messages until end of input, then return once every running handler has answered.

        Sends ``$/ready`` first unless ``ready=False`` (then call :meth:`ready`
        yourself). Raises the framing error if the input breaks the framing.
        """
        try:
            asyncio.run(self._serve(ready))
        finally:
            if self._own_channel:
                self.channel.close()

    def ready(self) -> None:
        """Send the ``$/ready`` notification (once; later calls do nothing)."""
        with self._ready_lock:
            if self._ready_sent:
                return
            self._ready_sent = True
        self.notify(_READY)

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification to the application. Callable from any thread."""
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._write(_dump_json(message).encode("utf-8"))

    async def call(self, method: str, params: Any = None) -> Any:
        """Call a method of the application and return its result.

        Await it on the serving loop (from an ``async def`` handler). Raises
        :class:`JsonRpcError` for an error response, ConnectionError when the
        input ends first.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            raise RuntimeError("JsonRpc.call() must be awaited while serve() runs, on its event loop")
        if self._input_ended:
            raise ConnectionError("sidecar channel: input has ended; cannot call {!r}".format(method))
        id_ = self._next_id
        self._next_id += 1
        message = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            message["params"] = params
        future = loop.create_future()
        self._pending[id_] = (future, method)
        try:
            self._write(_dump_json(message).encode("utf-8"))
            return await future
        finally:
            self._pending.pop(id_, None)

    async def _serve(self, ready: bool) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._slots = asyncio.Semaphore(self.max_concurrency)
        self._executor = ThreadPoolExecutor(max_workers=self._max_threads, thread_name_prefix="sidecar-rpc")
        self._tasks = set()  # type: set
        ended = self._loop.create_future()
        try:
            if ready:
                self.ready()
            threading.Thread(target=self._read_frames, args=(ended,), name="sidecar-rpc-reader", daemon=True).start()
            failure = await ended
            self._input_ended = True
            self._fail_pending_calls()
            while self._tasks:  # replies still owed go out before we return
                await asyncio.gather(*self._tasks, return_exceptions=True)
            if failure is not None:
                raise failure
        finally:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._flush()
            self._loop = self._loop_thread = None

    def _read_frames(self, ended: asyncio.Future) -> None:
        # A thread of its own: reading must never wait for writes or handlers.
        failure = None
        try:
            while True:
                frame = self.channel.receive_bytes()
                self._loop.call_soon_threadsafe(self._on_frame, frame)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            pass
        except BaseException as exc:  # noqa: B902 - handed to serve(), which raises it
            failure = exc
        try:
            self._loop.call_soon_threadsafe(lambda: ended.done() or ended.set_result(failure))
        except (RuntimeError, AttributeError):
            pass  # the loop is gone already (serve() was interrupted)

    def _fail_pending_calls(self) -> None:
        for id_, (future, method) in list(self._pending.items()):
            if not future.done():
                future.set_exception(ConnectionError(
                    "sidecar channel: input ended before the response to request {} ({!r}) arrived".format(id_, method)
                ))

    # ------------------------------------------------------------ dispatch

    def _on_frame(self, frame: bytes) -> None:
        try:
            message = json.loads(frame)
        except (ValueError, RecursionError):
            self._send_responses(_error(None, PARSE_ERROR, "Parse error: the message is not valid JSON"))
            return
        if not isinstance(message, list):
            self._on_message(message, self._send_responses)
            return
        if not message:
            self._send_responses(_error(None, INVALID_REQUEST, "Invalid Request: empty batch"))
            return
        batch = _Batch(self._send_responses)
        for element in message:
            if self._on_message(element, batch.add):
                batch.expected += 1
        batch.seal()

    def _on_message(self, message: Any, respond: Callable[[Dict[str, Any]], None]) -> bool:
        """Handle one message; True if it will get a response through ``respond``."""
        if isinstance(message, dict) and "method" not in message and ("result" in message or "error" in message):
            self._on_response(message)
            return False
        reason = _invalid_reason(message)
        if reason is not None:
            id_ = message.get("id") if isinstance(message, dict) and _is_id(message.get("id")) else None
            respond(_error(id_, INVALID_REQUEST, "Invalid Request: " + reason))
            return True
        if "id" not in message:
            self._on_notification(message["method"], message.get("params"))
            return False
        self._on_request(message["id"], message["method"], message.get("params"), respond)
        return True

    def _on_request(self, id_: Any, method: str, params: Any, respond) -> None:
        if method == _PING:
            respond({"jsonrpc": "2.0", "id": id_, "result": {}})
            return
        handler = self._methods.get(method)
        if handler is None:
            respond(_error(id_, METHOD_NOT_FOUND, "Method not found: " + method))
            return
        incoming = _Incoming(id_, respond)
        self._running[id_] = incoming
        incoming.task = self._spawn(self._run_request(incoming, method, handler, params))

    def _on_notification(self, method: str, params: Any) -> None:
        if method in _CANCELLATIONS:
            target = params.get(_CANCELLATIONS[method]) if isinstance(params, dict) else None
            incoming = self._running.get(target) if _is_id(target) else None
            if incoming is not None:
                incoming.cancel()
        handler = self._notifications.get(method)
        if handler is not None:  # unknown notifications are dropped: they never get an answer
            self._spawn(self._run_notification(method, handler, params))

    def _on_response(self, message: Dict[str, Any]) -> None:
        id_ = message.get("id")
        entry = self._pending.get(id_) if _is_id(id_) else None
        if entry is None:
            _log("ignoring a response to unknown request id {!r}: {}".format(id_, _dump_json(message)[:200]))
            return
        future = entry[0]
        if future.done():
            return
        error = message.get("error")
        if error is None:
            future.set_result(message.get("result"))
        elif isinstance(error, dict):
            future.set_exception(JsonRpcError(error.get("code", INTERNAL_ERROR), str(error.get("message", "")),
                                              error.get("data")))
        else:
            future.set_exception(JsonRpcError(INTERNAL_ERROR, "malformed error response: {!r}".format(error)))

    def _spawn(self, coroutine) -> asyncio.Task:
        task = self._loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run_request(self, incoming: _Incoming, method: str, handler, params: Any) -> None:
        try:
            result = await self._invoke(handler, params)
            response = {"jsonrpc": "2.0", "id": incoming.id, "result": result}
        except asyncio.CancelledError:
            response = _error(incoming.id, REQUEST_CANCELLED, "Request cancelled")
        except JsonRpcError as exc:
            response = {"jsonrpc": "2.0", "id": incoming.id, "error": exc.to_json()}
        except Exception as exc:  # noqa: B902 - any failure of the handler is the caller's error response
            _log("handler of {!r} failed:\n{}".format(method, traceback.format_exc().rstrip()))
            response = _error(incoming.id, INTERNAL_ERROR, str(exc) or type(exc).__name__)
        if self._running.get(incoming.id) is incoming:
            del self._running[incoming.id]
        incoming.answer(response)

    async def _run_notification(self, method: str, handler, params: Any) -> None:
        try:
            await self._invoke(handler, params)
        except Exception:  # noqa: B902 - a notification has nobody to report to but the log
            _log("notification handler of {!r} failed:\n{}".format(method, traceback.format_exc().rstrip()))

    async def _invoke(self, handler, params: Any) -> Any:
        async with self._slots:
            if inspect.iscoroutinefunction(handler):
                result = await handler(params)
            else:
                result = await self._loop.run_in_executor(self._executor, handler, params)
            if inspect.isawaitable(result):  # e.g. a partial() of an async function
                result = await result
        return result

    # ------------------------------------------------------------- output

    def _send_responses(self, responses: Union[Dict[str, Any], List[Dict[str, Any]]]) -> None:
        if isinstance(responses, list):
            parts = [self._encode_response(response) for response in responses]
            data = b"[" + b",".join(parts) + b"]"
            if len(data) > self.channel.max_message_size:
                data = b"[" + b",".join(self._encode_response(_too_large(r, len(data), self.channel.max_message_size))
                                        for r in responses) + b"]"
        else:
            data = self._encode_response(responses)
        self._write(data)

    def _encode_response(self, response: Dict[str, Any]) -> bytes:
        limit = self.channel.max_message_size
        try:
            data = _dump_json(response).encode("utf-8")
        except (TypeError, ValueError) as exc:
            _log("cannot encode the result of request {!r}: {}".format(response.get("id"), exc))
            return _dump_json(_error(response.get("id"), INTERNAL_ERROR,
                                     "the result is not JSON-serialisable: {}".format(exc))).encode("utf-8")
        if len(data) > limit:
            return _dump_json(_too_large(response, len(data), limit)).encode("utf-8")
        return data

    def _write(self, data: bytes) -> None:
        if self._gone:
            return
        try:
            if self._loop_thread == threading.get_ident():
                # Everything answered in one turn of the loop leaves in one write.
                self.channel.send(data, flush=False)
                if not self._flush_scheduled:
                    self._flush_scheduled = True
                    self._loop.call_soon(self._flush)
            else:
                self.channel.send(data)
        except (BrokenPipeError, ConnectionResetError):
            self._gone = True  # the parent has stopped reading; input EOF follows

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._gone:
            return
        try:
            self.channel.flush()
        except (BrokenPipeError, ConnectionResetError):
            self._gone = True


def _too_large(response: Dict[str, Any], size: int, limit: int) -> Dict[str, Any]:
    if "result" not in response:
        return response
    return _error(response.get("id"), INTERNAL_ERROR,
                  "the response is {} bytes; SIDECAR_MAX_MESSAGE_SIZE is {}".format(size, limit))
