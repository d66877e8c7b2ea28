# Length-prefixed child that answers its first request with a 2 GiB length header and junk.
import os
import sys

sys.stdin.buffer.read(4)
os.write(1, b"\x7f\xff\xff\xff" + b"junk")
sys.stdin.buffer.read()
