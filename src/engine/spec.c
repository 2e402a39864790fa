/* spec.c: specs, metrics and the --spec syntax (see spec.h and docs/metrics.md). */
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *label;
    int bits;
} METRICS[ECCN_M_COUNT] = {
    [ECCN_M_TPP] = {"tpp", "TPP", 0},
    [ECCN_M_PD] = {"pd", "PD", 0},
    [ECCN_M_DIE_AREA] = {"die_area", "die area (mm2)", 0},
    [ECCN_M_IO_BW] = {"io_bw", "I/O bandwidth (GB/s)", 0},
    [ECCN_M_INTERCONNECT] = {"interconnect", "interconnect (GB/s)", 0},
    [ECCN_M_PCIE] = {"pcie", "host PCIe (GB/s)", 0},
    [ECCN_M_MEM_BW] = {"mem_bw", "DRAM bandwidth (GB/s)", 0},
    [ECCN_M_PACKAGE_AREA] = {"package_area", "package area (mm2)", 0},
    [ECCN_M_MBD] = {"mbd", "memory bandwidth density (GB/s/mm2)", 0},
    /* Bit length of the multiply's inputs (88 FR 73458, 3A090 Technical Note 2). These are the
     * widths of the number formats themselves, not regulatory figures. TF32 carries 19 significant
     * bits (1 sign, 8 exponent, 10 mantissa) in a 32-bit container; the multiply reads 19. */
    [ECCN_M_FP64] = {"fp64", "FP64 (TFLOPS)", 64},
    [ECCN_M_FP32] = {"fp32", "FP32 (TFLOPS)", 32},
    [ECCN_M_TF32] = {"tf32", "TF32 (TFLOPS)", 19},
    [ECCN_M_FP16] = {"fp16", "FP16 (TFLOPS)", 16},
    [ECCN_M_BF16] = {"bf16", "BF16 (TFLOPS)", 16},
    [ECCN_M_FP8] = {"fp8", "FP8 (TFLOPS)", 8},
    [ECCN_M_INT8] = {"int8", "INT8 (TOPS)", 8},
    [ECCN_M_INT4] = {"int4", "INT4 (TOPS)", 4},
    [ECCN_M_FP4] = {"fp4", "FP4 (TFLOPS)", 4},
};

static const char *const FLAGS[ECCN_FLAG_COUNT] = {"datacenter", "hbm"};

void eccn_spec_init(eccn_spec *s)
{
    memset(s, 0, sizeof *s);
    for (int f = 0; f < ECCN_FLAG_COUNT; f++)
        s->flag[f] = -1;
    s->tpp_basis = ECCN_M_TPP;
}

bool eccn_flag_from_name(const char *name, eccn_flag *out)
{
    for (int f = 0; f < ECCN_FLAG_COUNT; f++)
        if (strcmp(FLAGS[f], name) == 0) {
            *out = (eccn_flag)f;
            return true;
        }
    return false;
}

const char *eccn_flag_name(eccn_flag f)
{
    return FLAGS[f];
}

bool eccn_yes_no(const char *text, int *out)
{
    if (eccn_streq_ci(text, "yes") || eccn_streq_ci(text, "true"))
        *out = 1;
    else if (eccn_streq_ci(text, "no") || eccn_streq_ci(text, "false"))
        *out = 0;
    else
        return false;
    return true;
}

void eccn_spec_set(eccn_spec *s, eccn_metric m, double v)
{
    s->v[m] = v;
    s->known |= 1u << m;
}

bool eccn_metric_from_name(const char *name, eccn_metric *out)
{
    /* The first byte first: the catalogue asks about every key of every part (about a thousand). */
    for (int m = 0; m < ECCN_M_COUNT; m++)
        if (METRICS[m].name[0] == name[0] && strcmp(METRICS[m].name, name) == 0) {
            *out = (eccn_metric)m;
            return true;
        }
    return false;
}

const char *eccn_metric_name(eccn_metric m)
{
    return METRICS[m].name;
}

const char *eccn_metric_label(eccn_metric m)
{
    return METRICS[m].label;
}

void eccn_metrics_derive(eccn_spec *s)
{
    /* An HBM device's dominant function is memory (3A090.c technical note): with no throughput
     * figures it performs no multiply-accumulates, so its processing performance is zero. */
    bool any_rate = false;
    for (int m = ECCN_M_FIRST_PRECISION; m < ECCN_M_COUNT; m++)
        any_rate |= eccn_spec_has(s, (eccn_metric)m);
    if (s->flag[ECCN_FLAG_HBM] == 1 && !any_rate && !eccn_spec_has(s, ECCN_M_TPP))
        eccn_spec_set(s, ECCN_M_TPP, 0);
    /* TPP = 2 x MacTOPS x bit length; a vendor's dense TOPS/TFLOPS already counts 2 operations per
     * MAC, so TPP is the largest dense rate x its bit length. Precisions are never added together:
     * the note asks for the highest TPP over the bit lengths the part supports. */
    if (!eccn_spec_has(s, ECCN_M_TPP)) {
        double best = -1;
        for (int m = ECCN_M_FIRST_PRECISION; m < ECCN_M_COUNT; m++) {
            if (!eccn_spec_has(s, (eccn_metric)m))
                continue;
            double t = s->v[m] * METRICS[m].bits;
            if (t > best) {
                best = t;
                s->tpp_basis = (eccn_metric)m;
            }
        }
        if (best >= 0)
            eccn_spec_set(s, ECCN_M_TPP, best);
    }
    if (!eccn_spec_has(s, ECCN_M_PD) && eccn_spec_has(s, ECCN_M_TPP) &&
        eccn_spec_has(s, ECCN_M_DIE_AREA) && s->v[ECCN_M_DIE_AREA] > 0)
        eccn_spec_set(s, ECCN_M_PD, s->v[ECCN_M_TPP] / s->v[ECCN_M_DIE_AREA]);
    /* The 2022 I/O test counts every input and output to ICs other than volatile memory: the
     * chip-to-chip links and the host link together. One of the two unknown means the sum is. */
    if (!eccn_spec_has(s, ECCN_M_IO_BW) && eccn_spec_has(s, ECCN_M_INTERCONNECT) &&
        eccn_spec_has(s, ECCN_M_PCIE))
        eccn_spec_set(s, ECCN_M_IO_BW, s->v[ECCN_M_INTERCONNECT] + s->v[ECCN_M_PCIE]);
    /* 3A090 Technical Note to .c: memory bandwidth over the area of the package or stack. */
    if (!eccn_spec_has(s, ECCN_M_MBD) && eccn_spec_has(s, ECCN_M_MEM_BW) &&
        eccn_spec_has(s, ECCN_M_PACKAGE_AREA) && s->v[ECCN_M_PACKAGE_AREA] > 0)
        eccn_spec_set(s, ECCN_M_MBD, s->v[ECCN_M_MEM_BW] / s->v[ECCN_M_PACKAGE_AREA]);
    /* A part described by its processing throughput is a processor: whatever HBM it carries is
     * co-packaged with logic whose dominant function is processing, which the same note puts
     * outside 3A090.c. Only a part with no throughput at all can be an HBM device. */
    if (s->flag[ECCN_FLAG_HBM] < 0 && eccn_spec_has(s, ECCN_M_TPP))
        s->flag[ECCN_FLAG_HBM] = 0;
}

int eccn_spec_parse(const char *text, eccn_spec *out, eccn_error *err)
{
    char *copy = eccn_strdup(text);
    int rc = ECCN_OK;
    bool seen_name = false;
    uint32_t seen = 0, seen_flag = 0;
    eccn_spec_init(out);
    if (!copy)
        return ECCN_ENOMEM;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        char *eq = strchr(item, '=');
        if (!eq || eq == item) {
            rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0, "expected KEY=VALUE, got '%s'", item);
            goto done;
        }
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        eccn_metric m;
        eccn_flag fl;
        if (eccn_flag_from_name(key, &fl)) {
            if (seen_flag & (1u << fl))
                goto repeated;
            seen_flag |= 1u << fl;
            if (eccn_streq_ci(val, "unknown"))
                out->flag[fl] = -1;
            else if (!eccn_yes_no(val, &out->flag[fl])) {
                rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0,
                               "%s: expected yes, no or unknown, got '%s'", key, val);
                goto done;
            }
        } else if (strcmp(key, "name") == 0) {
            if (seen_name)
                goto repeated;
            seen_name = true;
            snprintf(out->name, sizeof out->name, "%s", val);
        } else if (eccn_metric_from_name(key, &m) && m != ECCN_M_PD && m != ECCN_M_MBD) {
            double v;
            if (seen & (1u << m))
                goto repeated;
            seen |= 1u << m;
            if (!eccn_parse_double(val, &v) || v < 0) {
                rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0,
                               "%s: expected a finite number >= 0, got '%s'", key, val);
                goto done;
            }
            eccn_spec_set(out, m, v);
        } else {
            rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0,
                           "unknown key '%s' (expected fp64, fp32, tf32, fp16, bf16, fp8, int8, "
                           "int4, fp4, tpp, die_area, io_bw, interconnect, pcie, mem_bw, "
                           "package_area, datacenter, hbm, name)",
                           key);
            goto done;
        }
        continue;
    repeated:
        rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0, "key '%s' given twice", key);
        goto done;
    }
    if (out->known == 0 && seen_flag == 0 && !out->name[0])
        rc = eccn_fail(err, ECCN_EINPUT, "--spec", 0, 0, "empty spec");
done:
    free(copy);
    return rc;
}

int eccn_spec_format(const eccn_spec *s, eccn_buf *out)
{
    int rc = ECCN_OK;
    const char *sep = "";
    for (int m = 0; m < ECCN_M_COUNT && rc == ECCN_OK; m++) {
        if (m == ECCN_M_PD || m == ECCN_M_MBD || !eccn_spec_has(s, (eccn_metric)m))
            continue;
        char num[ECCN_FMT_EXACT_SIZE];
        eccn_fmt_exact(s->v[m], num);
        rc = eccn_buf_printf(out, "%s%s=%s", sep, METRICS[m].name, num);
        sep = ",";
    }
    for (int f = 0; f < ECCN_FLAG_COUNT && rc == ECCN_OK; f++)
        if (s->flag[f] >= 0) {
            rc = eccn_buf_printf(out, "%s%s=%s", sep, FLAGS[f], s->flag[f] ? "yes" : "no");
            sep = ",";
        }
    if (rc == ECCN_OK && s->name[0])
        rc = eccn_buf_printf(out, "%sname=%s", sep, s->name);
    return rc;
}
