// A json-rpc child whose `deadlock` method spins for good on the event loop, so it stays alive but
// answers nothing, $/ping included; `pid` answers its process id.
const sidecar = require('sidecar-channel');

const rpc = new sidecar.JsonRpc();
rpc.method('pid', () => process.pid);
rpc.method('deadlock', () => {
  for (;;) {
    // Never yields: the event loop, and with it every reply, is blocked.
  }
});
rpc.serve();
