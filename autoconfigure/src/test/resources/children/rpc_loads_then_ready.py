# A json-rpc child that loads for READY_DELAY seconds, then sends $/ready; `before` answers whether any
# bytes had reached it before it was ready. With NEVER_READY set it never sends $/ready.
import os
import select
import time

import sidecar_channel

time.sleep(float(os.environ.get("READY_DELAY", "2")))
fd = int(os.environ["SIDECAR_FD"])
pending, _, _ = select.select([fd], [], [], 0)
rpc = sidecar_channel.JsonRpc()


@rpc.method("before")
def before(params):
    return {"bytesBeforeReady": bool(pending)}


@rpc.method("upper")
def upper(params):
    return params["text"].upper()


rpc.serve(ready=not os.environ.get("NEVER_READY"))
