/* spawn_time.c: wall time of a command, from just before posix_spawn to just after waitpid, N
 * times. Usage: eccn-spawn-time N COMMAND [ARG...]. Prints the median, the mean, the 90th
 * percentile and the fastest run in milliseconds. A shell loop around `date` would add two process
 * starts to every sample; this adds none. The command's output goes to /dev/null. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 2 ? atoi(argv[1]) : 0;
    if (n < 1) {
        fprintf(stderr, "usage: eccn-spawn-time N COMMAND [ARG...]\n");
        return 2;
    }
    double *ms = calloc((size_t)n, sizeof *ms);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = ms ? 0 : 1;
    for (int i = 0; rc == 0 && i < n; i++) {
        struct timespec a, b;
        pid_t pid;
        int status;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0 ||
            waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
            fprintf(stderr, "eccn-spawn-time: %s did not run to its end\n", argv[2]);
            rc = 1;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    }
    if (rc == 0) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += ms[i];
        qsort(ms, (size_t)n, sizeof *ms, cmp_double);
        /* The mean as well: a rare slow run (the log folded back every few checks) moves it and
         * not the median. */
        printf("%d runs: median %.2f ms, mean %.2f ms, p90 %.2f ms, fastest %.2f ms\n", n,
               ms[n / 2], sum / n, ms[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], ms[0]);
    }
    posix_spawn_file_actions_destroy(&fa);
    free(ms);
    return rc;
}
