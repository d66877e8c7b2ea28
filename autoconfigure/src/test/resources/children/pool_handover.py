# Raw pool worker for the hand-over test; every message is "<id>:<filler>". Instance 0 says READY only
# once the file GO_FILE exists, then answers each request (an id starting with "r") with "0:<id>" and
# appends the id of every other message to RECORD_FILE, one a line, so that it never sends a message
# that is not a reply. Every other instance says READY at once and then reads nothing: a stuck worker
# whose socket and outbound queue fill up.
import os
import time

import sidecar_channel

me = sidecar_channel.instance()
channel = sidecar_channel.open()
if me != 0:
    channel.ready()
    while True:
        time.sleep(60)
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.02)
channel.ready()
with open(os.environ["RECORD_FILE"], "a") as record:
    for message in channel:
        ident = message.split(":", 1)[0]
        if ident.startswith("r"):
            channel.send(f"{me}:{ident}")
        else:
            record.write(ident + "\n")
            record.flush()
