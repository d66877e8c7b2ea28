/*
 * Record echo child for SOCK_SEQPACKET: reads one record from fd 0, writes it back on fd 1, one
 * syscall each way, until end of input. The same child serves the starter, raw junixsocket and the C
 * baseline, so only the parent side differs between them. A `cat` would not do: its 128 KiB reads
 * would silently cut larger records and it is written for streams.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Larger than any record the benchmarks send (1 MiB), so nothing is ever truncated. */
#define BUFFER_SIZE (4 * 1024 * 1024 + 1)

int main(void) {
    char *buffer = malloc(BUFFER_SIZE);
    if (buffer == NULL) {
        perror("seqecho: malloc");
        return 1;
    }
    for (;;) {
        ssize_t n = recv(0, buffer, BUFFER_SIZE, 0);
        if (n == 0) {
            return 0; /* the parent half-closed or died: exit, never orphan */
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("seqecho: recv");
            return 1;
        }
        if (send(1, buffer, (size_t) n, 0) != n) {
            perror("seqecho: send");
            return 1;
        }
    }
}
