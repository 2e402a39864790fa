/*
 * report_data.h: what a report says, gathered from the ledger before a line is written (report.c
 * writes it): counts, licence-required groups, parts, the rules revisions and provisions cited.
 * All of it is small (groups, parts, provisions); the lines themselves are streamed by report.c.
 * Internal to src/report.
 */
#ifndef ECCN_REPORT_DATA_H
#define ECCN_REPORT_DATA_H

#include "hmap.h"
#include "jsonw.h"
#include "report.h"

typedef struct group {
    char dest[8], eccn[32];
    long long lines, qty;
} group;

typedef struct part {
    char id[64], eccn[32], by[64], status[16];
    char vendor[320]; /* the vendor row it was known by, when eccn's catalogue lacks it, or "" */
    double tpp, pd;
    bool has_tpp, has_pd;
    long long lines;
} part;

/* A party screened that was a hit, a possible match, or cleared by a recorded review. */
typedef struct screen_row {
    long long run, verdict, lines;
    char role[16], name[200], country[8], result[12], effect[24], list[24], entry[200], number[32],
        note[400];
} screen_row;

typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

typedef struct report {
    eccn_ledger *l;
    const eccn_report_opts *o;
    FILE *out;
    eccn_error *err;
    struct run_ref {
        long long id;
        char sha256[65], sheet[256];
        char what_if[256]; /* the run's what-if acts, "" for a decision */
        bool complete;
    } * runs;
    size_t nruns, runs_cap;
    long long reaudits; /* earlier runs of a file audited again in scope, left out */
    long long checks, lines, licence, exceptions, indeterminate, errors, no_licence;
    long long what_if, what_if_left; /* what-if checks included (marked), and left out */
    long long what_if_runs_left;     /* what-if audit runs left out */
    long long what_if_runs;          /* what-if audit runs included (marked) */
    char what_if_acts[256];          /* the acts of those runs, space-separated, each once */
    long long quantity, licence_qty;
    group *groups;
    size_t ngroups, groups_cap;
    part *parts;
    size_t nparts, parts_cap;
    /* each group's and part's index + 1 by its key: a million-line run has tens of thousands of
     * evaluations to count into a few hundred groups and parts */
    eccn_hmap group_at, part_at;
    strset revisions, provisions;
    screen_row *screens;
    size_t nscreens, screens_cap;
    strset lists_revisions;        /* the screening lists used by the parties screened in scope */
    char latest[11], earliest[11]; /* the latest and earliest ship dates, YYYY-MM-DD, or "" */
    /* No line in scope, so no revision used: the map is drawn from the revision recorded last,
     * named here ("" otherwise); its provisions are then the report's p. */
    char map_revision[65];
} report;

/* The provisions of the revisions used, from the rules revisions recorded in the ledger. */
typedef struct prov {
    char *id, *kind, *title, *citation, *source, *eccn, *effective, *ends, *tests;
    int other_tests;
} prov;

typedef struct provs {
    prov *v;
    size_t n, cap;
} provs;

/* The date a report's period ends, as its scope says: --until, else the run's latest ship date
 * for a report of one run, else the day it was generated. */
void eccn_report_period_end(const report *r, char out[11]);
/* Fills r (whose l, o, out and err are set) and p: groups and parts sorted, revisions and
 * provisions sorted and each once. Free both with eccn_report_data_free, also after a failure. */
int eccn_report_data_gather(report *r, provs *p);
void eccn_report_data_free(report *r, provs *p);
const prov *eccn_report_find_prov(const provs *p, const char *id);
int eccn_report_strset_add(strset *s, const char *v);
void eccn_report_strset_free(strset *s);

/* report_screen.c: the screening findings in scope (r->screens, r->lists_revisions). */
int eccn_report_screening_gather(report *r);
/* How report.c writes a document, for the screening section. */
typedef struct doc_ops {
    void (*heading)(void *d, int level, const char *t);
    void (*para)(void *d, const char *t);
    void (*table_begin)(void *d, const char *const *heads, size_t n);
    void (*row)(void *d, const char *const *cells, size_t n);
    void (*table_end)(void *d);
    void *d;
} doc_ops;
void eccn_report_screening_doc(const report *r, const doc_ops *ops);
void eccn_report_screening_json(const report *r, jsonw *w);
int eccn_report_screening_csv(const report *r);

#endif
