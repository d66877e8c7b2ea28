# The pool benchmark's baseline: the same work as cpu_rpc.py in Python's own multiprocessing.Pool.
# Usage: mp_pool_bench.py PROCESSES CALLS ROUNDS; prints the calls per second.
import hashlib
import multiprocessing
import sys
import time


def work(n, rounds):
    digest = str(n).encode()
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


def main():
    processes, calls, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with multiprocessing.Pool(processes) as pool:
        pool.starmap(work, [(n, rounds) for n in range(processes * 2)])  # warm up
        start = time.perf_counter()
        pool.starmap(work, [(n, rounds) for n in range(calls)], chunksize=1)
        elapsed = time.perf_counter() - start
    print(f"{calls / elapsed:.1f}")


if __name__ == "__main__":
    main()
