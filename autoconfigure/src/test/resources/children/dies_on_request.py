# Answers nothing: on the first request it complains on stderr and exits with status 3.
import sys

sys.stdin.buffer.readline()
sys.stderr.write("boom: cannot handle this request\n")
sys.stderr.flush()
sys.exit(3)
