# Loads a "model" for READY_DELAY seconds, tells the parent whether any bytes reached it meanwhile,
# signals readiness and then echoes every message.
import os
import select
import time

import sidecar_channel

time.sleep(float(os.environ.get("READY_DELAY", "2")))
fd = int(os.environ["SIDECAR_FD"])
pending, _, _ = select.select([fd], [], [], 0)
with sidecar_channel.open() as channel:
    channel.send("bytes-before-ready:" + ("yes" if pending else "no"))
    channel.ready()
    for message in channel:
        channel.send(message)
