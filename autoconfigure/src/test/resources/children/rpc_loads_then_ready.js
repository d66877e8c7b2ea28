// A json-rpc child that reads from the start but loads for READY_DELAY seconds before it sends $/ready
// (serve({ ready: false }), then ready()); `before` answers whether any message reached it before it was
// ready, `upper` upper-cases params.text.
const sidecar = require('sidecar-channel');

const rpc = new sidecar.JsonRpc();
let ready = false;
let readBeforeReady = 0;
const receive = rpc.channel.receive.bind(rpc.channel);
rpc.channel.receive = async (options) => {
  const message = await receive(options);
  if (message !== undefined && !ready) readBeforeReady++;
  return message;
};

rpc.method('before', () => ({ bytesBeforeReady: readBeforeReady > 0 }));
rpc.method('upper', (params) => params.text.toUpperCase());

rpc.serve({ ready: false });
setTimeout(() => {
  ready = true;
  rpc.ready();
}, Number(process.env.READY_DELAY || '2') * 1000);
