// ESM entry point: the implementation lives in the CommonJS file next to it,
// so both module systems share one copy of the channel state.
import cjs from './sidecar-channel.js';

export const {
  open, serve, instance, instances, protocol, JsonRpc, JsonRpcError, SidecarChannel, MessageTooLargeError,
  ProtocolError, DEFAULT_MAX_MESSAGE_SIZE, PROTOCOL_VERSION,
} = cjs;
export default cjs;
