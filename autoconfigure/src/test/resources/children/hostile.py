# Answers each request line with something a well-behaved child would never send, picked by the line:
#   long      - a line longer than max-message-size
#   badutf8   - a line with invalid UTF-8
#   anything else is echoed
import os
import sys

limit = int(os.environ["SIDECAR_MAX_MESSAGE_SIZE"])
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    word = line.strip()
    if word == b"long":
        out.write(b"x" * (limit + 10) + b"\n")
    elif word == b"badutf8":
        out.write(b"bad \xff\xfe bytes\n")
    else:
        out.write(line)
    out.flush()
