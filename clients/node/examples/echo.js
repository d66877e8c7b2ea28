#!/usr/bin/env node
'use strict';
// Echo sidecar: answers every message with the message itself, unchanged.
// Works with every SIDECAR_* setting (fd 0 or 3, lines, length-prefixed,
// seqpacket) and exits with status 0 when the parent closes the channel.
const { serve } = require('../sidecar-channel');

// decode 'bytes': echo byte for byte, even a `lines` message that is not UTF-8.
serve((message) => message, { decode: 'bytes' }).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
