/* cmd_serve.c: `eccn serve` (src/serve): parses its options and runs the service. */
#include "cli.h"
#include "serve.h"

#include <stdlib.h>
#include <string.h>

static void log_line(const char *msg, void *ctx)
{
    (void)ctx;
    cli_errorf("serve: %s", msg);
}

static void ready(const char *addr, unsigned port, void *ctx)
{
    (void)ctx;
    printf("listening on http://%s:%u\n", addr, port);
    fflush(stdout);
}

/* A whole number in [1, max] for option name. */
static int count(const char *name, const char *text, unsigned long long max,
                 unsigned long long *out)
{
    char *end = NULL;
    unsigned long long v = text && *text != '-' ? strtoull(text, &end, 10) : 0;
    if (!end || *end || end == text || v < 1 || v > max) {
        cli_errorf("serve: %s: expected a whole number from 1 to %llu, got '%s'", name, max,
                   text ? text : "");
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int parse(int argc, char **argv, eccn_serve_config *cfg, const char **add)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        unsigned long long n = 0;
        int rc = 0;
        if (cli_opt(argc, argv, &i, "--listen", &v))
            cfg->listen = v;
        else if (cli_opt(argc, argv, &i, "--tokens", &v))
            cfg->tokens_path = v;
        else if (cli_opt(argc, argv, &i, "--add-token", &v))
            *add = v;
        else if (cli_opt(argc, argv, &i, "--max-body", &v))
            rc = count("--max-body", v, 64 << 20, &n), cfg->max_body = n;
        else if (cli_opt(argc, argv, &i, "--max-header", &v))
            rc = count("--max-header", v, 1 << 20, &n), cfg->max_header = n;
        else if (cli_opt(argc, argv, &i, "--max-connections", &v))
            rc = count("--max-connections", v, 65536, &n), cfg->max_connections = (unsigned)n;
        else if (cli_opt(argc, argv, &i, "--timeout", &v))
            rc = count("--timeout", v, 86400, &n), cfg->timeout_s = (unsigned)n;
        else {
            cli_errorf("serve: unknown argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
        if (!v || rc)
            return EXIT_USAGE;
    }
    if (!cfg->tokens_path) {
        cli_errorf("serve: --tokens FILE is required (make one with --add-token NAME --tokens "
                   "FILE)");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_serve(cli_env *env, int argc, char **argv)
{
    eccn_serve_config cfg = {.listen = "127.0.0.1:8080",
                             .max_body = ECCN_SERVE_MAX_BODY,
                             .max_header = ECCN_SERVE_MAX_HEADER,
                             .max_connections = ECCN_SERVE_MAX_CONNECTIONS,
                             .timeout_s = ECCN_SERVE_TIMEOUT_S,
                             .log = log_line,
                             .ready = ready};
    const char *add = NULL;
    eccn_error err = {0};
    int rc = parse(argc, argv, &cfg, &add);
    if (rc)
        return rc;
    if (add) {
        char token[65];
        if (eccn_serve_add_token(cfg.tokens_path, add, token, &err) != ECCN_OK) {
            cli_print_error(&err);
            return EXIT_USAGE;
        }
        printf("%s\n", token);
        cli_errorf("serve: client '%s' added to %s; its token (above) is shown only once", add,
                   cfg.tokens_path);
        return 0;
    }
    if (env->nwhat_if) {
        cli_errorf("serve: --what-if is for one question at a time, not for a service");
        return EXIT_USAGE;
    }
    eccn_ledger *l = NULL;
    if ((rc = cli_find_data(env)) || (rc = cli_open_ledger(env, CLI_LEDGER_CREATE, &l)))
        return rc;
    cfg.rules_dir = env->rules_dir;
    cfg.data_dir = env->data_dir;
    cfg.ledger = l;
    if (eccn_serve_run(&cfg, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    eccn_ledger_close(l);
    return rc;
}
