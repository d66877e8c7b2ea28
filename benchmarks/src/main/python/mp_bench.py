"""Python's built-in answer: multiprocessing.Pipe to a multiprocessing.Process that echoes.

Both sides live in this script. Messages go as raw bytes (send_bytes/recv_bytes), the cheapest
Connection path, with no pickling. The default start method of the platform is used ('fork' on Linux
up to Python 3.13) and printed to stderr. Prints one JSON line per workload, in the format all benchmark
runners share (see cbench.c).
"""

import json
import multiprocessing
import sys
import threading
import time

STUCK_SECONDS = 60


def echo(conn, parent_end):
    # A forked child inherits the parent's end too; holding it would hide the parent's close.
    parent_end.close()
    try:
        while True:
            conn.send_bytes(conn.recv_bytes())
    except (EOFError, OSError):
        # The parent closed its end (or died): exit, never linger.
        pass


def parse_options(argv):
    options = {
        "workloads": ["tput64", "tput4k", "rtt", "bulk", "spawn"],
        "warmups": 2, "runs": 5, "run_ms": 500, "spawn_warmups": 3, "spawn_runs": 10,
    }
    names = {"--warmups": "warmups", "--runs": "runs", "--run-ms": "run_ms",
             "--spawn-warmups": "spawn_warmups", "--spawn-runs": "spawn_runs"}
    for i in range(0, len(argv) - 1, 2):
        key, value = argv[i], argv[i + 1]
        if key == "--workloads":
            options["workloads"] = value.split(",")
        elif key in names:
            options[names[key]] = int(value)
        else:
            raise SystemExit(f"unknown option {key}")
    return options


class Session:
    """One echo child; replies are read on their own thread (one loop for both directions deadlocks
    once both socket buffers fill, as 1 MiB messages do at once)."""

    def __init__(self):
        self.conn, child_conn = multiprocessing.Pipe(duplex=True)
        self.process = multiprocessing.Process(target=echo, args=(child_conn, self.conn), daemon=True)
        self.process.start()
        child_conn.close()
        self.window = None
        self.size = 0
        self.failure = None
        self.reader = None

    def start_reader(self, window):
        self.window = threading.Semaphore(window)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            message = self.conn.recv_bytes()
            if not message:
                return  # our own end marker came back
            if len(message) != self.size and self.failure is None:
                self.failure = f"echo of {len(message)} bytes for {self.size}"
            self.window.release()

    def acquire(self):
        if not self.window.acquire(timeout=STUCK_SECONDS):
            raise RuntimeError(f"no reply for {STUCK_SECONDS} s")
        if self.failure:
            raise RuntimeError(self.failure)

    def close(self):
        if self.reader is not None:
            self.conn.send_bytes(b"")  # echoed back: tells our reader thread to finish
            self.reader.join(STUCK_SECONDS)
        self.conn.close()
        self.process.join(STUCK_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def pipelined_run(session, payload, window, run_ms):
    session.size = len(payload)
    start = time.perf_counter_ns()
    deadline = start + run_ms * 1_000_000
    sent = 0
    while time.perf_counter_ns() < deadline:
        session.acquire()
        session.conn.send_bytes(payload)
        sent += 1
    for _ in range(window):
        session.acquire()
    end = time.perf_counter_ns()
    for _ in range(window):
        session.window.release()
    return sent / ((end - start) / 1e9)


def pipelined(options, size, window, bulk):
    payload = b"x" * size
    session = Session()
    values = []
    try:
        session.start_reader(window)
        for run in range(options["warmups"] + options["runs"]):
            rate = pipelined_run(session, payload, window, options["run_ms"])
            if run >= options["warmups"]:
                values.append(rate * size / 1e6 if bulk else rate)
    finally:
        session.close()
    return {"mbps": values} if bulk else {"rate": values}


def percentile(sorted_samples, p):
    """Nearest-rank percentile in microseconds, the same rule as the C and Java runners."""
    return sorted_samples[round(p * (len(sorted_samples) - 1))] / 1000


def rtt(options):
    payload = b"x" * 64
    session = Session()
    result = {"p50": [], "p99": [], "p999": []}
    try:
        for run in range(options["warmups"] + options["runs"]):
            samples = []
            deadline = time.perf_counter_ns() + options["run_ms"] * 1_000_000
            while True:
                start = time.perf_counter_ns()
                if start >= deadline:
                    break
                session.conn.send_bytes(payload)
                reply = session.conn.recv_bytes()
                samples.append(time.perf_counter_ns() - start)
                if len(reply) != len(payload):
                    raise RuntimeError(f"echo of {len(reply)} bytes for {len(payload)}")
            if run >= options["warmups"]:
                samples.sort()
                result["p50"].append(percentile(samples, 0.5))
                result["p99"].append(percentile(samples, 0.99))
                result["p999"].append(percentile(samples, 0.999))
    finally:
        session.close()
    return result


def spawn(options):
    payload = b"x" * 64
    values = []
    for run in range(options["spawn_warmups"] + options["spawn_runs"]):
        start = time.perf_counter_ns()
        session = Session()
        try:
            session.conn.send_bytes(payload)
            session.conn.recv_bytes()
            end = time.perf_counter_ns()
        finally:
            session.close()
        if run >= options["spawn_warmups"]:
            values.append((end - start) / 1e6)
    return {"ms": values}


def main():
    options = parse_options(sys.argv[1:])
    print(f"multiprocessing start method: {multiprocessing.get_start_method()}", file=sys.stderr)
    workloads = {
        "tput64": lambda: pipelined(options, 64, 64, False),
        "tput4k": lambda: pipelined(options, 4096, 64, False),
        "rtt": lambda: rtt(options),
        "bulk": lambda: pipelined(options, 1024 * 1024, 4, True),
        "spawn": lambda: spawn(options),
    }
    for workload in options["workloads"]:
        try:
            metrics = workloads[workload]()
            parts = ",".join(f'"{key}":[{",".join(f"{v:.3f}" for v in values)}]'
                             for key, values in metrics.items())
            print(f'{{"workload":"{workload}",{parts}}}', flush=True)
        except Exception as error:  # report and go on with the next workload
            print(f"workload {workload} failed: {error!r}", file=sys.stderr)
            print(json.dumps({"workload": workload, "error": repr(error)}), flush=True)


if __name__ == "__main__":
    main()
