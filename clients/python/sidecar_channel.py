"""Child-side client for Sidecar Channels (Python >= 3.8, standard library only).

A sidecar child talks to its Spring Boot parent over one end of an AF_UNIX
socketpair. The parent describes the channel in environment variables
(SIDECAR_FD, SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE,
SIDECAR_NAME); this module reads them and gives you messages::

    import sidecar_channel

    sidecar_channel.serve(lambda request: request.upper())

or, for children that are not plain request/reply::

    with sidecar_channel.open() as channel:
        for message in channel:          # str for `lines`, bytes otherwise
            channel.send(message)

The wire protocol is described in docs/protocol.md. Copy this single file next
to your child program; it has no dependencies.
"""

import errno
import json
import os
import socket
import sys
import threading
import time
from typing import Any, Callable, Iterator, List, Optional, Union

# `open` is deliberately missing: `from sidecar_channel import *` must not
# shadow the builtin open(). Call it as sidecar_channel.open().
__all__ = [
    "Channel", "serve", "instance", "instances", "protocol", "MessageTooLargeError", "ProtocolError",
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
