# Answers every request with "<instance>:<request>"; the instance named in SLOW_INSTANCE takes 20 ms per
# request (a slow worker).
import os
import time

import sidecar_channel

me = sidecar_channel.instance()
slow = os.environ.get("SLOW_INSTANCE")
delay = 0.02 if slow is not None and int(slow) == me else 0


def handle(request):
    if delay:
        time.sleep(delay)
    return f"{me}:{request}"


sidecar_channel.serve(handle)
