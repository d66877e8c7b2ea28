// Loads for READY_DELAY seconds, then serves upper-casing requests (serve sends the ready message,
// SIDECAR_READY being "message").
const sidecar = require('sidecar-channel');

setTimeout(() => sidecar.serve((request) => request.toUpperCase()),
  Number(process.env.READY_DELAY || '2') * 1000);
