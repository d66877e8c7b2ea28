"""Writes one 50 MB stderr line, then a short one, then waits for end of input."""
import os

os.write(2, b"x" * 50_000_000 + b"\nafter\n")
os.read(0, 1)
