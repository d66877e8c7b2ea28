#!/usr/bin/env node
// The JSON-RPC 2.0 echo child of the JSON-RPC comparison: the same child for the starter, LSP4J and the
// MCP Java SDK, on its stdin/stdout. Framing from the first argument: "lines" (newline-delimited JSON,
// what MCP's stdio transport speaks) or "content-length" (LSP base protocol headers).
// Methods: echo (returns params), initialize / tools/list / tools/call echo / ping (a minimal MCP
// server: tools/call echo returns the "message" argument as text content). Notifications are ignored.
'use strict';

const framing = process.argv[2] || 'lines';
if (framing !== 'lines' && framing !== 'content-length') {
  process.stderr.write(`rpc-echo: unknown framing '${framing}' (lines or content-length)\n`);
  process.exit(2);
}

const ECHO_TOOL = {
  name: 'echo',
  description: 'Echoes back the input',
  inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
};

function answer(request) {
  switch (request.method) {
    case 'echo':
      return { result: request.params === undefined ? null : request.params };
    case 'initialize':
      return {
        result: {
          protocolVersion: (request.params && request.params.protocolVersion) || '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'rpc-echo', version: '1.0.0' },
        },
      };
    case 'ping':
      return { result: {} };
    case 'tools/list':
      return { result: { tools: [ECHO_TOOL] } };
    case 'tools/call':
      if (request.params && request.params.name === 'echo') {
        return { result: { content: [{ type: 'text', text: String(request.params.arguments.message) }] } };
      }
      return { error: { code: -32602, message: `unknown tool ${request.params && request.params.name}` } };
    default:
      return { error: { code: -32601, message: `method not found: ${request.method}` } };
  }
}

// Replies produced while one chunk is parsed leave in one write, as a real server's buffered stdout would.
let pending = [];

function handle(text) {
  const request = JSON.parse(text);
  if (request.id === undefined || request.id === null || request.method === undefined) {
    return;
  }
  const body = JSON.stringify(Object.assign({ jsonrpc: '2.0', id: request.id }, answer(request)));
  if (framing === 'lines') {
    pending.push(body, '\n');
  }
  else {
    pending.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`, body);
  }
}

function flush() {
  if (pending.length > 0) {
    process.stdout.write(pending.join(''));
    pending = [];
  }
}

let buffer = Buffer.alloc(0);

function parseLines() {
  let start = 0;
  let end;
  while ((end = buffer.indexOf(10, start)) >= 0) {
    const line = buffer.toString('utf8', start, end).trim();
    if (line.length > 0) {
      handle(line);
    }
    start = end + 1;
  }
  buffer = buffer.subarray(start);
}

function parseContentLength() {
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) {
      return;
    }
    const match = /Content-Length:\s*(\d+)/i.exec(buffer.toString('ascii', 0, headerEnd));
    if (!match) {
      throw new Error('rpc-echo: a header block without Content-Length');
    }
    const bodyStart = headerEnd + 4;
    const bodyEnd = bodyStart + Number(match[1]);
    if (buffer.length < bodyEnd) {
      return;
    }
    handle(buffer.toString('utf8', bodyStart, bodyEnd));
    buffer = buffer.subarray(bodyEnd);
  }
}

process.stdin.on('data', (chunk) => {
  buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
  if (framing === 'lines') {
    parseLines();
  }
  else {
    parseContentLength();
  }
  flush();
});
// No process.exit() here: it would drop replies still queued for stdout. With stdin ended, nothing keeps
// the event loop alive, so Node exits once they are written.
