'use strict';
/**
 * Child-side client for Sidecar Channels (Node.js >= 18, no dependencies).
 *
 * A sidecar child talks to its Spring Boot parent over one end of an AF_UNIX
 * socketpair. The parent describes the channel in environment variables
 * (SIDECAR_FD, SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE,
 * SIDECAR_NAME, SIDECAR_PROTOCOL, ...); this module reads them and gives you messages:
 *
 *   const { serve } = require('./sidecar-channel');
 *   serve((request) => request.toUpperCase());
 *
 * or, for children that are not plain request/reply:
 *
 *   const channel = require('./sidecar-channel').open();
 *   for await (const message of channel) await channel.send(message);
 *
 * or, when the parent speaks JSON-RPC 2.0 (SIDECAR_PROTOCOL=json-rpc):
 *
 *   const rpc = new (require('./sidecar-channel').JsonRpc)();
 *   rpc.method('upper', async (params) => params.text.toUpperCase());
 *   rpc.serve();
 *
 * ESM: import { open, serve } from './sidecar-channel.mjs' (or this file).
 * The wire protocol is described in docs/protocol.md.
 */

const fs = require('fs');
const net = require('net');

const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
/** The newest SIDECAR_PROTOCOL_VERSION this file understands. */
const PROTOCOL_VERSION = 2;
const STREAM_FRAMINGS = ['lines', 'length-prefixed', 'content-length'];
const PROTOCOLS = ['raw', 'json-rpc'];
// content-length framing: a header block longer than this without its blank
// line cannot be a real header; the stream is garbage, not a slow sender.
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

const NEWLINE = Buffer.from('\n');
// Payloads up to this size are copied together with their framing bytes into
// one buffer; bigger ones go out as separate pieces (one writev) so a large
// message is never copied just to prepend 4 bytes.
const COPY_LIMIT = 16 * 1024;
// Stream input is paused while this much is received but not yet consumed,
// so a slow consumer pushes back on the parent instead of buffering forever.
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const HIGH_WATER_MESSAGES = 1024;
// A seqpacket fd handed over in non-blocking mode makes reads fail with
// EAGAIN; Node cannot clear O_NONBLOCK on a raw fd nor poll it, so we retry
// on a timer that backs off to this ceiling (milliseconds).
const MAX_RETRY_DELAY_MS = 20;
// A SOCK_SEQPACKET record may be at most the sender's SO_SNDBUF minus this.
const SNDBUF_OVERHEAD = 32;

const DECODES = new Set([undefined, 'text', 'bytes', 'json']);
const PEER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

class MessageTooLargeError extends RangeError {
  constructor(message) {
    super(message);
    this.name = 'MessageTooLargeError';
  }
}

/** Received bytes break the framing (e.g. a bad Content-Length header); the channel is unusable. */
class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const noop = () => {};

/** fds currently owned by an open channel: two channels on one fd would steal each other's bytes. */
const openFds = new Set();

function envInt(name, fallback) {
  const raw = (process.env[name] || '').trim();
  if (raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new Error(`${name}=${JSON.stringify(raw)} is not a decimal integer`);
  return Number(raw);
}

function checkProtocolVersion() {
  const version = envInt('SIDECAR_PROTOCOL_VERSION', PROTOCOL_VERSION);
  if (version > PROTOCOL_VERSION) {
    throw new Error(`sidecar-channel: the application speaks protocol version ${version} but this client knows ` +
      `up to ${PROTOCOL_VERSION}; update clients/node/sidecar-channel.js (or use the copy the starter provides)`);
  }
}

/** This child's index among the sidecar's instances (SIDECAR_INSTANCE, default 0). */
function instance() { return envInt('SIDECAR_INSTANCE', 0); }

/** How many instances of this sidecar the parent runs (SIDECAR_INSTANCES, default 1). */
function instances() { return envInt('SIDECAR_INSTANCES', 1); }

/** What the parent speaks on the channel (SIDECAR_PROTOCOL): 'raw' (default) or 'json-rpc'. */
function protocol() {
  const value = (process.env.SIDECAR_PROTOCOL || '').trim() || 'raw';
  if (!PROTOCOLS.includes(value)) throw new Error(`SIDECAR_PROTOCOL must be 'raw' or 'json-rpc', got ${JSON.stringify(value)}`);
  return value;
}

function resolveConfig(options) {
  checkProtocolVersion();
  let { fd, transport, framing, maxMessageSize } = options;
  if (fd === undefined) fd = envInt('SIDECAR_FD', 0);
  if (transport === undefined) transport = (process.env.SIDECAR_TRANSPORT || '').trim() || undefined;
  if (framing === undefined) framing = (process.env.SIDECAR_FRAMING || '').trim() || undefined;
  if (maxMessageSize === undefined) maxMessageSize = envInt('SIDECAR_MAX_MESSAGE_SIZE', DEFAULT_MAX_MESSAGE_SIZE);

  if (!Number.isSafeInteger(fd) || fd < 0) {
    throw new Error(`SIDECAR_FD must be a non-negative file descriptor number, got ${fd}`);
  }
  if (transport === undefined) transport = framing === 'seqpacket' ? 'seqpacket' : 'stream';
  if (transport !== 'stream' && transport !== 'seqpacket') {
    throw new Error(`SIDECAR_TRANSPORT must be 'stream' or 'seqpacket', got ${JSON.stringify(transport)}`);
  }
  if (framing === undefined) framing = transport === 'seqpacket' ? 'seqpacket' : 'lines';
  const allowed = transport === 'seqpacket' ? ['seqpacket'] : STREAM_FRAMINGS;
  if (!allowed.includes(framing)) {
    throw new Error(`SIDECAR_FRAMING=${JSON.stringify(framing)} does not fit SIDECAR_TRANSPORT=${transport} ` +
      `(expected ${allowed.join(' or ')})`);
  }
  if (!Number.isSafeInteger(maxMessageSize) || maxMessageSize < 1) {
    throw new Error(`SIDECAR_MAX_MESSAGE_SIZE must be a positive integer, got ${maxMessageSize}`);
  }
  if (framing === 'length-prefixed' && maxMessageSize > 0xffffffff) {
    throw new Error(`SIDECAR_MAX_MESSAGE_SIZE=${maxMessageSize} cannot be expressed in a 4-byte length header`);
  }
  return { fd, transport, framing, maxMessageSize };
}

function toBuffer(message) {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (Buffer.isBuffer(message)) return message;
  if (ArrayBuffer.isView(message)) return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  throw new TypeError(`send() takes a string, Buffer or Uint8Array, not ${describe(message)}; ` +
    'use sendJson() for other values');
}

function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value.constructor && value.constructor.name) || 'object';
  return typeof value;
}

function jsonText(value) {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${describe(value)} cannot be sent as JSON`);
  return text;
}

function log(text) {
  // stderr goes to the parent's logger line by line; never to the wire.
  try { fs.writeSync(2, `sidecar-channel: ${text}\n`); } catch (_) { /* no stderr: nothing to do */ }
}

/** Received bytes not yet framed: a list of chunks, so big messages are copied once. */
class ByteQueue {
  constructor() { this.parts = []; this.length = 0; }

  push(chunk) {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  /** Remove and return the first n bytes (n <= length). */
  take(n) {
    if (n === 0) return Buffer.alloc(0);
    const first = this.parts[0];
    if (first.length >= n) {
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      this.length -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const part = this.parts[0];
      const count = Math.min(part.length, n - offset);
      part.copy(out, offset, 0, count);
      if (count === part.length) this.parts.shift();
      else this.parts[0] = part.subarray(count);
      offset += count;
    }
    this.length -= n;
    return out;
  }

  readUInt32BE() {
    const first = this.parts[0];
    if (first.length >= 4) return first.readUInt32BE(0);
    let value = 0;
    let seen = 0;
    for (const part of this.parts) {
      for (let i = 0; i < part.length && seen < 4; i++, seen++) value = value * 256 + part[i];
      if (seen === 4) break;
    }
    return value;
  }

  /** Index of `sequence` at or after `from`, or -1; joins the chunks first (used for short headers only). */
  indexOf(sequence, from) {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.length === 0 ? -1 : this.parts[0].indexOf(sequence, from);
  }

  clear() { this.parts = []; this.length = 0; }
}

function parseContentLength(header, limit) {
  const values = [];
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon >= 0 && line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      values.push(line.slice(colon + 1).trim());
    }
  }
  if (values.length === 0) throw new ProtocolError('content-length framing: a header block has no Content-Length header');
  if (values.length > 1) {
    throw new ProtocolError(`content-length framing: a header block has ${values.length} Content-Length headers`);
  }
  const digits = values[0];
  if (!/^[0-9]+$/.test(digits)) {
    throw new ProtocolError(
      `content-length framing: Content-Length ${JSON.stringify(digits)} is not a non-negative decimal integer`);
  }
  const length = Number(digits);
  if (length > limit) {
    throw new MessageTooLargeError(
      `received a Content-Length header announcing ${digits} bytes; SIDECAR_MAX_MESSAGE_SIZE is ${limit}`);
  }
  return length;
}

/**
 * One end of a sidecar channel; create it with open().
 * Properties: name, fd, transport, framing, maxMessageSize.
 */
class SidecarChannel {
  constructor(options = {}) {
    const config = resolveConfig(options);
    this.name = process.env.SIDECAR_NAME || '';
    this.fd = config.fd;
    this.transport = config.transport;
    this.framing = config.framing;
    this.maxMessageSize = config.maxMessageSize;

    if (openFds.has(this.fd)) {
      throw new Error(`fd ${this.fd} is already used by an open sidecar channel; ` +
        'pass that channel along (e.g. serve(handler, { channel })) instead of opening it twice');
    }

    try {
      fs.fstatSync(this.fd);
    } catch (_) {
      throw new Error(`SIDECAR_FD=${this.fd} but fd ${this.fd} is not open in this process; start the child ` +
        'through the sidecar parent (or unset SIDECAR_FD to use stdin/stdout)');
    }

    this._queue = [];          // received messages (Buffers) not yet taken by receive()
    this._queuedBytes = 0;
    this._waiters = [];        // receive() calls waiting for a message
    this._ended = false;       // end of input seen
    this._failure = null;      // receive error, raised once the queue is drained
    this._closed = false;
    this._writeError = null;   // first write failure; later sends fail with it too
    this._readySent = null;    // promise of the one ready message, once sent

    if (this.transport === 'seqpacket') this._openSeqpacket();
    else this._openStream();
    openFds.add(this.fd);
  }

  // ------------------------------------------------------------ stream setup

  _openStream() {
    if (this.fd === 0) {
      // The contract gives two descriptors of one socket: read 0, write 1.
      // process.stdin/stdout are reused rather than wrapped again, because a
      // second libuv handle on the same fd (e.g. once anything touches
      // process.stdout) would compete for its epoll registration.
      const stdin = process.stdin;
      if (!(stdin instanceof net.Socket) && isSocket(0)) {
        throw new Error('SIDECAR_FD=0 is a socket Node cannot read as a stream (SOCK_SEQPACKET?); ' +
          'set SIDECAR_TRANSPORT=seqpacket to match the parent');
      }
      this._input = stdin;
      this._output = process.stdout;
    } else {
      let socket;
      try {
        // allowHalfOpen: input EOF must not shut down our sending side while
        // replies are still being produced.
        socket = new net.Socket({ fd: this.fd, readable: true, writable: true, allowHalfOpen: true });
      } catch (err) {
        if (err.code === 'ERR_INVALID_FD_TYPE' && isSocket(this.fd)) {
          throw new Error(`SIDECAR_FD=${this.fd} is a socket Node cannot read as a stream (SOCK_SEQPACKET?); ` +
            'set SIDECAR_TRANSPORT=seqpacket to match the parent');
        }
        // Without an inherited fd 3, Node's own epoll fd sits there.
        throw new Error(`SIDECAR_FD=${this.fd} is not a socket this process inherited (${err.message}); ` +
          'start the child through the sidecar parent, or unset SIDECAR_FD to use stdin/stdout');
      }
      this._input = this._output = socket;
    }
    this._bytes = new ByteQueue();
    this._bodyLength = -1;     // content-length: announced size once its header is parsed
    this._headerScan = 0;      // content-length: where the search for the blank line resumes
    this._paused = false;
    this._corked = false;
    this._uncork = () => { this._corked = false; this._output.uncork(); };

    this._onData = (chunk) => this._receiveChunk(chunk);
    this._onEnd = () => this._end();
    this._onInputError = (err) => {
      // ECONNRESET/EPIPE mean the parent is gone: that is end of input.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this._end();
      else this._fail(err);
    };
    this._onOutputError = (err) => { if (!this._writeError) this._writeError = err; };
    this._input.on('data', this._onData);
    this._input.on('end', this._onEnd);
    this._input.on('error', this._onInputError);
    this._output.on('error', this._onOutputError);
  }

  _receiveChunk(chunk) {
    if (this.framing === 'content-length') {
      this._receiveContentLength(chunk);
      return;
    }
    if (this.framing === 'lines') {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        if (newline < 0) break;
        this._bytes.push(chunk.subarray(start, newline));
        let message = this._bytes.take(this._bytes.length);
        start = newline + 1;
        // "\r\n" is accepted as a line end, so the '\r' is framing, not payload.
        if (message.length > 0 && message[message.length - 1] === 13) message = message.subarray(0, -1);
        if (message.length > this.maxMessageSize) {
          this._fail(new MessageTooLargeError(
            `received a ${message.length}-byte line; SIDECAR_MAX_MESSAGE_SIZE is ${this.maxMessageSize}`));
          return;
        }
        this._deliver(message);
      }
      this._bytes.push(chunk.subarray(start));
      if (this._bytes.length > this.maxMessageSize + 1) {
        this._fail(new MessageTooLargeError(
          `received a line longer than SIDECAR_MAX_MESSAGE_SIZE=${this.maxMessageSize} bytes`));
      }
      return;
    }
    const bytes = this._bytes;
    bytes.push(chunk);
    while (bytes.length >= 4) {
      const length = bytes.readUInt32BE();
      if (length > this.maxMessageSize) {
        this._fail(new MessageTooLargeError(
          `received a length header announcing ${length} bytes; SIDECAR_MAX_MESSAGE_SIZE is ${this.maxMessageSize}`));
        return;
      }
      if (bytes.length < 4 + length) break;
      bytes.take(4);
      this._deliver(bytes.take(length));
    }
  }

  _receiveContentLength(chunk) {
    const bytes = this._bytes;
    bytes.push(chunk);
    for (;;) {
      if (this._bodyLength < 0) {
        const end = bytes.indexOf(HEADER_END, this._headerScan);
        if ((end >= 0 ? end : bytes.length) > MAX_HEADER_BYTES) {
          this._fail(new ProtocolError(`content-length framing: no blank line within ${MAX_HEADER_BYTES} header bytes`));
          return;
        }
        if (end < 0) {
          this._headerScan = Math.max(0, bytes.length - HEADER_END.length + 1);
          return;
        }
        const header = bytes.take(end + HEADER_END.length).toString('latin1', 0, end);
        this._headerScan = 0;
        try {
          this._bodyLength = parseContentLength(header, this.maxMessageSize);
        } catch (err) {
          this._fail(err);
          return;
        }
      }
      if (bytes.length < this._bodyLength) return;
      const body = bytes.take(this._bodyLength);
      this._bodyLength = -1;
      this._deliver(body);
    }
  }

  // --------------------------------------------------------- seqpacket setup

  _openSeqpacket() {
    // Node's net module cannot wrap a SOCK_SEQPACKET socket (libuv reports its
    // type as UNKNOWN, and its stream reads would cut records at 64 KiB). A
    // plain read(2)/write(2) on the fd keeps record boundaries, so fs.read on
    // libuv's thread pool receives whole records and fs.writeSync sends one
    // record per call.
    this._rfd = this.fd;
    this._wfd = this.fd === 0 ? 1 : this.fd;
    for (const fd of new Set([this._rfd, this._wfd])) {
      if (!isSocket(fd)) {
        throw new Error(`SIDECAR_TRANSPORT=seqpacket but fd ${fd} is not a socket; ` +
          'start the child through the sidecar parent, which passes a SOCK_SEQPACKET socket');
      }
    }
    // max+1: the kernel silently drops the part of a record that does not fit
    // the buffer, so only a buffer one byte bigger than allowed can tell.
    this._recordBuffer = Buffer.allocUnsafe(this.maxMessageSize + 1);
    this._reading = false;
    this._readDelay = 0;
    this._writes = [];       // records waiting because the fd said EAGAIN
    this._writeDelay = 0;
    this._writeTimer = null;
  }

  _readRecord() {
    if (this._reading || this._ended || this._failure || this._closed) return;
    this._reading = true;
    fs.read(this._rfd, this._recordBuffer, 0, this._recordBuffer.length, null, (err, n) => {
      this._reading = false;
      if (this._closed) { this._closeSeqpacketFds(); return; }
      if (err) {
        if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') {
          this._readDelay = Math.min(Math.max(1, this._readDelay * 2), MAX_RETRY_DELAY_MS);
          setTimeout(() => this._pumpRecords(), this._readDelay);
        } else if (err.code === 'ECONNRESET') {
          this._end();
        } else {
          this._fail(err);
        }
        return;
      }
      this._readDelay = 0;
      if (n === 0) { this._end(); return; } // empty records are not allowed, so 0 bytes is EOF
      if (n > this.maxMessageSize) {
        this._fail(new MessageTooLargeError(
          `received a seqpacket record longer than SIDECAR_MAX_MESSAGE_SIZE=${this.maxMessageSize} bytes; ` +
          'the kernel discarded its tail'));
        return;
      }
      this._deliver(Buffer.from(this._recordBuffer.subarray(0, n)));
      this._pumpRecords();
    });
  }

  /**
   * Read only while someone is waiting: a read pending on the thread pool
   * cannot be cancelled and holds up process exit until the next record or
   * EOF arrives, so no read is left in flight when nobody asked for one.
   */
  _pumpRecords() {
    if (this._waiters.length > 0) this._readRecord();
  }

  _sendRecord(data) {
    if (data.length === 0) {
      throw new Error('seqpacket framing: empty messages are not allowed (a 0-byte record reads as end of input)');
    }
    if (this._writeError) return Promise.reject(this._writeError);
    if (this._writes.length === 0) {
      // Usual case: nothing is waiting, so write now. A record the kernel
      // refuses throws here, like any other invalid message, instead of
      // surfacing later.
      try {
        this._writeRecord(data);
        return Promise.resolve();
      } catch (err) {
        if (err instanceof MessageTooLargeError) throw err;
        if (err.code !== 'EAGAIN' && err.code !== 'EWOULDBLOCK') {
          this._writeError = err;
          return Promise.reject(err);
        }
      }
    }
    return new Promise((resolve, reject) => {
      this._writes.push({ data, resolve, reject });
      if (this._writes.length === 1) this._scheduleRecords();
    });
  }

  /** One write(2) = one record. Throws MessageTooLargeError for EMSGSIZE, else the system error. */
  _writeRecord(data) {
    let written;
    try {
      written = fs.writeSync(this._wfd, data);
    } catch (err) {
      if (err.code === 'EMSGSIZE') {
        throw new MessageTooLargeError(
          `the kernel refused a ${data.length}-byte seqpacket record: records are limited by the ` +
          `socket's SO_SNDBUF (minus ${SNDBUF_OVERHEAD} bytes), which Node cannot raise; have the parent raise ` +
          'SO_SNDBUF on the child end, or lower SIDECAR_MAX_MESSAGE_SIZE');
      }
      throw err;
    }
    if (written !== data.length) {
      // Cannot happen on SOCK_SEQPACKET; a split record must never pass silently.
      throw new Error(`seqpacket write sent ${written} of ${data.length} bytes`);
    }
  }

  _scheduleRecords() {
    // The fd said EAGAIN (it was handed over non-blocking): retry on a timer.
    this._writeDelay = Math.min(Math.max(1, this._writeDelay * 2), MAX_RETRY_DELAY_MS);
    this._writeTimer = setTimeout(() => this._flushRecords(), this._writeDelay);
  }

  _flushRecords() {
    this._writeTimer = null;
    while (this._writes.length > 0) {
      const item = this._writes[0];
      if (this._writeError) {
        this._writes.shift();
        item.reject(this._writeError);
        continue;
      }
      try {
        this._writeRecord(item.data);
      } catch (err) {
        if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') {
          this._scheduleRecords();
          return;
        }
        this._writes.shift();
        if (!(err instanceof MessageTooLargeError)) this._writeError = err;
        item.reject(err);
        continue;
      }
      this._writeDelay = 0;
      this._writes.shift();
      item.resolve();
    }
  }

  _closeSeqpacketFds() {
    for (const fd of new Set([this._rfd, this._wfd])) {
      try { fs.closeSync(fd); } catch (_) { /* already closed */ }
    }
  }

  // ------------------------------------------------------- receive plumbing

  _deliver(message) {
    const waiter = this._waiters.shift();
    if (waiter) { waiter.resolve(message); return; }
    this._queue.push(message);
    this._queuedBytes += message.length;
    if (this._input && !this._paused &&
        (this._queue.length >= HIGH_WATER_MESSAGES || this._queuedBytes >= HIGH_WATER_BYTES)) {
      this._paused = true;
      this._input.pause();
    }
  }

  _end() {
    if (this._ended) return;
    this._ended = true;
    if (this._bytes && (this._bytes.length > 0 || this._bodyLength >= 0)) {
      log(`discarding ${this._bytes.length} bytes of an incomplete message at end of input`);
      this._bytes.clear();
    }
    for (const waiter of this._waiters.splice(0)) waiter.resolve(undefined);
  }

  _fail(err) {
    if (this._failure || this._ended) return;
    // Framing is lost after a bad frame; stop reading rather than deliver garbage.
    this._failure = err;
    if (this._input) {
      this._input.removeListener('data', this._onData);
      this._input.pause();
    }
    for (const waiter of this._waiters.splice(0)) waiter.reject(err);
  }

  _nextRaw() {
    if (this._queue.length > 0) {
      const message = this._queue.shift();
      this._queuedBytes -= message.length;
      if (this._paused && this._queue.length < HIGH_WATER_MESSAGES / 2 &&
          this._queuedBytes < HIGH_WATER_BYTES / 2) {
        this._paused = false;
        this._input.resume();
      }
      return Promise.resolve(message);
    }
    if (this._failure) return Promise.reject(this._failure);
    if (this._ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this._waiters.push({ resolve, reject });
      if (this.transport === 'seqpacket') this._readRecord();
    });
  }

  _decode(message, decode) {
    if (message === undefined) return undefined;
    if (decode === 'bytes') return message;
    if (decode === 'text') return utf8.decode(message);
    if (decode === 'json') return JSON.parse(utf8.decode(message));
    return this.framing === 'lines' ? utf8.decode(message) : message;
  }

  // -------------------------------------------------------------- public API

  /**
   * Next message, or undefined at end of input (JSON null arrives as null).
   * decode: undefined (string for `lines`, Buffer otherwise), 'text', 'bytes' or 'json'.
   */
  receive({ decode } = {}) {
    if (!DECODES.has(decode)) {
      return Promise.reject(new TypeError(`decode must be 'text', 'bytes' or 'json', got ${JSON.stringify(decode)}`));
    }
    if (this._closed) return Promise.reject(new Error('sidecar channel is closed'));
    return this._nextRaw().then((message) => this._decode(message, decode));
  }

  receiveText() { return this.receive({ decode: 'text' }); }

  receiveBytes() { return this.receive({ decode: 'bytes' }); }

  receiveJson() { return this.receive({ decode: 'json' }); }

  /**
   * Async iterator over messages until end of input. Leaving the loop early
   * (break) does not close the channel.
   */
  messages({ decode } = {}) {
    const channel = this;
    return {
      next() {
        return channel.receive({ decode }).then((value) =>
          (value === undefined ? { value: undefined, done: true } : { value, done: false }));
      },
      return() { return Promise.resolve({ value: undefined, done: true }); },
      [Symbol.asyncIterator]() { return this; },
    };
  }

  [Symbol.asyncIterator]() { return this.messages(); }

  /**
   * Send one message (string as UTF-8, Buffer, Uint8Array). Invalid messages
   * throw at once (MessageTooLargeError, Error for a newline in `lines`,
   * an empty seqpacket message). The returned promise resolves once the
   * message is handed to the kernel; await it for back-pressure. It never
   * causes an unhandled rejection if you ignore it.
   */
  send(message) {
    if (this._closed) throw new Error('sidecar channel is closed');
    const data = toBuffer(message);
    if (data.length > this.maxMessageSize) {
      throw new MessageTooLargeError(`message is ${data.length} bytes; SIDECAR_MAX_MESSAGE_SIZE is ${this.maxMessageSize}`);
    }
    let written;
    if (this.framing === 'seqpacket') {
      written = this._sendRecord(data);
    } else {
      if (this.framing === 'lines') {
        const newline = data.indexOf(10);
        if (newline >= 0) {
          throw new Error(`lines framing: message contains a newline at byte ${newline}; send JSON ` +
            '(sendJson escapes newlines) or use SIDECAR_FRAMING=length-prefixed');
        }
      }
      written = this._writeStream(data);
    }
    written.catch(noop);
    return written;
  }

  /**
   * Tell the parent this child can take requests: send SIDECAR_READY_MESSAGE
   * (default READY), once. Later calls return the first call's promise.
   */
  ready() {
    if (!this._readySent) {
      const message = process.env.SIDECAR_READY_MESSAGE;
      this._readySent = this.send(message === undefined ? 'READY' : message);
    }
    return this._readySent;
  }

  /** Send value as JSON (never contains a raw newline, so it fits `lines`). */
  sendJson(value) {
    return this.send(jsonText(value));
  }

  _writeStream(data) {
    if (this._writeError) return Promise.reject(this._writeError);
    const output = this._output;
    // Everything sent in one turn of the event loop leaves in one writev call.
    if (!this._corked) {
      this._corked = true;
      output.cork();
      setImmediate(this._uncork);
    }
    let pieces;
    if (this.framing === 'lines') {
      pieces = data.length <= COPY_LIMIT ? [Buffer.concat([data, NEWLINE])] : [data, NEWLINE];
    } else if (this.framing === 'content-length') {
      const header = Buffer.from(`Content-Length: ${data.length}\r\n\r\n`, 'latin1');
      pieces = data.length <= COPY_LIMIT ? [Buffer.concat([header, data])] : [header, data];
    } else {
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32BE(data.length, 0);
      pieces = data.length <= COPY_LIMIT ? [Buffer.concat([header, data])] : [header, data];
    }
    return new Promise((resolve, reject) => {
      for (let i = 0; i < pieces.length - 1; i++) output.write(pieces[i]);
      output.write(pieces[pieces.length - 1], (err) => (err ? reject(err) : resolve()));
    });
  }

  _sendReply(reply, jsonMode) {
    if (reply instanceof Uint8Array || reply instanceof ArrayBuffer) return this.send(reply);
    if (jsonMode) return this.send(jsonText(reply));
    if (typeof reply === 'string') return this.send(reply);
    if (reply === undefined || reply === null) {
      throw new TypeError(`serve() handler returned ${reply}; every request needs exactly one reply ` +
        "(return '' for an empty reply, or use decode: 'json' to send null)");
    }
    return this.send(jsonText(reply));
  }

  /**
   * Flush what was sent and release the channel. Pending receive() calls
   * resolve with undefined. On seqpacket a read already waiting on the
   * thread pool cannot be interrupted; its fd is closed when it returns.
   */
  close() {
    if (this._closed) return Promise.resolve();
    this._closed = true;
    openFds.delete(this.fd);
    for (const waiter of this._waiters.splice(0)) waiter.resolve(undefined);
    if (this.transport === 'seqpacket') {
      if (this._writeTimer) clearTimeout(this._writeTimer);
      for (const item of this._writes.splice(0)) item.reject(new Error('sidecar channel closed before the message was sent'));
      if (!this._reading) this._closeSeqpacketFds();
      return Promise.resolve();
    }
    const input = this._input;
    const output = this._output;
    input.removeListener('data', this._onData);
    input.removeListener('end', this._onEnd);
    if (this._corked) { this._corked = false; output.uncork(); }
    return new Promise((resolve) => {
      const finish = () => {
        input.removeListener('error', this._onInputError);
        input.on('error', noop); // late errors of a closed channel concern nobody
        if (input !== output) input.destroy();
        resolve();
      };
      if (this._writeError || output.destroyed || output.writableEnded) { finish(); return; }
      // end() flushes queued writes first; for fd 3 it then shuts the socket
      // down. process.stdout is never really closed by Node, which is fine: the
      // parent sees EOF when this process exits.
      output.end(() => {
        if (input === output) output.destroy();
        finish();
      });
    });
  }
}

function isSocket(fd) {
  try { return fs.fstatSync(fd).isSocket(); } catch (_) { return false; }
}

/**
 * Open the channel the parent set up, configured from the SIDECAR_* environment.
 * options (each overrides its environment variable): fd, transport, framing,
 * maxMessageSize. Defaults without either: fd 0, stream, lines, 1 MiB.
 */
function open(options = {}) {
  return new SidecarChannel(options);
}

/**
 * Answer every request with handler(request), replies in request order, until
 * end of input. Resolves at end of input (after the last reply is written);
 * rejects with the first error of the handler.
 *
 * options.decode: undefined (string for `lines`, Buffer otherwise), 'text',
 *   'bytes' or 'json'. The handler's return value (or promise) is the reply:
 *   strings/Buffers go out as they are, other values as JSON; undefined/null
 *   is an error. With decode 'json' everything but Buffers is JSON-encoded.
 * options.concurrency: how many requests may be in progress at once (default
 *   1: the handler is never called again before the previous reply is ready).
 * options.channel: an already opened channel; otherwise one is opened (from
 *   the remaining options and the environment) and closed at the end.
 * options.ready: send the ready message (channel.ready()) before the first
 *   request; undefined (default) sends it only when SIDECAR_READY=message.
 */
async function serve(handler, options = {}) {
  if (typeof handler !== 'function') throw new TypeError('serve() needs a handler function');
  const { decode, concurrency = 1 } = options;
  if (!DECODES.has(decode)) throw new TypeError(`decode must be 'text', 'bytes' or 'json', got ${JSON.stringify(decode)}`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const own = !options.channel;
  const channel = options.channel || open(options);
  const jsonMode = decode === 'json';
  const { ready = (process.env.SIDECAR_READY || '').trim() === 'message' } = options;
  if (ready) channel.ready().catch(noop); // a parent that is gone shows up as end of input

  let active = 0;            // requests whose reply is not written yet
  let tail = Promise.resolve();
  let wakeSlot = null;
  let rejectFailure;
  const failed = new Promise((_, reject) => { rejectFailure = reject; });
  failed.catch(noop);
  const reply = (value) => {
    channel._sendReply(value, jsonMode).catch((err) => {
      // A parent that went away shows up as end of input next; any other
      // failure (e.g. a record the kernel refuses) would silently break the
      // one-reply-per-request rule, so it ends serve().
      if (!PEER_GONE.has(err.code)) rejectFailure(err);
    });
  };
  const release = () => {
    active--;
    if (wakeSlot) { const wake = wakeSlot; wakeSlot = null; wake(); }
  };

  try {
    for (;;) {
      if (active >= concurrency) await Promise.race([new Promise((resolve) => { wakeSlot = resolve; }), failed]);
      // Racing with `failed` makes a rejected async handler end serve() at
      // once, even while no further request is coming.
      const request = await Promise.race([channel.receive({ decode }), failed]);
      if (request === undefined) break;
      const result = handler(request);
      if (active === 0 && !(result && typeof result.then === 'function')) {
        reply(result); // fast path: nothing earlier is pending, order is trivially kept
        continue;
      }
      active++;
      // Replies are chained so each is written only after the previous one,
      // whatever order the handlers finish in.
      tail = tail.then(() => result).then((value) => { reply(value); release(); });
      tail.catch((err) => rejectFailure(err));
    }
    await Promise.race([tail, failed]);
  } finally {
    if (own) await channel.close();
  }
}

// ------------------------------------------------------------------ JSON-RPC

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INTERNAL_ERROR = -32603;
const REQUEST_CANCELLED = -32800;
const READY = '$/ready';
const PING = '$/ping';
/** Cancellation notification -> the params key that names the request. */
const CANCELLATIONS = new Map([['$/cancelRequest', 'id'], ['notifications/cancelled', 'requestId']]);

/**
 * A JSON-RPC error object. Throw it in a handler to answer with exactly this
 * error; call() rejects with it when the application answers with an error.
 */
class JsonRpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.name = 'JsonRpcError';
    this.code = code;
    this.data = data;
  }

  toErrorObject() {
    const error = { code: this.code, message: this.message };
    if (this.data !== undefined && this.data !== null) error.data = this.data;
    return error;
  }
}

function isId(value) {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function errorResponse(id, code, message) {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Why `message` is not a valid request or notification, or null. */
function invalidReason(message) {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return 'a message must be a JSON object';
  if (message.jsonrpc !== '2.0') return 'a message must have "jsonrpc": "2.0"';
  if (typeof message.method !== 'string') return '"method" must be a string';
  if ('id' in message && !isId(message.id)) return '"id" must be a string or a number';
  if (message.params !== undefined && message.params !== null && typeof message.params !== 'object') {
    return '"params" must be an object or an array';
  }
  return null;
}

function isResponse(message) {
  return message !== null && typeof message === 'object' && !Array.isArray(message) &&
    !('method' in message) && ('result' in message || 'error' in message);
}

function inputEndedError(text) {
  const err = new Error(`sidecar channel: ${text}`);
  err.code = 'ERR_SIDECAR_CLOSED';
  return err;
}

/** A request from the parent that is being handled: answered exactly once. */
class Incoming {
  constructor(id, respond) {
    this.id = id;
    this.respond = respond;
    this.controller = new AbortController();
    this.answered = false;
  }

  answer(response) {
    if (this.answered) return;
    this.answered = true;
    this.respond(response);
  }

  cancel() {
    // Answer now: the handler may ignore the signal, and the parent must not wait for it.
    this.answer(errorResponse(this.id, REQUEST_CANCELLED, 'Request cancelled'));
    this.controller.abort();
  }
}

/** Collects the responses to one batch and sends them as one array once all are in. */
class Batch {
  constructor(send) {
    this.send = send;
    this.responses = [];
    this.expected = 0;
    this.sealed = false;
  }

  add(response) {
    this.responses.push(response);
    this.sendWhenComplete();
  }

  seal() {
    this.sealed = true;
    this.sendWhenComplete();
  }

  sendWhenComplete() {
    if (this.sealed && this.expected > 0 && this.responses.length === this.expected) this.send(this.responses);
  }
}

/**
 * A JSON-RPC 2.0 peer on the sidecar channel (SIDECAR_PROTOCOL=json-rpc).
 * options: channel (an opened channel; otherwise one is opened like open()
 * with the remaining options), maxConcurrency (handlers running at once,
 * default 64). Replies go out as handlers finish, in any order.
 */
class JsonRpc {
  constructor(options = {}) {
    const { maxConcurrency = 64 } = options;
    if (!Number.isSafeInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new TypeError(`maxConcurrency must be a positive integer, got ${maxConcurrency}`);
    }
    this._ownChannel = !options.channel;
    this.channel = options.channel || open(options);
    this.maxConcurrency = maxConcurrency;
    this._methods = new Map();
    this._notifications = new Map();
    this._running = new Map();   // parent's request id -> Incoming
    this._pending = new Map();   // our call id -> { resolve, reject, method }
    this._nextId = 1;
    this._active = 0;            // handlers holding a slot
    this._slotWaiters = [];
    this._tasks = new Set();
    this._readySent = null;
    this._inputEnded = false;
  }

  /** Register handler(params, { signal }) for requests `name`; returns this. */
  method(name, handler) { return this._register(this._methods, name, handler); }

  /** Register handler(params) for notifications `name`; returns this. */
  notification(name, handler) { return this._register(this._notifications, name, handler); }

  _register(table, name, handler) {
    if (typeof name !== 'string') throw new TypeError(`a method name must be a string, got ${describe(name)}`);
    if (typeof handler !== 'function') throw new TypeError(`the handler of ${JSON.stringify(name)} must be a function`);
    table.set(name, handler);
    return this;
  }

  /**
   * Handle messages until end of input; resolves once every running handler
   * has answered. Sends $/ready first unless { ready: false } (then call
   * ready() yourself). Rejects with the framing error if the input breaks it.
   */
  async serve({ ready = true } = {}) {
    if (ready) this.ready();
    try {
      for (;;) {
        const frame = await this.channel.receive({ decode: 'bytes' });
        if (frame === undefined) break;
        this._onFrame(frame);
      }
    } finally {
      this._inputEnded = true;
      this._failPendingCalls();
      while (this._tasks.size > 0) await Promise.allSettled([...this._tasks]);
      if (this._ownChannel) await this.channel.close();
    }
  }

  /** Send the $/ready notification, once; later calls return the first call's promise. */
  ready() {
    if (!this._readySent) this._readySent = this.notify(READY);
    return this._readySent;
  }

  /** Send a notification to the application; the promise resolves once it is handed to the kernel. */
  notify(method, params) {
    const message = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    return this._write(jsonText(message));
  }

  /**
   * Call a method of the application. Resolves with its result; rejects with
   * JsonRpcError for an error response, or an Error with code
   * 'ERR_SIDECAR_CLOSED' when the input ends first.
   */
  call(method, params) {
    if (this._inputEnded) return Promise.reject(inputEndedError(`input has ended; cannot call ${JSON.stringify(method)}`));
    const id = this._nextId++;
    const message = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message.params = params;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject, method });
      try {
        this._write(jsonText(message));
      } catch (err) {
        this._pending.delete(id);
        reject(err);
      }
    });
  }

  _failPendingCalls() {
    for (const [id, call] of this._pending) {
      call.reject(inputEndedError(`input ended before the response to request ${id} (${JSON.stringify(call.method)}) arrived`));
    }
    this._pending.clear();
  }

  // ---------------------------------------------------------------- dispatch

  _onFrame(frame) {
    let message;
    try {
      message = JSON.parse(utf8.decode(frame));
    } catch (_) {
      this._sendResponses(errorResponse(null, PARSE_ERROR, 'Parse error: the message is not valid JSON'));
      return;
    }
    if (!Array.isArray(message)) {
      this._onMessage(message, (response) => this._sendResponses(response));
      return;
    }
    if (message.length === 0) {
      this._sendResponses(errorResponse(null, INVALID_REQUEST, 'Invalid Request: empty batch'));
      return;
    }
    const batch = new Batch((responses) => this._sendResponses(responses));
    for (const element of message) {
      if (this._onMessage(element, (response) => batch.add(response))) batch.expected++;
    }
    batch.seal();
  }

  /** Handle one message; true if it will get a response through respond. */
  _onMessage(message, respond) {
    if (isResponse(message)) {
      this._onResponse(message);
      return false;
    }
    const reason = invalidReason(message);
    if (reason !== null) {
      const id = message !== null && typeof message === 'object' && isId(message.id) ? message.id : null;
      respond(errorResponse(id, INVALID_REQUEST, `Invalid Request: ${reason}`));
      return true;
    }
    const params = message.params === null ? undefined : message.params;
    if (!('id' in message)) {
      this._onNotification(message.method, params);
      return false;
    }
    this._onRequest(message.id, message.method, params, respond);
    return true;
  }

  _onRequest(id, method, params, respond) {
    if (method === PING) {
      respond({ jsonrpc: '2.0', id, result: {} });
      return;
    }
    const handler = this._methods.get(method);
    if (!handler) {
      respond(errorResponse(id, METHOD_NOT_FOUND, `Method not found: ${method}`));
      return;
    }
    const incoming = new Incoming(id, respond);
    this._running.set(id, incoming);
    this._track(this._runRequest(incoming, method, handler, params));
  }

  _onNotification(method, params) {
    if (CANCELLATIONS.has(method)) {
      const target = params && typeof params === 'object' ? params[CANCELLATIONS.get(method)] : undefined;
      const incoming = isId(target) ? this._running.get(target) : undefined;
      if (incoming) incoming.cancel();
    }
    const handler = this._notifications.get(method);
    if (handler) this._track(this._runNotification(method, handler, params)); // unknown ones are dropped
  }

  _onResponse(message) {
    const call = isId(message.id) ? this._pending.get(message.id) : undefined;
    if (!call) {
      log(`ignoring a response to unknown request id ${JSON.stringify(message.id)}: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    this._pending.delete(message.id);
    const { error } = message;
    if (error === undefined || error === null) call.resolve(message.result);
    else if (typeof error === 'object') call.reject(new JsonRpcError(error.code ?? INTERNAL_ERROR, String(error.message ?? ''), error.data));
    else call.reject(new JsonRpcError(INTERNAL_ERROR, `malformed error response: ${JSON.stringify(error)}`));
  }

  _track(promise) {
    this._tasks.add(promise);
    promise.finally(() => this._tasks.delete(promise)).catch(noop);
  }

  async _runRequest(incoming, method, handler, params) {
    let response;
    await this._acquireSlot();
    try {
      if (incoming.answered) return; // cancelled while waiting for a slot
      const result = await handler(params, { signal: incoming.controller.signal });
      response = { jsonrpc: '2.0', id: incoming.id, result: result === undefined ? null : result };
    } catch (err) {
      // A cancelled handler's rejection (usually an AbortError) concerns nobody.
      if (!incoming.answered) response = this._failureResponse(incoming.id, method, err);
    } finally {
      this._releaseSlot();
      if (this._running.get(incoming.id) === incoming) this._running.delete(incoming.id);
    }
    if (response) incoming.answer(response);
  }

  async _runNotification(method, handler, params) {
    await this._acquireSlot();
    try {
      await handler(params);
    } catch (err) {
      log(`notification handler of ${JSON.stringify(method)} failed: ${(err && err.stack) || err}`);
    } finally {
      this._releaseSlot();
    }
  }

  _failureResponse(id, method, err) {
    if (err instanceof JsonRpcError) return { jsonrpc: '2.0', id, error: err.toErrorObject() };
    log(`handler of ${JSON.stringify(method)} failed: ${(err && err.stack) || err}`);
    const message = err instanceof Error ? err.message || err.name : String(err);
    return errorResponse(id, INTERNAL_ERROR, message);
  }

  _acquireSlot() {
    if (this._active < this.maxConcurrency) {
      this._active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this._slotWaiters.push(resolve));
  }

  _releaseSlot() {
    const next = this._slotWaiters.shift();
    if (next) next(); // the slot passes straight on
    else this._active--;
  }

  // ------------------------------------------------------------------ output

  _sendResponses(responses) {
    const limit = this.channel.maxMessageSize;
    let text;
    if (Array.isArray(responses)) {
      text = `[${responses.map((r) => this._encodeResponse(r)).join(',')}]`;
      const size = Buffer.byteLength(text);
      if (size > limit) text = `[${responses.map((r) => this._encodeResponse(tooLarge(r, size, limit))).join(',')}]`;
    } else {
      text = this._encodeResponse(responses);
    }
    this._write(text);
  }

  _encodeResponse(response) {
    const limit = this.channel.maxMessageSize;
    let text;
    try {
      text = jsonText(response);
    } catch (err) {
      log(`cannot encode the result of request ${JSON.stringify(response.id)}: ${err.message}`);
      return jsonText(errorResponse(response.id, INTERNAL_ERROR, `the result cannot be sent as JSON: ${err.message}`));
    }
    const size = Buffer.byteLength(text);
    return size > limit ? jsonText(tooLarge(response, size, limit)) : text;
  }

  _write(text) {
    // After close, or once the parent is gone, there is nobody left to tell.
    if (this.channel._closed) return Promise.resolve();
    return this.channel.send(text);
  }
}

function tooLarge(response, size, limit) {
  if (!('result' in response)) return response;
  return errorResponse(response.id, INTERNAL_ERROR, `the response is ${size} bytes; SIDECAR_MAX_MESSAGE_SIZE is ${limit}`);
}

module.exports = {
  open, serve, instance, instances, protocol, JsonRpc, JsonRpcError, SidecarChannel, MessageTooLargeError,
  ProtocolError, DEFAULT_MAX_MESSAGE_SIZE, PROTOCOL_VERSION,
};
