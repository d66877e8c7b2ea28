#!/usr/bin/env python3
"""JSON-RPC sidecar (SIDECAR_PROTOCOL=json-rpc) used by the tests of both sides.

Methods: echo (returns params), upper ({"text"} -> upper-cased text),
sleep ({"ms", "token"} -> token after ms milliseconds), fail ({"code",
"message", "data"} -> that error), boom (a plain exception, so -32603),
callback ({"method", "params"} -> the result of calling the application's
method), notify ({"method", "params"} -> sends that notification, returns null).
"""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import sidecar_channel  # noqa: E402  (found through the path set above)
from sidecar_channel import JsonRpcError  # noqa: E402

rpc = sidecar_channel.JsonRpc()


@rpc.method("echo")
async def echo(params):
    return params


@rpc.method("upper")
def upper(params):  # a plain function: runs in the thread pool
    return params["text"].upper()


@rpc.method("sleep")
async def sleep(params):
    await asyncio.sleep(params["ms"] / 1000)
    return params.get("token")


@rpc.method("fail")
async def fail(params):
    raise JsonRpcError(params["code"], params["message"], params.get("data"))


@rpc.method("boom")
async def boom(params):
    raise RuntimeError((params or {}).get("message", "boom"))


@rpc.method("callback")
async def callback(params):
    return await rpc.call(params["method"], params.get("params"))


@rpc.method("notify")
async def notify(params):
    rpc.notify(params["method"], params.get("params"))


rpc.serve()
