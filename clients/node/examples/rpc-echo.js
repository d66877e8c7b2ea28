#!/usr/bin/env node
'use strict';
// JSON-RPC sidecar (SIDECAR_PROTOCOL=json-rpc) used by the tests of both sides.
// Methods: echo (returns params), upper ({text} -> upper-cased text), sleep
// ({ms, token} -> token after ms milliseconds; stops early when cancelled),
// fail ({code, message, data} -> that error), boom (a plain exception, so
// -32603), callback ({method, params} -> the result of calling the
// application's method), notify ({method, params} -> sends that notification,
// returns null).
const { JsonRpc, JsonRpcError } = require('../sidecar-channel');

const rpc = new JsonRpc();

rpc.method('echo', (params) => params);
rpc.method('upper', (params) => params.text.toUpperCase());
rpc.method('sleep', (params, { signal }) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => resolve(params.token), params.ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
}));
rpc.method('fail', (params) => { throw new JsonRpcError(params.code, params.message, params.data); });
rpc.method('boom', (params) => { throw new Error((params && params.message) || 'boom'); });
rpc.method('callback', (params) => rpc.call(params.method, params.params));
rpc.method('notify', (params) => { rpc.notify(params.method, params.params); });

rpc.serve().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
