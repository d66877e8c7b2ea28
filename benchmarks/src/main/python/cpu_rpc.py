# A CPU-bound json-rpc worker for the pool benchmark: every `work` call runs the same fixed amount of
# hashing (HASH_ROUNDS rounds of PBKDF2-SHA256, about 20 ms on the reference machine).
import hashlib
import os

import sidecar_channel

ROUNDS = int(os.environ.get("HASH_ROUNDS", "30000"))
rpc = sidecar_channel.JsonRpc()


@rpc.method("work")
def work(params):
    return hashlib.pbkdf2_hmac("sha256", str(params["n"]).encode(), b"salt", ROUNDS).hex()


rpc.serve()
