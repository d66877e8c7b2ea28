/*
 * The C baseline: an AF_UNIX socketpair(2) to a child process, one message per syscall in each
 * direction. For the stream transport every message is a 4-byte big-endian length plus payload, written
 * with one write(2) and read back with one recv(2) (MSG_WAITALL, since the benchmark knows the frame
 * size); the child is `cat`, exactly as for the starter's stream framings. For seqpacket the child is
 * the seqecho record echo and every message is one send(2)/recv(2).
 *
 * With --batched (stream only) the pipelined workloads instead write every free slot of the window in
 * one write(2) and read 64 KiB per read(2), parsing the frames out of the chunk: the practical limit of
 * a socketpair echo through `cat`, since every socket write costs a kernel buffer allocation.
 *
 * The child gets its end as stdin and stdout through posix_spawn file actions, the cheapest way to
 * start a process here, so "spawn -> first reply" is the floor for a child's own start.
 *
 * Prints one JSON object per workload on stdout, in the format every benchmark runner shares:
 *   {"workload":"tput64","rate":[...]}       messages per second, one value per measured run
 *   {"workload":"bulk","mbps":[...]}         payload megabytes (10^6 bytes) echoed per second
 *   {"workload":"rtt","p50":[...],"p99":[...],"p999":[...]}   microseconds
 *   {"workload":"spawn","ms":[...]}          milliseconds from spawn to the first echoed reply
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Matches the starter's seqpacket sizing: the largest message plus 64 KiB of kernel bookkeeping. */
#define MAX_MESSAGE (1024 * 1024)
#define SEQPACKET_SNDBUF (MAX_MESSAGE + 64 * 1024)

typedef struct {
    int seqpacket;
    char *child;
    char *workloads;
    int warmups;
    int runs;
    long run_ms;
    int spawn_warmups;
    int spawn_runs;
    int batched;
} options;

typedef struct {
    int fd;
    pid_t pid;
    int seqpacket;
    size_t size;        /* payload bytes per message */
    size_t frame;       /* bytes on the wire per message */
    unsigned char *out; /* one outgoing frame */
    unsigned char *in;  /* one incoming frame */
    sem_t window;
    pthread_t reader;
    int reader_started;
    int batched;
    int window_size;
    unsigned char *batch; /* window_size frames back to back, written in one go */
} session;

#define READ_CHUNK (64 * 1024)

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "cbench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int session_open(session *s, const options *o, size_t size) {
    memset(s, 0, sizeof *s);
    s->seqpacket = o->seqpacket;
    s->size = size;
    s->frame = s->seqpacket ? size : size + 4;
    s->out = malloc(s->frame);
    s->in = malloc(s->frame + 1);
    if (s->out == NULL || s->in == NULL) {
        die("malloc");
    }
    int sv[2];
    int type = (s->seqpacket ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC;
    if (socketpair(AF_UNIX, type, 0, sv) != 0) {
        die("socketpair");
    }
    if (s->seqpacket) {
        int sndbuf = SEQPACKET_SNDBUF;
        setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    char *argv[] = {o->child, NULL};
    int rc = posix_spawn(&s->pid, o->child, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        die("posix_spawn");
    }
    close(sv[1]);
    s->fd = sv[0];
    return 0;
}

static void write_message(session *s, const unsigned char *payload) {
    unsigned char *p = s->out;
    if (!s->seqpacket) {
        uint32_t length = htonl((uint32_t) s->size);
        memcpy(p, &length, 4);
        p += 4;
    }
    memcpy(p, payload, s->size);
    size_t done = 0;
    while (done < s->frame) {
        ssize_t n = write(s->fd, s->out + done, s->frame - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            die("write");
        }
        done += (size_t) n;
    }
}

/* One recv(2) per message; returns 0 at end of input. */
static int read_message(session *s) {
    ssize_t n;
    do {
        n = recv(s->fd, s->in, s->seqpacket ? s->frame + 1 : s->frame, s->seqpacket ? 0 : MSG_WAITALL);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        return 0;
    }
    if (n != (ssize_t) s->frame) {
        fprintf(stderr, "cbench: read %zd bytes, expected a %zu-byte frame\n", n, s->frame);
        exit(1);
    }
    if (!s->seqpacket) {
        uint32_t length;
        memcpy(&length, s->in, 4);
        if (ntohl(length) != s->size) {
            fprintf(stderr, "cbench: frame header says %u, expected %zu\n", ntohl(length), s->size);
            exit(1);
        }
    }
    return 1;
}

/* Batched reads: 64 KiB per read(2); every complete frame's header is checked and releases one slot. */
static void batched_reader_loop(session *s) {
    size_t capacity = READ_CHUNK + s->frame;
    unsigned char *buffer = malloc(capacity);
    if (buffer == NULL) {
        die("malloc");
    }
    size_t filled = 0;
    for (;;) {
        ssize_t n = read(s->fd, buffer + filled, capacity - filled);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        filled += (size_t) n;
        size_t at = 0;
        while (filled - at >= s->frame) {
            uint32_t length;
            memcpy(&length, buffer + at, 4);
            if (ntohl(length) != s->size) {
                fprintf(stderr, "cbench: frame header says %u, expected %zu\n", ntohl(length), s->size);
                exit(1);
            }
            at += s->frame;
            sem_post(&s->window);
        }
        memmove(buffer, buffer + at, filled - at);
        filled -= at;
    }
    free(buffer);
}

/* Replies are read on their own thread: writing a window before reading on one thread deadlocks. */
static void *reader_loop(void *arg) {
    session *s = arg;
    if (s->batched) {
        batched_reader_loop(s);
        return NULL;
    }
    while (read_message(s)) {
        sem_post(&s->window);
    }
    return NULL;
}

static void session_start_reader(session *s, int window, int batched) {
    s->batched = batched && !s->seqpacket;
    s->window_size = window;
    if (s->batched) {
        s->batch = malloc(s->frame * (size_t) window);
        if (s->batch == NULL) {
            die("malloc");
        }
        uint32_t length = htonl((uint32_t) s->size);
        for (int i = 0; i < window; i++) {
            memcpy(s->batch + s->frame * (size_t) i, &length, 4);
            memset(s->batch + s->frame * (size_t) i + 4, 'x', s->size);
        }
    }
    sem_init(&s->window, 0, (unsigned) window);
    if (pthread_create(&s->reader, NULL, reader_loop, s) != 0) {
        die("pthread_create");
    }
    s->reader_started = 1;
}

/* End input, let the child exit on EOF, reap it: nothing is left running. */
static void session_close(session *s) {
    shutdown(s->fd, SHUT_WR);
    if (s->reader_started) {
        pthread_join(s->reader, NULL);
        sem_destroy(&s->window);
    }
    else {
        while (recv(s->fd, s->in, s->frame + 1, 0) > 0) {
        }
    }
    int status;
    waitpid(s->pid, &status, 0);
    close(s->fd);
    free(s->out);
    free(s->in);
    free(s->batch);
}

static void write_all(int fd, const unsigned char *bytes, size_t count) {
    size_t done = 0;
    while (done < count) {
        ssize_t n = write(fd, bytes + done, count - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            die("write");
        }
        done += (size_t) n;
    }
}

/* Waits for one free slot, takes every other free one, and writes that many frames in one write(2). */
static long write_batch(session *s) {
    while (sem_wait(&s->window) != 0) {
    }
    long slots = 1;
    while (slots < s->window_size && sem_trywait(&s->window) == 0) {
        slots++;
    }
    write_all(s->fd, s->batch, s->frame * (size_t) slots);
    return slots;
}

/* Messages per second with `window` messages in flight, over one run of run_ms. */
static double pipelined_run(session *s, const unsigned char *payload, int window, long run_ms) {
    long long start = now_ns();
    long long deadline = start + run_ms * 1000000LL;
    long sent = 0;
    while (now_ns() < deadline) {
        if (s->batched) {
            sent += write_batch(s);
            continue;
        }
        while (sem_wait(&s->window) != 0) {
        }
        write_message(s, payload);
        sent++;
    }
    for (int i = 0; i < window; i++) {
        while (sem_wait(&s->window) != 0) {
        }
    }
    long long end = now_ns();
    for (int i = 0; i < window; i++) {
        sem_post(&s->window);
    }
    return sent / ((end - start) / 1e9);
}

static int compare_longs(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

static double percentile(const long long *sorted, long count, double p) {
    long index = (long) (p * (count - 1) + 0.5);
    return sorted[index] / 1000.0;
}

static int wants(const options *o, const char *workload) {
    char copy[256];
    snprintf(copy, sizeof copy, "%s", o->workloads);
    for (char *token = strtok(copy, ","); token != NULL; token = strtok(NULL, ",")) {
        if (strcmp(token, workload) == 0) {
            return 1;
        }
    }
    return 0;
}

static void print_values(const char *workload, const char *key, const double *values, int count) {
    printf("{\"workload\":\"%s\",\"%s\":[", workload, key);
    for (int i = 0; i < count; i++) {
        printf("%s%.3f", i ? "," : "", values[i]);
    }
    printf("]}\n");
    fflush(stdout);
}

static void pipelined(const options *o, const char *workload, size_t size, int window, int bulk) {
    unsigned char *payload = malloc(size);
    memset(payload, 'x', size);
    session s;
    session_open(&s, o, size);
    session_start_reader(&s, window, o->batched);
    double values[64];
    for (int i = 0; i < o->warmups + o->runs; i++) {
        double rate = pipelined_run(&s, payload, window, o->run_ms);
        if (i >= o->warmups) {
            values[i - o->warmups] = bulk ? rate * size / 1e6 : rate;
        }
    }
    session_close(&s);
    free(payload);
    print_values(workload, bulk ? "mbps" : "rate", values, o->runs);
}

/* Ping-pong on one thread: write, then block in recv for the echo. Nothing is cheaper. */
static void rtt(const options *o) {
    size_t size = 64;
    unsigned char payload[64];
    memset(payload, 'x', sizeof payload);
    session s;
    session_open(&s, o, size);
    long capacity = o->run_ms * 1000L / 5 + 16; /* no round trip is faster than 5 us here */
    long long *samples = malloc(sizeof(long long) * (size_t) capacity);
    double p50[64], p99[64], p999[64];
    for (int run = 0; run < o->warmups + o->runs; run++) {
        long count = 0;
        long long deadline = now_ns() + o->run_ms * 1000000LL;
        long long t;
        while ((t = now_ns()) < deadline && count < capacity) {
            write_message(&s, payload);
            read_message(&s);
            samples[count++] = now_ns() - t;
        }
        if (run >= o->warmups) {
            qsort(samples, (size_t) count, sizeof(long long), compare_longs);
            p50[run - o->warmups] = percentile(samples, count, 0.50);
            p99[run - o->warmups] = percentile(samples, count, 0.99);
            p999[run - o->warmups] = percentile(samples, count, 0.999);
        }
    }
    session_close(&s);
    free(samples);
    printf("{\"workload\":\"rtt\",");
    const char *keys[] = {"p50", "p99", "p999"};
    double *arrays[] = {p50, p99, p999};
    for (int k = 0; k < 3; k++) {
        printf("\"%s\":[", keys[k]);
        for (int i = 0; i < o->runs; i++) {
            printf("%s%.3f", i ? "," : "", arrays[k][i]);
        }
        printf("]%s", k < 2 ? "," : "}\n");
    }
    fflush(stdout);
}

static void spawn(const options *o) {
    unsigned char payload[64];
    memset(payload, 'x', sizeof payload);
    double values[64];
    for (int i = 0; i < o->spawn_warmups + o->spawn_runs; i++) {
        session s;
        long long start = now_ns();
        session_open(&s, o, sizeof payload);
        write_message(&s, payload);
        read_message(&s);
        long long end = now_ns();
        session_close(&s);
        if (i >= o->spawn_warmups) {
            values[i - o->spawn_warmups] = (end - start) / 1e6;
        }
    }
    print_values("spawn", "ms", values, o->spawn_runs);
}

int main(int argc, char **argv) {
    options o = {0, "/bin/cat", "tput64,tput4k,rtt,bulk,spawn", 2, 5, 500, 3, 10};
    for (int i = 1; i + 1 < argc || (i < argc && strcmp(argv[i], "--batched") == 0); i += 2) {
        if (strcmp(argv[i], "--transport") == 0) {
            o.seqpacket = strcmp(argv[i + 1], "seqpacket") == 0;
        }
        else if (strcmp(argv[i], "--batched") == 0) {
            /* A flag without a value: step back one so the loop's += 2 lands on the next option. */
            o.batched = 1;
            i--;
            continue;
        }
        else if (strcmp(argv[i], "--child") == 0) {
            o.child = argv[i + 1];
        }
        else if (strcmp(argv[i], "--workloads") == 0) {
            o.workloads = argv[i + 1];
        }
        else if (strcmp(argv[i], "--warmups") == 0) {
            o.warmups = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--runs") == 0) {
            o.runs = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--run-ms") == 0) {
            o.run_ms = atol(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--spawn-warmups") == 0) {
            o.spawn_warmups = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--spawn-runs") == 0) {
            o.spawn_runs = atoi(argv[i + 1]);
        }
        else {
            fprintf(stderr, "cbench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (o.runs < 1 || o.runs > 64 || o.spawn_runs < 1 || o.spawn_runs > 64) {
        fprintf(stderr, "cbench: runs must be between 1 and 64\n");
        return 2;
    }
    /* A child that died mid-run must fail the write, not kill the benchmark silently. */
    signal(SIGPIPE, SIG_IGN);
    if (wants(&o, "tput64")) {
        pipelined(&o, "tput64", 64, 64, 0);
    }
    if (wants(&o, "tput4k")) {
        pipelined(&o, "tput4k", 4096, 64, 0);
    }
    if (wants(&o, "rtt")) {
        rtt(&o);
    }
    if (wants(&o, "bulk")) {
        pipelined(&o, "bulk", MAX_MESSAGE, 4, 1);
    }
    if (wants(&o, "spawn")) {
        spawn(&o);
    }
    return 0;
}
