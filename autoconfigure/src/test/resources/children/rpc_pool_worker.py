# A json-rpc worker that says which instance of how many it is.
import os

import sidecar_channel

rpc = sidecar_channel.JsonRpc()


@rpc.method("whoami")
def whoami(params):
    return {"instance": sidecar_channel.instance(), "instances": sidecar_channel.instances(), "pid": os.getpid()}


rpc.serve()
