/*
 * TCP echo server for the Spring Integration comparison. Listens on 127.0.0.1 only, on an ephemeral
 * port that it prints as one line on stdout, and echoes every connection's bytes back on a thread of
 * its own (the gateway's connection pool opens one connection per request in flight). It exits as soon
 * as its stdin reaches end of file, so it dies with the benchmark that started it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static void *echo_connection(void *arg) {
    int fd = (int) (long) arg;
    char *buffer = malloc(CHUNK);
    if (buffer != NULL) {
        for (;;) {
            ssize_t n = read(fd, buffer, CHUNK);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            ssize_t done = 0;
            while (done < n) {
                ssize_t w = write(fd, buffer + done, (size_t) (n - done));
                if (w < 0 && errno == EINTR) {
                    continue;
                }
                if (w <= 0) {
                    goto out;
                }
                done += w;
            }
        }
    }
out:
    free(buffer);
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg) {
    int listener = (int) (long) arg;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            perror("tcpecho: accept");
            exit(1);
        }
        /* Replies go out at once; Nagle would hold small echoes back. */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t thread;
        if (pthread_create(&thread, NULL, echo_connection, (void *) (long) fd) != 0) {
            perror("tcpecho: pthread_create");
            close(fd);
            continue;
        }
        pthread_detach(thread);
    }
    return NULL;
}

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        perror("tcpecho: socket");
        return 1;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *) &address, sizeof address) != 0 || listen(listener, 128) != 0
            || getsockname(listener, (struct sockaddr *) &address, &length) != 0) {
        perror("tcpecho: bind/listen");
        return 1;
    }
    printf("%d\n", ntohs(address.sin_port));
    fflush(stdout);
    pthread_t thread;
    if (pthread_create(&thread, NULL, accept_loop, (void *) (long) listener) != 0) {
        perror("tcpecho: pthread_create");
        return 1;
    }
    char ignored[256];
    while (read(0, ignored, sizeof ignored) > 0) {
        /* Nothing is expected on stdin; it only signals when the parent is gone. */
    }
    return 0;
}
