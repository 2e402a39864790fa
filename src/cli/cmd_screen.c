/* cmd_screen.c: `eccn screen` (denied-party screening) and `eccn lists show|import` (the lists it
 * screens against). Exit statuses: 0 clear, 1 hit, 3 possible match for review, 2 error. */
#include "cli.h"
#include "jsonw.h"
#include "screen.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_lists(cli_env *env, eccn_screen_lists **l)
{
    eccn_error err = {0};
    int rc = cli_find_data(env);
    if (rc == 0 && eccn_screen_lists_load(env->data_dir, l, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    return rc;
}

static void print_match(const eccn_screen_match *m)
{
    const eccn_screen_entry *e = m->entry;
    printf("  %.2f  %s [%s%s%s]\n", m->score, e->name, e->list, e->entity_number[0] ? " " : "",
           e->entity_number);
    if (strcmp(m->matched_name, e->name) != 0)
        printf("        matched alias: %s\n", m->matched_name);
    printf("        tokens:");
    for (size_t k = 0; k < m->npairs; k++) {
        const eccn_screen_pair *p = &m->pairs[k];
        if (!p->listed[0])
            printf(" %s=(none)", p->query);
        else if (strcmp(p->query, p->listed) == 0)
            printf(" %s", p->query);
        else
            printf(" %s~%s", p->query, p->listed);
    }
    putchar('\n');
    if (e->countries[0])
        printf("        countries: %s%s\n", e->countries,
               m->country_differs ? " (not the country screened: score lowered)" : "");
    if (e->federal_register_notice[0])
        printf("        federal register: %s\n", e->federal_register_notice);
    if (e->license_requirement[0])
        printf("        licence requirement: %s\n", e->license_requirement);
    if (e->license_policy[0])
        printf("        licence policy: %s\n", e->license_policy);
}

static void print_result(const eccn_screen_lists *l, const eccn_screen_result *r)
{
    const eccn_screen_info *in = eccn_screen_lists_info(l);
    const char *what[] = {"CLEAR: not on the lists", "HIT: on the lists", "",
                          "REVIEW: possible match"};
    printf("%s: %s%s%s\n", what[r->verdict], r->query, r->country[0] ? " in " : "", r->country);
    for (size_t i = 0; i < r->nmatches; i++)
        print_match(&r->matches[i]);
    printf("lists revision %.12s, as bundled on %s\n", in->revision, in->date);
}

/* One name per line ("NAME" or "NAME<TAB>CC"); one line of results per name. */
static int screen_batch(eccn_screen_lists *l, const char *path, const char *country, double load_s)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, hits = 0, reviews = 0;
    long long lineno = 0;
    int rc = 0;
    if (!f) {
        cli_errorf("%s: cannot open", path);
        return EXIT_USAGE;
    }
    double t0 = now_s();
    for (ssize_t len; rc == 0 && (len = getline(&line, &cap, f)) >= 0;) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = '\0';
        if (!line[0])
            continue;
        eccn_screen_result r;
        eccn_error err = {0};
        if (eccn_screen_query(l, line, tab ? tab + 1 : country, &r, &err) != ECCN_OK) {
            eccn_error_format(&err, err.file, sizeof err.file);
            cli_errorf("%s:%lld: %s", path, lineno, err.msg);
            rc = EXIT_USAGE;
            break;
        }
        n++;
        hits += r.verdict == ECCN_SCREEN_HIT;
        reviews += r.verdict == ECCN_SCREEN_REVIEW;
        const eccn_screen_match *m = r.nmatches ? &r.matches[0] : NULL;
        printf("%s\t%.4f\t%s\t%s\t%s\t%s\n", eccn_screen_verdict_name(r.verdict),
               m ? m->score : 0.0, m ? m->entry->list : "", m ? m->entry->entity_number : "",
               m ? m->matched_name : "", line);
        eccn_screen_result_free(&r);
    }
    double t = now_s() - t0;
    free(line);
    if (f != stdin)
        fclose(f);
    fprintf(stderr,
            "screened %zu names in %.3f s (%.0f names/s): %zu hit, %zu review; lists "
            "loaded in %.1f ms\n",
            n, t, t > 0 ? n / t : 0.0, hits, reviews, load_s * 1000);
    if (rc)
        return rc;
    return hits ? EXIT_LR : reviews ? EXIT_INDET : EXIT_NLR;
}

int cmd_screen(cli_env *env, int argc, char **argv)
{
    const char *name = NULL, *country = NULL, *batch = NULL, *clear = NULL, *reason = NULL;
    bool json = false, force = false;
    for (int i = 1; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--country", &country)) {
            if (!country)
                return EXIT_USAGE;
        } else if (cli_opt(argc, argv, &i, "--clear", &clear)) {
            if (!clear)
                return EXIT_USAGE;
        } else if (cli_opt(argc, argv, &i, "--reason", &reason)) {
            if (!reason)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if (cli_opt(argc, argv, &i, "--batch", &batch)) {
            if (!batch)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1]) {
            cli_errorf("screen: unknown option '%s'", argv[i]);
            return EXIT_USAGE;
        } else if (!name)
            name = argv[i];
        else {
            cli_errorf("screen: one name at a time (quote a name with spaces), or --batch FILE");
            return EXIT_USAGE;
        }
    }
    if ((!name + !batch + !clear) != 2 || (json && clear) || ((reason || force) && !clear)) {
        cli_errorf("usage: screen NAME [--country CC] [--json] | screen --batch FILE | screen "
                   "--clear NAME --reason TEXT [--country CC] [--force]");
        return EXIT_USAGE;
    }
    /* "cn" is what a user means by CN; anything else is for the library to refuse. */
    char cc[3] = "";
    if (country && strlen(country) == 2) {
        cc[0] = (char)toupper((unsigned char)country[0]);
        cc[1] = (char)toupper((unsigned char)country[1]);
        country = cc;
    }
    eccn_screen_lists *l = NULL;
    eccn_screen_result r = {0};
    eccn_error err = {0};
    double t0 = now_s();
    int rc = load_lists(env, &l);
    if (rc == 0 && clear)
        rc = cli_screen_clear(env, l, clear, country, reason, force);
    else if (rc == 0 && batch)
        rc = screen_batch(l, batch, country, now_s() - t0);
    else if (rc == 0 && eccn_screen_query(l, name, country, &r, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else if (rc == 0) {
        rc = (int)r.verdict;
        if (json) {
            eccn_buf b = {0};
            jsonw w;
            jsonw_init(&w, &b);
            eccn_screen_result_json(&r, &w);
            if (w.status != ECCN_OK) {
                cli_errorf("out of memory");
                rc = EXIT_USAGE;
            } else
                printf("%s\n", b.data);
            eccn_buf_free(&b);
        } else
            print_result(l, &r);
    }
    eccn_screen_result_free(&r);
    eccn_screen_lists_free(l);
    return rc;
}

static void print_counts(const eccn_screen_info *in, const eccn_screen_lists *before)
{
    for (size_t i = 0; i < in->nlists; i++) {
        printf("  %-8s %6zu", in->lists[i].code, in->lists[i].n);
        if (before)
            printf("  (%+lld)", (long long)in->lists[i].n -
                                    (long long)eccn_screen_lists_count(before, in->lists[i].code));
        putchar('\n');
    }
}

static int lists_show(cli_env *env, bool json)
{
    eccn_screen_lists *l = NULL;
    int rc = load_lists(env, &l);
    if (rc != 0)
        return rc;
    const eccn_screen_info *in = eccn_screen_lists_info(l);
    if (json) {
        eccn_buf b = {0};
        jsonw w;
        jsonw_init(&w, &b);
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "revision", in->revision);
        jsonw_kv_str(&w, "date", in->date);
        jsonw_kv_str(&w, "source", in->source);
        jsonw_kv_str(&w, "file", in->file);
        jsonw_kv_str(&w, "format", in->format);
        jsonw_kv_int(&w, "entries", (long long)in->entries);
        jsonw_kv_int(&w, "names", (long long)in->names);
        jsonw_key(&w, "lists");
        jsonw_obj_begin(&w);
        for (size_t i = 0; i < in->nlists; i++)
            jsonw_kv_int(&w, in->lists[i].code, (long long)in->lists[i].n);
        jsonw_obj_end(&w);
        jsonw_obj_end(&w);
        if (w.status == ECCN_OK)
            printf("%s\n", b.data);
        rc = w.status == ECCN_OK ? 0 : EXIT_USAGE;
        eccn_buf_free(&b);
    } else {
        printf("revision %s\ndate     %s\nsource   %s\nfile     %s (%s)\n", in->revision, in->date,
               in->source, in->file, in->format);
        printf("entries  %zu (%zu names and aliases)\n", in->entries, in->names);
        print_counts(in, NULL);
    }
    eccn_screen_lists_free(l);
    return rc;
}

/* Lists the current file has and the new one lacks, into out; their number. */
static size_t lost_lists(const eccn_screen_lists *cur, const eccn_screen_lists *next, char *out,
                         size_t outsz)
{
    const eccn_screen_info *in = eccn_screen_lists_info(cur);
    size_t lost = 0;
    out[0] = '\0';
    for (size_t i = 0; i < in->nlists; i++)
        if (eccn_screen_lists_count(next, in->lists[i].code) == 0) {
            size_t len = strlen(out);
            snprintf(out + len, outsz - len, "%s%s (%zu)", lost ? ", " : "", in->lists[i].code,
                     in->lists[i].n);
            lost++;
        }
    return lost;
}

static int lists_import(cli_env *env, const char *path, bool force, const char *date,
                        const char *source)
{
    eccn_screen_lists *cur = NULL, *next = NULL;
    eccn_error err = {0};
    char lost[1024], today[11];
    eccn_date d;
    int rc = cli_find_data(env);
    if (rc == 0 && date && !eccn_date_parse(date, strlen(date), &d)) {
        cli_errorf("--date '%s': expected YYYY-MM-DD", date);
        rc = EXIT_USAGE;
    }
    if (rc == 0 && eccn_screen_lists_parse_file(path, &next, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    if (rc != 0)
        goto done;
    /* The lists in use, to compare with; none (a first import) or unreadable is said and allowed.
     */
    if (eccn_screen_lists_load(env->data_dir, &cur, &err) != ECCN_OK) {
        eccn_error_format(&err, lost, sizeof lost);
        fprintf(stderr, "eccn: no lists in use to compare with (%s)\n", lost);
    }
    const eccn_screen_info *in = eccn_screen_lists_info(next);
    printf("%s: %s, %zu entries, SHA-256 %s\n", path, in->format, in->entries, in->revision);
    print_counts(in, cur);
    if (cur && lost_lists(cur, next, lost, sizeof lost) && !force) {
        cli_errorf("refused: %s has no entries on %s, which the lists in use have; a partial "
                   "download? Pass --force to install it all the same",
                   path, lost);
        rc = EXIT_USAGE;
        goto done;
    }
    if (!date) {
        eccn_date_format(eccn_date_today_utc(), today);
        date = today;
    }
    if (eccn_screen_lists_install(env->data_dir, path, next, date, source ? source : path, &err) !=
        ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    printf("installed in %s/lists: revision %s, dated %s\n", env->data_dir, in->revision, date);
done:
    eccn_screen_lists_free(cur);
    eccn_screen_lists_free(next);
    return rc;
}

int cmd_lists(cli_env *env, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "", *file = NULL, *date = NULL, *source = NULL;
    bool json = false, force = false;
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--date", &date)) {
            if (!date)
                return EXIT_USAGE;
        } else if (cli_opt(argc, argv, &i, "--source", &source)) {
            if (!source)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--force") == 0)
            force = true;
        else if (argv[i][0] != '-' && !file && strcmp(sub, "import") == 0)
            file = argv[i];
        else {
            cli_errorf("lists %s: unexpected argument '%s'", sub, argv[i]);
            return EXIT_USAGE;
        }
    }
    if (strcmp(sub, "show") == 0 && !force && !date && !source)
        return lists_show(env, json);
    if (strcmp(sub, "import") == 0 && file && !json)
        return lists_import(env, file, force, date, source);
    cli_errorf("usage: lists show [--json] | lists import FILE [--force] [--date D] "
               "[--source TEXT]");
    return EXIT_USAGE;
}
