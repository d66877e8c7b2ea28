#!/usr/bin/env python3
"""Echo sidecar: answers every message with the message itself, unchanged.

Works with every SIDECAR_* setting (fd 0 or 3, lines, length-prefixed,
seqpacket) and exits with status 0 when the parent closes the channel.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import sidecar_channel  # noqa: E402  (found through the path set above)

# decode="bytes": echo byte for byte, even a `lines` message that is not UTF-8.
sidecar_channel.serve(lambda message: message, decode="bytes")
