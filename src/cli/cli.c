/* cli.c: shared command-line plumbing (see cli.h). */
#include "cli.h"

#include "anchor.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        cli_errorf("%s needs a value", name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

int cli_take_global(cli_env *env, int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *v;
        if (cli_opt(*argc, argv, &i, "--rules", &v))
            env->rules_dir = v;
        else if (cli_opt(*argc, argv, &i, "--data", &v))
            env->data_dir = v;
        else if (cli_opt(*argc, argv, &i, "--db", &v))
            env->db_path = v;
        else if (cli_opt(*argc, argv, &i, "--what-if", &v)) {
            if (v && env->nwhat_if == CLI_MAX_WHAT_IF) {
                cli_errorf("at most %d --what-if options", CLI_MAX_WHAT_IF);
                return EXIT_USAGE;
            }
            if (v)
                env->what_if[env->nwhat_if++] = v;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (!v)
            return EXIT_USAGE;
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

void cli_write_safe(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        const unsigned char *run = p;
        /* C0 controls but newline and tab, DEL, and the C1 controls as UTF-8 (C2 80..C2 9F) */
        while (p < end && !((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
                            (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f)))
            p++;
        fwrite(run, 1, (size_t)(p - run), f);
        if (p < end) {
            fprintf(f, "\\x%02x", *p);
            if (*p++ == 0xc2)
                fprintf(f, "\\x%02x", *p++);
        }
    }
}

void cli_printf(const char *fmt, ...)
{
    va_list ap, again;
    char small[1024];
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small)
        cli_write_safe(stdout, small, (size_t)n);
    else if (n > 0) {
        char *big = malloc((size_t)n + 1);
        if (big && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
            cli_write_safe(stdout, big, (size_t)n);
        free(big);
    }
    va_end(again);
}

void cli_errorf(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fputs("eccn: ", stderr);
    cli_write_safe(stderr, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    fputc('\n', stderr);
}

void cli_print_error(const eccn_error *err)
{
    char line[2048];
    eccn_error_format(err, line, sizeof line);
    fputs("eccn: ", stderr);
    cli_write_safe(stderr, line, strlen(line));
    fputc('\n', stderr);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the rules and data live: flags first, then beside an installed binary
 * (PREFIX/bin/eccn -> PREFIX/share/eccn), then the source tree it was built from, then the
 * configured install prefix. */
static void locate(cli_env *env)
{
    char exe[4096], base[4096] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(base, sizeof base, "%s/../share/eccn", exe);
        }
    }
    const char *roots[] = {base, ECCN_SOURCE_DIR, ECCN_INSTALL_DATADIR};
    for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
        char r[4096], d[4096];
        if (!roots[i][0])
            continue;
        snprintf(r, sizeof r, "%s/rules", roots[i]);
        snprintf(d, sizeof d, "%s/data", roots[i]);
        if (is_dir(r) && is_dir(d)) {
            if (!env->rules_dir) {
                snprintf(env->rules_buf, sizeof env->rules_buf, "%s", r);
                env->rules_dir = env->rules_buf;
            }
            if (!env->data_dir) {
                snprintf(env->data_buf, sizeof env->data_buf, "%s", d);
                env->data_dir = env->data_buf;
            }
            return;
        }
    }
}

/* Finds rules/ and data/ (installed, or the source tree) unless given. */
static int find_dirs(cli_env *env)
{
    if (!env->rules_dir || !env->data_dir)
        locate(env);
    if (!env->rules_dir || !env->data_dir) {
        cli_errorf("cannot find the rules/ and data/ directories; pass --rules DIR --data DIR");
        return EXIT_USAGE;
    }
    return 0;
}

int cli_find_data(cli_env *env)
{
    return find_dirs(env);
}

int cli_open_retention(cli_env *env, eccn_retention_policy *pol)
{
    eccn_error err = {0};
    int rc = find_dirs(env);
    if (rc == 0 && eccn_retention_load(env->data_dir, pol, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    return rc;
}

int cli_open_rules(cli_env *env, eccn_ruleset **rs)
{
    eccn_error err = {0};
    if (find_dirs(env))
        return EXIT_USAGE;
    if (eccn_ruleset_open(env->rules_dir, env->data_dir, env->what_if, env->nwhat_if, rs, &err) !=
        ECCN_OK) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    return 0;
}

/* Where the ledger's signed head and this machine's signing key live: $XDG_STATE_HOME/eccn, else
 * ~/.local/state/eccn (docs/security.md); NULL when neither can be told (no head is kept). */
static const char *state_dir(cli_env *env)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/')
        snprintf(env->state_buf, sizeof env->state_buf, "%s/eccn", xdg);
    else if (home && *home)
        snprintf(env->state_buf, sizeof env->state_buf, "%s/.local/state/eccn", home);
    else
        return NULL;
    return env->state_buf;
}

static void warn_head(const char *msg, void *ctx)
{
    (void)ctx;
    cli_errorf("warning: the ledger's signed head was not updated: %s", msg);
}

const char *cli_ledger_path(cli_env *env)
{
    const char *path = env->db_path;
    if (!path)
        path = getenv("ECCN_DB");
    if (!path || !*path) {
        const char *xdg = getenv("XDG_DATA_HOME");
        if (xdg && *xdg == '/')
            snprintf(env->db_buf, sizeof env->db_buf, "%s/eccn/ledger.db", xdg);
        else {
            const char *home = getenv("HOME");
            if (!home || !*home) {
                cli_errorf("no ledger location: set --db, ECCN_DB, XDG_DATA_HOME or HOME");
                return NULL;
            }
            snprintf(env->db_buf, sizeof env->db_buf, "%s/.local/share/eccn/ledger.db", home);
        }
        path = env->db_buf;
    }
    return env->db_path = path;
}

int cli_open_ledger(cli_env *env, cli_ledger_mode mode, eccn_ledger **l)
{
    eccn_error err = {0};
    const char *path = cli_ledger_path(env);
    if (!path)
        return EXIT_USAGE;
    int rc = mode == CLI_LEDGER_CREATE    ? eccn_ledger_open(path, l, &err)
             : mode == CLI_LEDGER_BRIEF   ? eccn_ledger_open_brief(path, l, &err)
             : mode == CLI_LEDGER_PRESENT ? eccn_ledger_open_present(path, l, &err)
                                          : eccn_ledger_open_existing(path, l, &err);
    if (rc == ECCN_OK)
        rc = eccn_ledger_set_anchor(*l, state_dir(env), warn_head, NULL, &err);
    if (rc == ECCN_ETAMPERED && mode == CLI_LEDGER_VERIFY) {
        /* For `ledger verify` a changed schema is a finding, reported as a broken chain is. */
        printf("TAMPERED: ");
        fflush(stdout);
        char line[2048];
        eccn_error_format(&err, line, sizeof line);
        cli_write_safe(stdout, line, strlen(line));
        putchar('\n');
        eccn_ledger_close(*l);
        *l = NULL;
        return 1;
    }
    if (rc != ECCN_OK) {
        cli_print_error(&err);
        eccn_ledger_close(*l);
        *l = NULL;
        return EXIT_USAGE;
    }
    return 0;
}

int cli_date(const char *text, eccn_date *out)
{
    if (!text) {
        *out = eccn_date_today_utc();
        return 0;
    }
    if (!eccn_date_parse(text, strlen(text), out)) {
        cli_errorf("bad date '%s': expected YYYY-MM-DD (a real calendar day)", text);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_id(const char *what, const char *text, long long *out)
{
    if (!eccn_parse_id(text, out)) {
        cli_errorf("%s: expected a whole number >= 1, got '%s'", what, text ? text : "");
        return EXIT_USAGE;
    }
    return 0;
}

const char *cli_country(const eccn_ruleset *rs, const char *what, const char *text)
{
    const char *code;
    eccn_error err = {0};
    if (eccn_geo_lookup(rs->geo, text, &code, &err) != ECCN_OK)
        cli_errorf("%s: %s", what, err.msg);
    return code;
}

const char *cli_user(void)
{
    static char uid[32];
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    snprintf(uid, sizeof uid, "uid %lu", (unsigned long)getuid());
    return uid;
}

int cli_map(const char *value, const char **maps, size_t *nmaps)
{
    const char *eq = value ? strchr(value, '=') : NULL;
    if (!eq || eq == value || !eccn_audit_field_known(eq + 1)) {
        cli_errorf("--map '%s': expected COLUMN=FIELD, FIELD one of part, description, quantity, "
                   "destination, date (or ship_date), consignee, hq, line_id",
                   value ? value : "");
        return EXIT_USAGE;
    }
    if (*nmaps == ECCN_AUDIT_MAX_MAPS) {
        cli_errorf("--map: at most %d mappings", ECCN_AUDIT_MAX_MAPS);
        return EXIT_USAGE;
    }
    maps[(*nmaps)++] = value;
    return 0;
}
