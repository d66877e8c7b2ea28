# First run (marker file absent): creates the marker, then behaves as CRASH_ONCE_MODE says:
#   "exit"  - exits with status 1 at once
#   "block" - never reads its input, so everything sent to it piles up (until it is killed)
# Every later run echoes lines until end of input.
import os
import sys
import time

marker = os.environ["CRASH_ONCE_MARKER"]
if not os.path.exists(marker):
    open(marker, "w").close()
    if os.environ.get("CRASH_ONCE_MODE", "exit") == "exit":
        sys.exit(1)
    while True:
        time.sleep(3600)
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(line)
    sys.stdout.buffer.flush()
