"""JSON-RPC child: 'work' sleeps a random 0-50 ms, then answers its token and the order it finished in."""
import asyncio
import itertools
import random

import sidecar_channel

rpc = sidecar_channel.JsonRpc(max_concurrency=256)
finished = itertools.count()


@rpc.method("work")
async def work(params):
    await asyncio.sleep(random.random() * 0.05)
    return {"token": params["token"], "finished": next(finished)}


rpc.serve()
