# JSON-RPC pool worker for the hand-over test. Instance 0 sends $/ready only once the file GO_FILE
# exists, then answers `echo` with {"instance": 0, "id": params.id}. Every other instance sends $/ready
# at once and then reads nothing: a stuck worker whose socket and outbound queue fill up.
import os
import time

import sidecar_channel

me = sidecar_channel.instance()
rpc = sidecar_channel.JsonRpc()


@rpc.method("echo")
def echo(params):
    return {"instance": me, "id": params["id"]}


if me != 0:
    rpc.ready()
    while True:
        time.sleep(60)
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.02)
rpc.serve()
