# A CPU-bound json-rpc worker for the pool benchmark: every `work` call runs the same fixed amount of
# hashing, HASH_ROUNDS rounds of SHA-256 chained over 32-byte digests (about 20 ms on the reference
# machine). Hashing inputs this small keeps the GIL held (hashlib releases it only from 2 KiB up, and
# pbkdf2_hmac always does), so one interpreter uses one core, however many handler threads it has: the
# case pools are for.
import hashlib
import os

import sidecar_channel

ROUNDS = int(os.environ.get("HASH_ROUNDS", "40000"))
rpc = sidecar_channel.JsonRpc()


@rpc.method("work")
def work(params):
    digest = str(params["n"]).encode()
    for _ in range(ROUNDS):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


rpc.serve()
