"""Record echo child for SOCK_SEQPACKET, used only when no C compiler is available (the C seqecho is
preferred so the child is not the bottleneck). Reads one whole record from fd 0 and writes it back on
fd 1 until end of input."""

import socket

# Larger than any record the benchmarks send (1 MiB), so nothing is ever truncated.
BUFFER_SIZE = 4 * 1024 * 1024 + 1


def main():
    inbound = socket.socket(fileno=0)
    outbound = socket.socket(fileno=1)
    while True:
        record = inbound.recv(BUFFER_SIZE)
        if not record:
            return  # the parent half-closed or died: exit, never orphan
        outbound.send(record)


if __name__ == "__main__":
    main()
