/* cmd_report.c: `eccn report [--run ID | --since D --until D] [--format html|md|json|csv]
 * [-o FILE [--force]] [--org NAME] [--include-what-if]`. */
#include "cli.h"
#include "outfile.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention), so that tests and
 * archives can regenerate a report byte for byte. */
static void generated_at(char out[21])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long t = sde && *sde ? strtoll(sde, &end, 10) : -1;
    if (t >= 0 && end && !*end) {
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        eccn_utc_now(out);
    }
}

int cmd_report(cli_env *env, int argc, char **argv)
{
    eccn_report_opts o = {.format = ECCN_REPORT_HTML};
    const char *run = NULL, *format = NULL, *path = NULL;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_outfile of = {0};
    FILE *out = stdout;
    char now[21], dir[4096] = ".", prefix[256] = "report";
    eccn_date d;
    bool force = false;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(argc, argv, &i, "--run", &v))
            run = v;
        else if (cli_opt(argc, argv, &i, "--since", &v))
            o.since = v;
        else if (cli_opt(argc, argv, &i, "--until", &v))
            o.until = v;
        else if (cli_opt(argc, argv, &i, "--format", &v))
            format = v;
        else if (cli_opt(argc, argv, &i, "-o", &v) || cli_opt(argc, argv, &i, "--output", &v))
            path = v;
        else if (cli_opt(argc, argv, &i, "--org", &v))
            o.org = v;
        else if (strcmp(argv[i], "--force") == 0) {
            force = true;
            continue;
        } else if (strcmp(argv[i], "--include-what-if") == 0) {
            o.include_what_if = true;
            continue;
        } else {
            cli_errorf("report: unknown argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
        if (!v)
            return EXIT_USAGE;
    }
    if (run && (o.since || o.until)) {
        cli_errorf("report: give --run ID, or --since/--until, not both");
        return EXIT_USAGE;
    }
    if (run && o.include_what_if) {
        cli_errorf("report: --include-what-if is for a period (an audit run holds no what-if "
                   "checks)");
        return EXIT_USAGE;
    }
    if (run && cli_id("report --run", run, &o.run_id))
        return EXIT_USAGE;
    if ((o.since && cli_date(o.since, &d)) || (o.until && cli_date(o.until, &d)))
        return EXIT_USAGE;
    if (format) {
        static const char *const names[] = {"html", "md", "json", "csv"};
        size_t k = 0;
        while (k < 4 && strcmp(format, names[k]))
            k++;
        if (k == 4) {
            cli_errorf("report: --format must be html, md, json or csv, not '%s'", format);
            return EXIT_USAGE;
        }
        o.format = (eccn_report_format)k;
    }
    eccn_retention_policy retention;
    if ((rc = cli_open_retention(env, &retention)) ||
        (rc = cli_open_ledger(env, CLI_LEDGER_AS_IS, &l)))
        return rc;
    o.retention = &retention;
    generated_at(now);
    o.generated_at = now;
    o.ledger_name = env->db_path;
    if (path) {
        /* Through eccn_outfile: never over the ledger (`--db L report -o L` used to replace it),
         * its -wal or -shm, or through a symlink; an existing report only with --force; and
         * written under a temporary name, so a failed report leaves no half file. */
        const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
        const char *protect[] = {env->db_path};
        if (slash)
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        snprintf(prefix, sizeof prefix, "%.*s", (int)strcspn(base, "."), base);
        if (eccn_outfile_open(path, protect, 1, force, &of, &err) != ECCN_OK) {
            cli_print_error(&err);
            rc = EXIT_USAGE;
            goto done;
        }
        out = of.f;
    }
    o.chart_dir = dir;
    o.chart_prefix = prefix;
    if (eccn_report_write(l, &o, out, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    if (path && rc)
        eccn_outfile_abort(&of);
    else if (path && eccn_outfile_commit(&of, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
done:
    eccn_ledger_close(l);
    return rc;
}
