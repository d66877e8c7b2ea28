# Ignores end of input and SIGTERM, and starts a grandchild that ignores SIGTERM too.
# Announces the grandchild's pid as its first line so the test can check it is gone after stop.
import os
import signal
import subprocess
import sys
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen(["sleep", "1000"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
os.write(1, f"{grandchild.pid}\n".encode())
while True:
    time.sleep(3600)
