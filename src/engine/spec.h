/*
 * spec.h: a part's specification and the metrics the rules speak of.
 *
 * A spec holds what is known of one IC: dense throughput per precision, a directly given TPP, die
 * area, bandwidths and yes/no flags (datacenter, hbm). Every figure has a "known" bit; an unknown
 * figure is never treated as zero. eccn_metrics_derive fills TPP, performance density and I/O
 * bandwidth from the rest, following the regulation's technical notes (docs/metrics.md).
 */
#ifndef ECCN_SPEC_H
#define ECCN_SPEC_H

#include "util.h"

typedef enum {
    ECCN_M_TPP,
    ECCN_M_PD,
    ECCN_M_DIE_AREA,
    ECCN_M_IO_BW,
    ECCN_M_INTERCONNECT,
    ECCN_M_PCIE,
    ECCN_M_MEM_BW,
    ECCN_M_PACKAGE_AREA, /* mm2 of a memory package or stack (3A090.c) */
    ECCN_M_MBD,          /* memory bandwidth density, GB/s per mm2 (3A090.c) */
    ECCN_M_FP64,
    ECCN_M_FP32,
    ECCN_M_TF32,
    ECCN_M_FP16,
    ECCN_M_BF16,
    ECCN_M_FP8,
    ECCN_M_INT8,
    ECCN_M_INT4,
    ECCN_M_FP4,
    ECCN_M_COUNT
} eccn_metric;

#define ECCN_M_FIRST_PRECISION ECCN_M_FP64

/* Yes/no facts about a part, each possibly unknown. */
typedef enum {
    ECCN_FLAG_DATACENTER, /* designed or marketed for use in datacenters */
    ECCN_FLAG_HBM,        /* high-bandwidth memory whose dominant function is memory (3A090.c) */
    ECCN_FLAG_COUNT
} eccn_flag;

typedef struct eccn_spec {
    double v[ECCN_M_COUNT];
    uint32_t known;            /* bit m set when v[m] is known */
    int flag[ECCN_FLAG_COUNT]; /* 1 yes, 0 no, -1 unknown */
    char name[128];            /* free text, may be empty */
    /* Filled by eccn_metrics_derive: */
    eccn_metric tpp_basis; /* the precision that set TPP, or ECCN_M_TPP when given directly */
} eccn_spec;

void eccn_spec_init(eccn_spec *s);
static inline bool eccn_spec_has(const eccn_spec *s, eccn_metric m)
{
    return (s->known >> m) & 1u;
}
void eccn_spec_set(eccn_spec *s, eccn_metric m, double v);

/* "datacenter", "hbm" to the flag; false when no such flag. */
bool eccn_flag_from_name(const char *name, eccn_flag *out);
const char *eccn_flag_name(eccn_flag f);
/* Parses yes/true/no/false (any case) into 1 or 0; false for anything else. */
bool eccn_yes_no(const char *text, int *out);

/* "tpp", "pd", ... to the metric; false when no such metric. */
bool eccn_metric_from_name(const char *name, eccn_metric *out);
const char *eccn_metric_name(eccn_metric m);  /* "tpp" */
const char *eccn_metric_label(eccn_metric m); /* "TPP" */

/* Computes TPP (unless given), PD, I/O bandwidth (unless given) and memory bandwidth density in
 * place. */
void eccn_metrics_derive(eccn_spec *s);

/* Parses "fp8=1979,die_area=814,datacenter=yes,name=My part". An unknown key, a value that is not
 * a finite non-negative number, or a repeated key is an error naming the key and value. */
int eccn_spec_parse(const char *text, eccn_spec *out, eccn_error *err);
/* The canonical "key=value,..." form of the inputs (not derived values) for the ledger. */
int eccn_spec_format(const eccn_spec *s, eccn_buf *out);

#endif
