/* serve_exec.c: `eccn serve` in the eccn binary. The service lives in its own executable,
 * eccn-serve (cmd_serve.c with src/serve), so that libmicrohttpd and the GnuTLS it brings are
 * loaded by the service alone: linked into eccn they doubled the dynamic loader's work in every
 * `check` (8.9 against 4.5 million instructions, callgrind). This hands the whole command line
 * to eccn-serve, found beside the running eccn. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int cmd_serve(cli_env *env, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char self[PATH_MAX], path[PATH_MAX + 16];
    if (!env->argv0) {
        cli_errorf("serve: too many arguments to hand on to eccn-serve");
        return EXIT_USAGE;
    }
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        cli_errorf("serve: cannot find the running eccn (/proc/self/exe): %s", strerror(errno));
        return EXIT_USAGE;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    snprintf(path, sizeof path, "%.*s/eccn-serve", slash ? (int)(slash - self) : 0, self);
    env->argv0[0] = path;
    fflush(stdout);
    execv(path, env->argv0);
    cli_errorf("serve: cannot run %s (installed beside eccn): %s", path, strerror(errno));
    return EXIT_USAGE;
}
