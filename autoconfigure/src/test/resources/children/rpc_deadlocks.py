# A json-rpc child whose `deadlock` method blocks its event loop for good (a lock it already holds), so it
# stays alive but answers nothing, $/ping included; `pid` answers its process id.
import os
import threading

import sidecar_channel

rpc = sidecar_channel.JsonRpc()
lock = threading.Lock()
lock.acquire()


@rpc.method("pid")
async def pid(params):
    return os.getpid()


@rpc.method("deadlock")
async def deadlock(params):
    lock.acquire()
    return "unreachable"


rpc.serve()
