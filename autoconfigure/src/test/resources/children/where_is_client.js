'use strict';
// Answers every message with the file require('sidecar-channel') resolved to, found with no copy and
// no relative path: the parent's NODE_PATH must provide it.
const { serve } = require('sidecar-channel');

serve(() => require.resolve('sidecar-channel')).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
