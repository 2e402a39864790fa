/* timer.c: wall time and peak memory of commands, for the benchmark scripts.
 *
 *   eccn-bench-timer once CMD [ARG...]
 *       runs CMD once and prints "WALL_MS RSS_KIB STATUS CPU_MS": wall time from just before
 *       posix_spawn to just after wait4, the child's peak resident set in KiB (wait4's rusage,
 *       the figure GNU time prints as %M), its exit status, and its CPU time (user and system,
 *       every thread), which a busy host inflates less than the wall time.
 *   eccn-bench-timer pairs N CMD_A [ARG...] ::: CMD_B [ARG...]
 *       runs A and B N times each, interleaved pair by pair (A then B, then B then A, so that
 *       neither always runs second), and prints
 *       "A_MEDIAN_MS B_MEDIAN_MS RATIO PAIR_RATIO_MEDIAN A_P90_MS B_P90_MS A_FAILED B_FAILED",
 *       RATIO being A's median over B's and PAIR_RATIO_MEDIAN the median of each pair's ratio.
 *
 * A shell loop around `date` would add process starts to every sample; this adds none. The
 * commands' standard output goes to /dev/null; their standard error is kept. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static posix_spawn_file_actions_t quiet;

/* Runs argv to its end: wall ms, peak RSS in KiB, CPU ms (user and system, every thread) and exit
 * status (-1: killed). */
static double run(char **argv, long *rss_kib, double *cpu_ms, int *status)
{
    struct timespec a, b;
    struct rusage ru;
    pid_t pid;
    int st = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (posix_spawnp(&pid, argv[0], &quiet, NULL, argv, environ) != 0) {
        fprintf(stderr, "eccn-bench-timer: cannot run %s\n", argv[0]);
        exit(2);
    }
    if (wait4(pid, &st, 0, &ru) != pid) {
        perror("eccn-bench-timer: wait4");
        exit(2);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    *rss_kib = ru.ru_maxrss;
    *cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
              (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double p90(double *sorted, int n)
{
    int i = (n * 9) / 10;
    return sorted[i < n ? i : n - 1];
}

static int usage(void)
{
    fprintf(stderr, "usage: eccn-bench-timer once CMD [ARG...]\n"
                    "       eccn-bench-timer pairs N CMD_A [ARG...] ::: CMD_B [ARG...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    long rss;
    double cpu;
    int st;
    if (argc > 2 && strcmp(argv[1], "once") == 0) {
        double ms = run(argv + 2, &rss, &cpu, &st);
        printf("%.1f %ld %d %.1f\n", ms, rss, st, cpu);
        return 0;
    }
    if (argc < 6 || strcmp(argv[1], "pairs") != 0)
        return usage();
    int n = atoi(argv[2]), sep = 0;
    for (int i = 3; i < argc; i++)
        if (strcmp(argv[i], ":::") == 0)
            sep = i;
    if (n < 1 || sep <= 3 || sep + 1 >= argc)
        return usage();
    argv[sep] = NULL;
    char **cmd[2] = {argv + 3, argv + sep + 1};
    double *t[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
    double *r = calloc((size_t)n, sizeof(double));
    int failed[2] = {0, 0};
    if (!t[0] || !t[1] || !r)
        return 2;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            int which = (i % 2) ? 1 - k : k;
            t[which][i] = run(cmd[which], &rss, &cpu, &st);
            failed[which] += st < 0;
        }
        r[i] = t[0][i] / t[1][i];
    }
    double ma = median(t[0], n), mb = median(t[1], n);
    printf("%.3f %.3f %.3f %.3f %.3f %.3f %d %d\n", ma, mb, ma / mb, median(r, n), p90(t[0], n),
           p90(t[1], n), failed[0], failed[1]);
    return 0;
}
