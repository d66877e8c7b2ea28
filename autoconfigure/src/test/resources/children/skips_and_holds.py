# Echoes lines, except:
#   "skip" - never answered (a handler that swallowed an exception)
#   "hold" - answered late: only when the next line arrives, just before that line's own answer
import sys

held = []
for line in sys.stdin:
    text = line.rstrip("\n")
    if text == "skip":
        continue
    if text == "hold":
        held.append(text)
        continue
    for late in held:
        print(late, flush=True)
    held.clear()
    print(text, flush=True)
