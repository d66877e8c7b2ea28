# Writes two lines to stderr, then echoes lines until end of input, then exits 0.
import sys

sys.stderr.write("hello from the child\n")
sys.stderr.write("second line\n")
sys.stderr.flush()
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(line)
    sys.stdout.buffer.flush()
sys.exit(0)
