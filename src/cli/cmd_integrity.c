/* cmd_integrity.c: `eccn ledger verify|check|hold|release|purge`: the ledger as evidence. */
#include "cli.h"
#include "digest.h"
#include "integrity.h"
#include "retention.h"

#include <stdlib.h>
#include <string.h>

/* Prints the verification; 0 intact, 1 broken, 2 could not check. */
static int report_chain(eccn_ledger *l)
{
    eccn_integrity_report rep;
    eccn_error err = {0};
    if (eccn_integrity_verify(l, &rep, &err) != ECCN_OK) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    if (!rep.intact) {
        printf("TAMPERED: %s, row %lld %s\n", rep.chain, rep.key, rep.what);
        printf("checked %lld rows in %lld audit runs and the verdicts before the break\n", rep.rows,
               rep.runs);
        return 1;
    }
    char h[2 * ECCN_HASH_LEN + 1] = "(no verdicts)";
    if (rep.has_head)
        eccn_hex(rep.head, ECCN_HASH_LEN, h);
    printf("intact: %lld rows chained (verdicts and %lld audit runs)\n", rep.rows, rep.runs);
    printf("verdict chain head: %s (record it elsewhere to detect a cut tail later)\n", h);
    return 0;
}

static int open_existing(cli_env *env, eccn_ledger **l)
{
    return cli_open_ledger(env, CLI_LEDGER_AS_IS, l);
}

/* verify and check take no arguments; one given is a mistake, not something to ignore. */
static int no_arguments(int argc, char **argv)
{
    if (argc <= 2)
        return 0;
    cli_errorf("ledger %s: unexpected argument '%s'", argv[1], argv[2]);
    return EXIT_USAGE;
}

int ledger_verify(cli_env *env, int argc, char **argv)
{
    eccn_ledger *l = NULL;
    int rc = no_arguments(argc, argv);
    if (rc == 0)
        rc = cli_open_ledger(env, CLI_LEDGER_VERIFY, &l);
    if (rc == 0)
        rc = report_chain(l);
    eccn_ledger_close(l);
    return rc;
}

int ledger_backup(cli_env *env, int argc, char **argv)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    if (argc != 3 || argv[2][0] == '-') {
        cli_errorf("usage: ledger backup DEST (a new file)");
        return EXIT_USAGE;
    }
    int rc = open_existing(env, &l);
    if (rc == 0 && eccn_ledger_backup(l, argv[2], &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    if (rc == 0)
        printf("backed up %s to %s\n", eccn_ledger_path(l), argv[2]);
    eccn_ledger_close(l);
    return rc;
}

int ledger_check(cli_env *env, int argc, char **argv)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    char msg[2048];
    int rc = no_arguments(argc, argv);
    if (rc || (rc = open_existing(env, &l)))
        return rc;
    if (eccn_integrity_sqlite(l, msg, sizeof msg, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else if (msg[0]) {
        printf("CORRUPT: SQLite's integrity check: %s\n", msg);
        rc = 1;
    } else {
        printf("SQLite integrity check: ok\n");
        rc = report_chain(l);
    }
    eccn_ledger_close(l);
    return rc;
}

/* `hold ID` or `hold --run RUN` (and the same for release), with --reason for hold. */
static int parse_target(int argc, char **argv, bool want_reason, long long *verdict, long long *run,
                        const char **reason)
{
    *verdict = *run = 0;
    *reason = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(argc, argv, &i, "--run", &v)) {
            if (cli_id("--run", v, run))
                return EXIT_USAGE;
        } else if (want_reason && cli_opt(argc, argv, &i, "--reason", &v)) {
            if (!v)
                return EXIT_USAGE;
            *reason = v;
        } else if (!*verdict && eccn_parse_id(argv[i], verdict)) {
            continue;
        } else {
            cli_errorf("ledger %s: unexpected '%s'", argv[1], argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!*verdict == !*run) {
        cli_errorf("ledger %s: give a verdict ID or --run RUN", argv[1]);
        return EXIT_USAGE;
    }
    if (want_reason && (!*reason || !**reason)) {
        cli_errorf("ledger hold: --reason TEXT is required (why the record must be kept)");
        return EXIT_USAGE;
    }
    return 0;
}

int ledger_hold(cli_env *env, int argc, char **argv)
{
    long long verdict, run, id = 0, n = 0;
    const char *reason;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    bool hold = strcmp(argv[1], "hold") == 0;
    int rc = parse_target(argc, argv, hold, &verdict, &run, &reason);
    if (rc || (rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l)))
        goto done;
    if ((hold ? eccn_retention_hold(l, verdict, run, reason, cli_user(), &id, &err)
              : eccn_retention_release(l, verdict, run, cli_user(), &n, &err)) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (hold)
        printf("hold %lld placed on %s %lld: %s\n", id, verdict ? "verdict" : "audit run",
               verdict ? verdict : run, reason);
    else
        printf("%lld hold%s released on %s %lld\n", n, n == 1 ? "" : "s",
               verdict ? "verdict" : "audit run", verdict ? verdict : run);
done:
    eccn_ledger_close(l);
    return rc;
}

int ledger_purge(cli_env *env, int argc, char **argv)
{
    const char *before = NULL;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_purge_report rep;
    eccn_date d;
    char today[11], b[11];
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(argc, argv, &i, "--before", &v) && v)
            before = v;
        else {
            cli_errorf("ledger purge: expected --before YYYY-MM-DD");
            return EXIT_USAGE;
        }
    }
    if (!before) {
        cli_errorf("ledger purge: --before YYYY-MM-DD is required");
        return EXIT_USAGE;
    }
    eccn_retention_policy pol;
    int rc = cli_date(before, &d);
    if (rc || (rc = cli_open_retention(env, &pol)) ||
        (rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l)))
        goto done;
    eccn_date_format(d, b);
    eccn_date_format(eccn_date_today_utc(), today);
    if (eccn_retention_purge(l, &pol, b, today, cli_user(), &rep, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    printf("purged %lld verdict%s", rep.verdicts, rep.verdicts == 1 ? "" : "s");
    if (rep.verdicts)
        printf(" (%lld to %lld)", rep.first_verdict, rep.last_verdict);
    printf(" and %lld audit run%s (%lld result rows): retention of %d years (%s) from the latest "
           "ship date ended before %s\n",
           rep.runs, rep.runs == 1 ? "" : "s", rep.result_rows, pol.years, pol.citation,
           strcmp(b, today) < 0 ? b : today);
    if (rep.kept_verdict)
        printf("verdicts from %lld on are kept: verdict %lld is %s\n", rep.kept_verdict,
               rep.kept_verdict, rep.kept_why);
done:
    eccn_ledger_close(l);
    return rc;
}
