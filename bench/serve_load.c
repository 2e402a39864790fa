/* serve_load.c: the load client of bench/serve.sh (bench/README.md).
 *
 *   eccn-bench-serve http HOST PORT TOKEN CLIENTS SECONDS BODY
 *       CLIENTS threads, each on one kept-alive connection, POST BODY to /v1/check one after
 *       another for SECONDS; an answer counts when its status is 200 and it has a ledger id.
 *   eccn-bench-serve exec CLIENTS SECONDS CMD...
 *       CLIENTS threads, each running CMD (posix_spawn, wait) one after another for SECONDS; a
 *       run counts when it exits 0, 1 or 3 (a verdict).
 *
 * Prints one line: "DONE FAILED SECONDS PER_SECOND P50_MS P99_MS". */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct worker {
    pthread_t t;
    double *lat;
    size_t n, cap, failed;
} worker;

static struct {
    const char *host, *token, *body;
    int port;
    char **cmd;
    double until;
    bool http;
} g;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note(worker *w, double t)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 1024;
        w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
        if (!w->lat)
            exit(2);
    }
    w->lat[w->n++] = t;
}

static int dial(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g.port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || inet_pton(AF_INET, g.host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One request and its whole answer on fd: true for a 200 with a ledger id. */
static bool exchange(int fd, const char *req, size_t reqlen, char *buf, size_t cap)
{
    if (write(fd, req, reqlen) != (ssize_t)reqlen)
        return false;
    size_t got = 0;
    long want = -1;
    for (;;) {
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && want < 0) {
            char *cl = strcasestr(buf, "Content-Length:");
            if (!cl || cl > end)
                return false;
            want = (long)(end + 4 - buf) + strtol(cl + 15, NULL, 10);
        }
        if (want >= 0 && (long)got >= want)
            break;
        if (got == cap - 1)
            return false;
    }
    return strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "\"ledger_id\":") != NULL;
}

static void *run_http(void *arg)
{
    worker *w = arg;
    char req[8192];
    char *ans = malloc(1 << 20);
    int n = snprintf(req, sizeof req,
                     "POST /v1/check HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     g.host, g.token, strlen(g.body), g.body);
    int fd = dial();
    while (ans && now_s() < g.until) {
        double t0 = now_s();
        if (fd < 0 || !exchange(fd, req, (size_t)n, ans, 1 << 20)) {
            w->failed++;
            if (fd >= 0)
                close(fd);
            fd = dial();
            continue;
        }
        note(w, now_s() - t0);
    }
    if (fd >= 0)
        close(fd);
    free(ans);
    return NULL;
}

static void *run_exec(void *arg)
{
    worker *w = arg;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    while (now_s() < g.until) {
        double t0 = now_s();
        pid_t pid;
        int st;
        if (posix_spawn(&pid, g.cmd[0], &fa, NULL, g.cmd, environ) != 0 ||
            waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
            !(WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1 || WEXITSTATUS(st) == 3)) {
            w->failed++;
            continue;
        }
        note(w, now_s() - t0);
    }
    posix_spawn_file_actions_destroy(&fa);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int clients;
    double secs;
    if (argc == 8 && strcmp(argv[1], "http") == 0) {
        g.http = true;
        g.host = argv[2];
        g.port = atoi(argv[3]);
        g.token = argv[4];
        clients = atoi(argv[5]);
        secs = atof(argv[6]);
        g.body = argv[7];
    } else if (argc >= 5 && strcmp(argv[1], "exec") == 0) {
        clients = atoi(argv[2]);
        secs = atof(argv[3]);
        g.cmd = argv + 4;
    } else {
        fprintf(stderr, "usage: eccn-bench-serve http HOST PORT TOKEN CLIENTS SECONDS BODY\n"
                        "       eccn-bench-serve exec CLIENTS SECONDS CMD...\n");
        return 2;
    }
    if (clients < 1 || secs <= 0)
        return 2;
    worker *w = calloc((size_t)clients, sizeof *w);
    if (!w)
        return 2;
    double t0 = now_s();
    g.until = t0 + secs;
    for (int i = 0; i < clients; i++)
        if (pthread_create(&w[i].t, NULL, g.http ? run_http : run_exec, &w[i]) != 0)
            return 2;
    size_t n = 0, failed = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(w[i].t, NULL);
        n += w[i].n;
        failed += w[i].failed;
    }
    double elapsed = now_s() - t0;
    double *all = malloc((n ? n : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < clients; i++) {
        if (all)
            memcpy(all + k, w[i].lat, w[i].n * sizeof *all);
        k += w[i].n;
        free(w[i].lat);
    }
    free(w);
    if (!all)
        return 2;
    qsort(all, n, sizeof *all, cmp);
    double p50 = n ? all[n / 2] : 0, p99 = n ? all[(size_t)((double)(n - 1) * 0.99)] : 0;
    printf("%zu %zu %.3f %.1f %.2f %.2f\n", n, failed, elapsed, (double)n / elapsed, p50 * 1e3,
           p99 * 1e3);
    free(all);
    return 0;
}
