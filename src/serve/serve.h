/*
 * serve.h: `eccn serve`, the HTTP/JSON service (docs/serve.md). It answers classify, check and
 * screen questions as the CLI's --json does, records every check in the ledger as `eccn check`
 * does (the client's name, from its bearer token, as the user), and reports what it did on
 * /metrics.
 *
 * Rules, data, screening lists and tokens are loaded once, as one revision; SIGHUP loads a new
 * revision and swaps it in only when it loaded whole (a request keeps the revision it started
 * with). Checks that arrive together are recorded together: one writer thread commits the
 * verdicts gathered while the previous commit was syncing, in one transaction and one fsync,
 * and answers each only once its verdict is on disk.
 *
 * Nothing here prints: messages go to the log function of the configuration.
 */
#ifndef ECCN_SERVE_H
#define ECCN_SERVE_H

#include "ledger.h"
#include "util.h"

/* Defaults of the limits (docs/serve.md). */
enum {
    ECCN_SERVE_MAX_BODY = 64 * 1024,   /* bytes of a request body */
    ECCN_SERVE_MAX_HEADER = 16 * 1024, /* bytes of a request's line and headers */
    ECCN_SERVE_MAX_CONNECTIONS = 256,  /* open connections at once */
    ECCN_SERVE_TIMEOUT_S = 30,         /* seconds a connection may stay idle */
};

typedef struct eccn_serve_config {
    const char *listen; /* "ADDR:PORT" (an IPv4 address); NULL: 127.0.0.1:8080; port 0: any */
    const char *tokens_path;
    const char *rules_dir, *data_dir;
    eccn_ledger *ledger; /* the caller's, opened and anchored; serve writes through it alone */
    size_t max_body, max_header;
    unsigned max_connections, timeout_s;
    /* A line for the operator (startup, reloads, failures). */
    void (*log)(const char *msg, void *ctx);
    /* Called once the socket listens, with the address and the port bound. */
    void (*ready)(const char *addr, unsigned port, void *ctx);
    void *ctx;
} eccn_serve_config;

/* Runs the service until SIGINT or SIGTERM. Blocks SIGHUP, SIGINT and SIGTERM in the calling
 * thread (and so in every thread it starts) and waits for them with sigwait. ECCN_EINPUT when the
 * configuration, rules, data or tokens cannot be loaded or the address cannot be bound. */
int eccn_serve_run(const eccn_serve_config *cfg, eccn_error *err);

/* Appends an entry for client name to the tokens file at path (created 0600 when absent): a new
 * random token, of which only a salted SHA-256 is stored. token receives the token (64 hex
 * digits), to hand to the client; it cannot be recovered later. ECCN_EINPUT when name is not
 * [A-Za-z0-9._@-]{1,64} or is in the file already. */
int eccn_serve_add_token(const char *path, const char *name, char token[65], eccn_error *err);

#endif
