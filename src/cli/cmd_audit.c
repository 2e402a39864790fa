/* cmd_audit.c: `eccn audit`, `eccn audit --resume RUN` and `eccn audit diff A B`. */
#include "audit.h"
#include "audit_store.h"
#include "cli.h"
#include "ledger_query.h"
#include "jsonw.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct progress {
    double start, last;
} progress;

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Redrawn at most ten times a second, on stderr, only when stderr is a terminal. */
static void show_progress(long long lines, long long bytes, long long size, void *ctx)
{
    progress *p = ctx;
    double t = now_s();
    if (t - p->last < 0.1)
        return;
    p->last = t;
    double rate = lines / (t - p->start > 1e-6 ? t - p->start : 1e-6);
    if (size > 0) {
        double frac = (double)bytes / (double)size;
        double eta = frac > 0 ? (t - p->start) * (1 - frac) / frac : 0;
        int bar = (int)(frac * 30);
        fprintf(stderr, "\r[%-30.*s] %5.1f%%  %lld lines  %.0f lines/s  ETA %.0fs ", bar,
                "##############################", frac * 100, lines, rate, eta);
    } else {
        fprintf(stderr, "\r%lld lines  %.0f lines/s ", lines, rate);
    }
}

static void print_counts(const char *title, const eccn_count *c, size_t n)
{
    cli_printf("%s\n", title);
    for (size_t i = 0; i < n; i++)
        cli_printf("  %-22s %10lld lines  %12lld units\n", c[i].key, c[i].lines, c[i].quantity);
}

static int cmp_count(const void *a, const void *b)
{
    const eccn_count *x = a, *y = b;
    return x->lines < y->lines ? 1 : x->lines > y->lines ? -1 : strcmp(x->key, y->key);
}

static void counts_json(jsonw *w, const char *key, const eccn_count *c, size_t n)
{
    jsonw_key(w, key);
    jsonw_obj_begin(w);
    for (size_t i = 0; i < n; i++)
        jsonw_kv_int(w, c[i].key, c[i].lines);
    jsonw_obj_end(w);
}

static void lines_json(jsonw *w, const eccn_audit_line *l, size_t n, const char (*reasons)[200])
{
    jsonw_arr_begin(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_obj_begin(w);
        jsonw_kv_int(w, "line", l[i].line);
        jsonw_kv_str(w, "line_id", l[i].line_id);
        jsonw_kv_str(w, "part", l[i].part);
        jsonw_kv_str(w, "destination", l[i].destination);
        jsonw_kv_str(w, "date", l[i].date);
        if (l[i].quantity > 0) {
            jsonw_kv_int(w, "quantity", l[i].quantity);
        } else {
            jsonw_key(w, "quantity");
            jsonw_null(w);
        }
        if (reasons) {
            jsonw_kv_str(w, "reason", reasons[i]);
        } else {
            jsonw_kv_str(w, "eccn", l[i].eccn);
        }
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
}

struct diff_ctx {
    bool json;
    jsonw w;
    long long n;
};

static int print_change(const eccn_audit_change *c, void *vctx)
{
    struct diff_ctx *d = vctx;
    char da[11], db[11];
    eccn_ymd_format(c->date_a, da);
    eccn_ymd_format(c->date_b, db);
    d->n++;
    if (!d->json) {
        cli_printf("line %lld %s %s -> %s: %s %s (%s) -> %s %s (%s)  %s%s%s\n", c->line, c->line_id,
                   c->part, c->destination, c->verdict_a, c->eccn_a, da, c->verdict_b, c->eccn_b,
                   db, c->provisions_b, c->reason_b[0] ? "  " : "", c->reason_b);
        return ECCN_OK;
    }
    jsonw *w = &d->w;
    jsonw_obj_begin(w);
    jsonw_kv_int(w, "line", c->line);
    const char *fields[][2] = {
        {"line_id", c->line_id},     {"part", c->part},     {"destination", c->destination},
        {"verdict_a", c->verdict_a}, {"eccn_a", c->eccn_a}, {"date_a", da},
        {"verdict_b", c->verdict_b}, {"eccn_b", c->eccn_b}, {"date_b", db},
        {"reason_b", c->reason_b}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        jsonw_kv_str(w, fields[i][0], fields[i][1]);
    }
    jsonw_kv_raw(w, "provisions_b", c->provisions_b);
    jsonw_obj_end(w);
    return w->status;
}

static int audit_diff(cli_env *env, int argc, char **argv)
{
    long long a = 0, b = 0;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_buf out = {0};
    struct diff_ctx d = {.json = argc > 4 && strcmp(argv[4], "--json") == 0};
    int rc;
    if (cli_id("audit diff: first run", argc > 2 ? argv[2] : NULL, &a) ||
        cli_id("audit diff: second run", argc > 3 ? argv[3] : NULL, &b))
        return EXIT_USAGE;
    if ((rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l)))
        return rc;
    jsonw_init(&d.w, &out);
    if (d.json)
        jsonw_arr_begin(&d.w);
    /* Two runs that do not exist have no lines that differ: that must not read as "0 differ". */
    if (eccn_ledger_run_exists(l, a, &err) != ECCN_OK ||
        eccn_ledger_run_exists(l, b, &err) != ECCN_OK ||
        eccn_audit_store_diff(l, a, b, print_change, &d, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else if (d.json) {
        jsonw_arr_end(&d.w);
        printf("%s\n", out.data);
        rc = d.n ? 1 : 0;
    } else {
        printf("%lld lines differ between run %lld and run %lld\n", d.n, a, b);
        rc = d.n ? 1 : 0;
    }
    eccn_buf_free(&out);
    eccn_ledger_close(l);
    return rc;
}

typedef struct audit_args {
    eccn_audit_opts o;
    bool json, quiet, record;
    const char *out_path, *resume;
} audit_args;

/* The options of `eccn audit FILE`; --resume is checked once the ledger is open. */
static int parse_args(int argc, char **argv, audit_args *a)
{
    const char *delim = NULL, *batch = NULL, *datefmt = NULL;
    eccn_audit_opts *o = &a->o;
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(argc, argv, &i, "--date", &v))
            o->default_date = v;
        else if (cli_opt(argc, argv, &i, "--sheet", &v))
            o->sheet = v;
        else if (cli_opt(argc, argv, &i, "--date-format", &v))
            datefmt = v;
        else if (cli_opt(argc, argv, &i, "--to", &v))
            o->default_to = v;
        else if (cli_opt(argc, argv, &i, "--out", &v))
            a->out_path = v;
        else if (cli_opt(argc, argv, &i, "--resume", &v))
            a->resume = v;
        else if (cli_opt(argc, argv, &i, "--delimiter", &v))
            delim = v;
        else if (cli_opt(argc, argv, &i, "--batch", &v))
            batch = v;
        else if (cli_opt(argc, argv, &i, "--map", &v)) {
            if (cli_map(v, o->maps, &o->nmaps))
                return EXIT_USAGE;
        } else {
            if (strcmp(argv[i], "--json") == 0)
                a->json = true;
            else if (strcmp(argv[i], "--quiet") == 0)
                a->quiet = true;
            else if (strcmp(argv[i], "--strict") == 0)
                o->strict = true;
            else if (strcmp(argv[i], "--force") == 0)
                o->force = true;
            else if (strcmp(argv[i], "--record") == 0)
                a->record = true;
            else if (argv[i][0] == '-' && argv[i][1]) {
                cli_errorf("audit: unknown option '%s'", argv[i]);
                return EXIT_USAGE;
            } else if (o->path) {
                cli_errorf("audit: one file at a time");
                return EXIT_USAGE;
            } else
                o->path = argv[i];
            continue;
        }
        if (!v)
            return EXIT_USAGE;
    }
    if (delim) {
        if (strcmp(delim, "tab") == 0 || strcmp(delim, "\\t") == 0)
            o->delimiter = '\t';
        else if (strlen(delim) == 1 &&
                 (delim[0] == ',' || delim[0] == ';' || delim[0] == '\t' || delim[0] == '|'))
            o->delimiter = delim[0];
        else {
            cli_errorf("--delimiter: expected , ; | or tab");
            return EXIT_USAGE;
        }
    }
    if (batch && cli_id("--batch", batch, &o->batch))
        return EXIT_USAGE;
    if (datefmt && !eccn_datefmt_parse(datefmt, &o->date_format)) {
        cli_errorf("--date-format: expected iso, dmy (day/month/year) or mdy (month/day/year)");
        return EXIT_USAGE;
    }
    eccn_date d;
    return o->default_date && cli_date(o->default_date, &d) ? EXIT_USAGE : 0;
}

static void print_json(const eccn_audit_summary *s, const eccn_ruleset *rs)
{
    eccn_buf out = {0};
    jsonw w;
    jsonw_init(&w, &out);
    jsonw_obj_begin(&w);
    jsonw_kv_int(&w, "run_id", s->run_id);
    jsonw_key(&w, "reused");
    jsonw_bool(&w, s->reused);
    jsonw_kv_str(&w, "file", s->file);
    jsonw_kv_str(&w, "sha256", s->sha256);
    jsonw_kv_str(&w, "rules_revision", rs->revision);
    /* As check --json: the acts applied under --what-if, null for a decision. */
    jsonw_key(&w, "what_if");
    if (s->what_if[0]) {
        char act[256];
        jsonw_arr_begin(&w);
        for (const char *a = s->what_if; *a; a += strcspn(a, " "), a += *a == ' ') {
            snprintf(act, sizeof act, "%.*s", (int)strcspn(a, " "), a);
            jsonw_str(&w, act);
        }
        jsonw_arr_end(&w);
    } else
        jsonw_null(&w);
    jsonw_kv_int(&w, "lines_read", s->lines_read);
    jsonw_kv_int(&w, "results", s->results);
    jsonw_kv_int(&w, "errors", s->errors);
    jsonw_kv_int(&w, "license_required", s->licence_required);
    jsonw_kv_int(&w, "indeterminate", s->indeterminate);
    jsonw_kv_int(&w, "no_license_required", s->no_licence);
    counts_json(&w, "by_verdict", s->by_verdict, s->nverdict);
    counts_json(&w, "by_eccn", s->by_eccn, s->neccn);
    counts_json(&w, "by_destination", s->by_destination, s->ndestination);
    counts_json(&w, "errors_by_reason", s->by_error, s->nerror_kinds);
    jsonw_kv_str(&w, "date_format", eccn_datefmt_name(s->date_format));
    jsonw_kv_str(&w, "unused_columns", s->unused_columns);
    jsonw_key(&w, "warnings");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < s->nwarnings; i++)
        jsonw_str(&w, s->warnings[i]);
    jsonw_arr_end(&w);
    if (s->screened) { /* each distinct party screened once: the counts are per party */
        jsonw_key(&w, "screening");
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "lists_revision", s->lists_revision);
        jsonw_kv_str(&w, "lists_date", s->lists_date);
        jsonw_kv_int(&w, "parties_screened", s->parties);
        jsonw_kv_int(&w, "hits", s->party_hits);
        jsonw_kv_int(&w, "reviews", s->party_reviews);
        jsonw_kv_int(&w, "cleared_by_review", s->party_cleared);
        jsonw_obj_end(&w);
    }
    jsonw_key(&w, "license_required_lines");
    lines_json(&w, s->licence_lines, s->nlicence_lines, NULL);
    jsonw_key(&w, "error_lines");
    lines_json(&w, s->error_lines, s->nerror_lines, s->error_reasons);
    jsonw_obj_end(&w);
    printf("%s\n", out.data);
    eccn_buf_free(&out);
}

static void print_text(const eccn_audit_summary *s, const eccn_ruleset *rs, const char *db_path)
{
    if (s->what_if[0])
        cli_printf("WHAT-IF, NOT A DECISION: judged under rules not in force (%s); the run is "
                   "marked so and reports leave it out\n",
                   s->what_if);
    cli_printf("audit run %lld%s: %s (sha256 %.16s...)\n", s->run_id,
               s->reused ? " (a finished run of the same bytes and rules; --force to redo)" : "",
               s->file, s->sha256);
    cli_printf("lines read %lld = results %lld + errors %lld\n", s->lines_read, s->results,
               s->errors);
    if (s->date_format == ECCN_DATEFMT_DMY || s->date_format == ECCN_DATEFMT_MDY)
        cli_printf("dates read as %s\n", eccn_datefmt_name(s->date_format));
    if (s->unused_columns[0])
        cli_printf("columns not used: %s\n", s->unused_columns);
    for (size_t i = 0; i < s->nwarnings; i++)
        cli_printf("warning: %s\n", s->warnings[i]);
    /* One line per reason, however many lines share it. */
    for (size_t i = 0; i < s->nerror_kinds; i++)
        cli_printf("%lld line%s: %s\n", s->by_error[i].lines, s->by_error[i].lines == 1 ? "" : "s",
                   s->by_error[i].key);
    if (s->screened)
        cli_printf("parties screened: %lld distinct (name and destination): %lld hit%s, %lld for "
                   "review, %lld with a match cleared by a recorded review; lists %.12s as "
                   "bundled on %s (not on the lists is not the 50%% affiliates rule: "
                   "docs/screening.md)\n",
                   s->parties, s->party_hits, s->party_hits == 1 ? "" : "s", s->party_reviews,
                   s->party_cleared, s->lists_revision, s->lists_date);
    print_counts("by verdict:", s->by_verdict, s->nverdict);
    print_counts("by ECCN:", s->by_eccn, s->neccn);
    print_counts("by destination:", s->by_destination, s->ndestination);
    if (s->nlicence_lines)
        cli_printf("lines that need a licence (first %zu of %lld):\n", s->nlicence_lines,
                   s->licence_required);
    for (size_t i = 0; i < s->nlicence_lines; i++) {
        char qty[24] = "unknown";
        if (s->licence_lines[i].quantity > 0)
            snprintf(qty, sizeof qty, "%lld", s->licence_lines[i].quantity);
        cli_printf("  line %lld %s %s x%s -> %s on %s: %s\n", s->licence_lines[i].line,
                   s->licence_lines[i].line_id, s->licence_lines[i].part, qty,
                   s->licence_lines[i].destination, s->licence_lines[i].date,
                   s->licence_lines[i].eccn[0] ? s->licence_lines[i].eccn
                                               : "no ECCN (a letter, or Part 746)");
    }
    if (s->nerror_lines)
        cli_printf("lines in error (first %zu of %lld):\n", s->nerror_lines, s->errors);
    for (size_t i = 0; i < s->nerror_lines; i++)
        cli_printf("  line %lld %s: %s\n", s->error_lines[i].line, s->error_lines[i].part,
                   s->error_reasons[i]);
    /* The ledger syncs each commit (audit_store.h): what it holds survives a power cut. */
    cli_printf("rules revision %s; results committed to disk in ledger %s\n", rs->revision,
               db_path);
}

int cmd_audit(cli_env *env, int argc, char **argv)
{
    audit_args a;
    eccn_audit_opts *o = &a.o;
    eccn_ruleset *rs = NULL;
    eccn_ledger *l = NULL;
    eccn_audit_summary s = {0};
    eccn_error err = {0};
    eccn_outfile out = {0};
    progress prog = {0};
    int rc = 0;
    bool failed = false; /* the run's own error is printed: --out's commit would say it again */
    if (argc > 1 && strcmp(argv[1], "diff") == 0)
        return audit_diff(env, argc, argv);
    if ((rc = parse_args(argc, argv, &a)))
        return rc;
    /* What-if is never mistaken for a decision: an audit records every line it judges, so under
     * --what-if it runs only when asked to record (and its run is then marked what-if). */
    if (env->nwhat_if && !a.record && !a.resume) {
        cli_errorf("audit --what-if records every line it judges: give --record to keep the "
                   "what-if run (marked as such), or check single parts with check --what-if");
        return EXIT_USAGE;
    }
    if ((rc = cli_open_ledger(env, CLI_LEDGER_CREATE, &l)))
        return rc;
    if (a.resume && cli_id("--resume", a.resume, &o->resume_run)) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (!o->path && !o->resume_run) {
        cli_errorf("audit: give a CSV file (or - for standard input), --resume RUN, or diff A B");
        rc = EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_open_rules(env, &rs)))
        goto done;
    /* Batches resolve many descriptions: JIT pays. ECCN_NO_JIT=1 turns it off for valgrind, which
     * cannot follow PCRE2's generated code and reports its vector loads as errors. */
    const char *no_jit = getenv("ECCN_NO_JIT");
    if (!no_jit || strcmp(no_jit, "1") != 0)
        eccn_ruleset_use_jit(rs);
    /* Never over the ledger, its logs or the input, nor through a link; an existing file only
     * with --force; written beside and renamed into place (outfile.h). */
    const char *protect[] = {env->db_path, o->path};
    if (a.out_path && eccn_outfile_open(a.out_path, protect, 2, o->force, &out, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    o->out_csv = out.f;
    if (!a.quiet && isatty(2)) {
        prog.start = now_s();
        o->progress = show_progress;
        o->progress_ctx = &prog;
    }
    int arc = eccn_audit_run(rs, l, o, &s, &err);
    if (o->progress)
        fputs("\r\033[K", stderr);
    if (arc != ECCN_OK) {
        cli_print_error(&err);
        failed = true;
        /* A reused run is complete: only writing its --out failed. */
        if (s.run_id && !s.reused)
            cli_errorf("audit run %lld is incomplete; continue it with `eccn audit --resume %lld`",
                       s.run_id, s.run_id);
        if (a.out_path && s.run_id && !s.reused)
            cli_errorf("--out %s holds only the lines recorded before the failure; `eccn audit "
                       "--resume %lld --out FILE` writes every line of the run",
                       a.out_path, s.run_id);
        rc = EXIT_USAGE;
        goto done;
    }
    eccn_sort(s.by_verdict, s.nverdict, sizeof *s.by_verdict, cmp_count);
    eccn_sort(s.by_eccn, s.neccn, sizeof *s.by_eccn, cmp_count);
    eccn_sort(s.by_destination, s.ndestination, sizeof *s.by_destination, cmp_count);
    if (a.json)
        print_json(&s, rs);
    else
        print_text(&s, rs, env->db_path);
    rc = s.errors ? EXIT_USAGE : s.licence_required ? EXIT_LR : s.indeterminate ? EXIT_INDET : 0;
done:
    /* Kept after a failure of a recorded run too: it then holds the lines the ledger holds
     * (audit.h). A failure before any run was recorded (a bad header, --map, dates that read
     * both ways) leaves no file, so the corrected command needs no --force. */
    if (o->out_csv && failed && !(s.run_id && !s.reused))
        eccn_outfile_abort(&out);
    else if (o->out_csv && eccn_outfile_commit(&out, &err) != ECCN_OK && !failed) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    eccn_audit_summary_free(&s);
    eccn_ruleset_free(rs);
    eccn_ledger_close(l);
    return rc;
}
