/* gen_inventory.c: writes an inventory CSV of N lines for the audit and report benchmarks.
 *
 * Usage: eccn-gen-inventory [--seed S] [--vendor DIR] [--data DIR] [--customers C] [--easy] [N]
 *
 * The default file looks like a sales-order export from an ERP system: orders of one to five
 * lines, each order for one of some thousands of customers (with a customer number, a ship-to
 * country that is usually but not always the customer's own, and a headquarters country taken
 * from the customer master, blank for a fifth of them), ship dates across 2022-2026, quantities
 * from 1 to 512, prices, currency, incoterms and plant. Parts are drawn from the vendors'
 * published export-classification tables (NVIDIA's part numbers with their 40-character
 * descriptions, "Generic Part Number" included; AMD's part numbers, suffixes included, which
 * carry no description) and from the model names of eccn's own catalogue (data/devices.yaml),
 * given as a bare description or in the part column, as inventories hold them. Popular parts
 * recur: within each source a part's rank is drawn with a power law. Destinations follow a fixed
 * mix, about one in twenty spelled as a country name. The header names are those that eccn's
 * audit reads (order_line, material, description, qty, ship_to_country, ship_date, consignee,
 * hq_country) among columns it ignores.
 *
 * --customers C draws the orders from C customers (6,000 by default; bench/audit_screen.sh takes
 * 4,000, whose consignee names are screened once each).
 * --easy writes the earlier benchmark's file instead: 16 parts, 20 destinations, no consignee.
 * Deterministic: the same seed, tables and N give the same bytes.
 *
 * --vendor defaults to ../shared/data/vendor beside the source tree (where CI and a clean
 * checkout have it), --data to the source tree's data/. Exit 2 when either cannot be read. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ECCN_SOURCE_DIR
#define ECCN_SOURCE_DIR "."
#endif

static uint64_t rng_state;

/* splitmix64: a full-period generator whose every output is a good 64-bit value. */
static uint64_t next64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t below(size_t n)
{
    return n ? (size_t)(next64() % n) : 0;
}

static double unit(void)
{
    return (double)(next64() >> 11) / 9007199254740992.0;
}

/* A rank in [0, n) with a power law: rank 0 most often, the tail rarely. */
static size_t ranked(size_t n)
{
    double u = unit();
    size_t r = (size_t)((double)n * u * u * u);
    return r < n ? r : n - 1;
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("eccn-gen-inventory: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        fail("out of memory");
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = xrealloc(NULL, cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 4096)
            buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* One CSV record of up to 8 fields from *p (RFC 4180 quoting); advances *p past it. Returns the
 * number of fields, 0 at the end. */
static size_t csv_record(char **p, char *fields[8])
{
    char *s = *p;
    size_t nf = 0;
    if (!*s)
        return 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    break;
                if (*s == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
        } else {
            while (*s && *s != ',' && *s != '\n' && *s != '\r')
                out++, s++;
        }
        char end = *s;
        *out = '\0';
        if (nf < 8)
            fields[nf++] = start;
        if (end == ',') {
            s++;
            continue;
        }
        if (end == '\r' || end == '\n') { /* *s may be the '\0' just written */
            s++;
            if (end == '\r' && *s == '\n')
                s++;
        }
        break;
    }
    *p = s;
    return nf;
}

typedef struct {
    const char *part, *desc;
} item;

typedef struct {
    item *v;
    size_t n, cap;
} items;

static void add(items *l, const char *part, const char *desc)
{
    if (l->n == l->cap)
        l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 256) * sizeof *l->v);
    l->v[l->n++] = (item){part, desc};
}

/* A fixed shuffle, so that which parts are popular does not follow the tables' order. */
static void shuffle(items *l)
{
    for (size_t i = l->n; i > 1; i--) {
        size_t j = below(i);
        item t = l->v[i - 1];
        l->v[i - 1] = l->v[j];
        l->v[j] = t;
    }
}

static int advanced(const char *eccn)
{
    return strncmp(eccn, "3A090", 5) == 0 || strncmp(eccn, "4A090", 5) == 0 ||
           strstr(eccn, ".z") != NULL;
}

/* A vendor table: its rows with a part number, split into advanced-computing classifications
 * (3A090, 4A090 and the .z paragraphs) and the rest. */
static void load_vendor(const char *dir, const char *prefix, items *adv, items *other)
{
    /* The file is dated (nvidia-2026-07-31.csv): the newest whose name starts with prefix-. */
    char name[256] = "", path[4096];
    DIR *dp = opendir(dir);
    if (!dp)
        fail("%s: %s (the vendor tables' directory: give it with --vendor DIR; it is "
             "../shared/data/vendor beside a checkout)",
             dir, strerror(errno));
    size_t plen = strlen(prefix);
    for (struct dirent *e; (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, plen) == 0 && e->d_name[plen] == '-' && len > 4 &&
            len < sizeof name && strcmp(e->d_name + len - 4, ".csv") == 0 &&
            strcmp(e->d_name, name) > 0)
            snprintf(name, sizeof name, "%s", e->d_name);
    }
    closedir(dp);
    if (!name[0])
        fail("%s: no %s-*.csv vendor table there", dir, prefix);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = read_file(path);
    if (!text)
        fail("%s: %s", path, strerror(errno));
    char *p = text, *f[8];
    size_t nf = csv_record(&p, f);
    int col_part = -1, col_desc = -1, col_eccn = -1;
    for (size_t i = 0; i < nf; i++) {
        if (strcmp(f[i], "part_number") == 0)
            col_part = (int)i;
        else if (strcmp(f[i], "description") == 0)
            col_desc = (int)i;
        else if (strcmp(f[i], "eccn") == 0)
            col_eccn = (int)i;
    }
    if (col_part < 0 || col_eccn < 0)
        fail("%s: no part_number or eccn column", path);
    while ((nf = csv_record(&p, f)) > 0) {
        if ((size_t)col_part >= nf || (size_t)col_eccn >= nf || !*f[col_part])
            continue;
        const char *desc = col_desc >= 0 && (size_t)col_desc < nf ? f[col_desc] : "";
        add(advanced(f[col_eccn]) ? adv : other, f[col_part], desc);
    }
    /* text stays allocated: the items point into it */
}

/* The catalogue's model names: every string of each `aliases: [...]` line of devices.yaml. */
static void load_catalogue(const char *dir, items *models)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/devices.yaml", dir);
    char *text = read_file(path);
    if (!text)
        fail("%s: %s (give the catalogue's directory with --data DIR)", path, strerror(errno));
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *a = strstr(line, "aliases:");
        if (a)
            for (char *q = strchr(a, '"'); q; q = strchr(q, '"')) {
                char *e = strchr(q + 1, '"');
                if (!e)
                    break;
                add(models, xstrndup(q + 1, (size_t)(e - q - 1)), "");
                q = e + 1;
            }
        line = nl ? nl + 1 : NULL;
    }
    if (!models->n)
        fail("%s: no model names (aliases) found", path);
}

/* Destinations and their weights (per mille), roughly an accelerator vendor's sales mix, with
 * the common English name eccn also accepts. */
static const struct {
    const char *code, *name;
    unsigned weight;
} DESTS[] = {
    {"US", "United States", 260}, {"CN", "China", 70},        {"TW", "Taiwan", 60},
    {"SG", "Singapore", 60},      {"DE", "Germany", 45},      {"JP", "Japan", 45},
    {"GB", "United Kingdom", 35}, {"KR", "South Korea", 35},  {"IN", "India", 35},
    {"NL", "Netherlands", 30},    {"HK", "Hong Kong", 30},    {"FR", "France", 25},
    {"CA", "Canada", 25},         {"MY", "Malaysia", 25},     {"AE", "UAE", 20},
    {"IL", "Israel", 20},         {"SA", "Saudi Arabia", 15}, {"VN", "Vietnam", 15},
    {"AU", "Australia", 15},      {"IE", "Ireland", 15},      {"SE", "Sweden", 10},
    {"CH", "Switzerland", 10},    {"IT", "Italy", 10},        {"ES", "Spain", 10},
    {"BR", "Brazil", 10},         {"MX", "Mexico", 10},       {"TH", "Thailand", 10},
    {"ID", "Indonesia", 10},      {"PL", "Poland", 10},       {"FI", "Finland", 8},
    {"MO", "Macao", 3},           {"RU", "Russia", 2},        {"IR", "Iran", 1},
};
enum { NDESTS = sizeof DESTS / sizeof *DESTS };

static size_t draw_dest(void)
{
    static unsigned total;
    if (!total)
        for (size_t i = 0; i < NDESTS; i++)
            total += DESTS[i].weight;
    unsigned r = (unsigned)below(total);
    for (size_t i = 0; i < NDESTS; i++) {
        if (r < DESTS[i].weight)
            return i;
        r -= DESTS[i].weight;
    }
    return 0;
}

static const char *legal_suffix(const char *cc)
{
    static const struct {
        const char *cc, *suffix;
    } S[] = {{"US", "Inc."},      {"CN", "Co., Ltd."},    {"TW", "Co., Ltd."},
             {"SG", "Pte. Ltd."}, {"DE", "GmbH"},         {"JP", "K.K."},
             {"GB", "Ltd"},       {"KR", "Co., Ltd."},    {"IN", "Pvt. Ltd."},
             {"NL", "B.V."},      {"HK", "Limited"},      {"FR", "SAS"},
             {"MY", "Sdn. Bhd."}, {"AE", "FZ-LLC"},       {"SA", "LLC"},
             {"VN", "JSC"},       {"IE", "DAC"},          {"SE", "AB"},
             {"CH", "AG"},        {"IT", "S.p.A."},       {"ES", "S.L."},
             {"BR", "Ltda."},     {"MX", "S.A. de C.V."}, {"TH", "Co., Ltd."},
             {"ID", "PT"},        {"PL", "Sp. z o.o."},   {"FI", "Oy"}};
    for (size_t i = 0; i < sizeof S / sizeof *S; i++)
        if (strcmp(S[i].cc, cc) == 0)
            return S[i].suffix;
    return "Ltd.";
}

typedef struct {
    char name[96];
    size_t home, hq; /* indexes into DESTS; hq == NDESTS: blank in the export */
} customer;

static void make_customers(customer *c, size_t n)
{
    static const char *const A[] = {
        "Northwind",  "Blue Ridge", "Pacific", "Aurora",   "Golden Gate", "Summit",   "Harbor",
        "Crescent",   "Evergreen",  "Atlas",   "Meridian", "Polaris",     "Lakeside", "Redwood",
        "Silverline", "Orion",      "Zenith",  "Vertex",   "Horizon",     "Nimbus",   "Cobalt",
        "Granite",    "Sapphire",   "Kestrel", "Falcon",   "Jade",        "Lotus",    "Maple",
        "Shenzhen",   "Hangzhou",   "Penang",  "Hsinchu",  "Bangalore",   "Osaka",    "Munich"};
    static const char *const B[] = {
        "Data Systems", "Cloud",          "Computing", "AI Labs",       "Technologies",
        "Networks",     "Research",       "Digital",   "Semiconductor", "Hosting",
        "Analytics",    "Supercomputing", "Trading",   "Electronics",   "Infrastructure",
        "Robotics",     "Data Centers",   "Solutions"};
    static const char *const C[] = {
        "", "", "", "", " Asia", " Europe", " Holdings", " Global", " Pacific", " International"};
    /* Parent countries of foreign-owned customers. */
    static const char *const PARENTS[] = {"US", "CN", "JP", "DE", "GB", "KR", "TW", "CN", "CN"};
    for (size_t i = 0; i < n; i++) {
        customer *k = &c[i];
        k->home = draw_dest();
        const char *cc = DESTS[k->home].code;
        /* Names may repeat, as real ones do; the customer number tells them apart. */
        snprintf(k->name, sizeof k->name, "%s %s%s %s", A[below(sizeof A / sizeof *A)],
                 B[below(sizeof B / sizeof *B)], C[below(sizeof C / sizeof *C)], legal_suffix(cc));
        if (below(5) == 0) {
            k->hq = NDESTS;
        } else if (below(8) == 0) {
            const char *p = PARENTS[below(sizeof PARENTS / sizeof *PARENTS)];
            k->hq = k->home;
            for (size_t d = 0; d < NDESTS; d++)
                if (strcmp(DESTS[d].code, p) == 0)
                    k->hq = d;
        } else {
            k->hq = k->home;
        }
    }
}

/* A CSV cell: quoted when it holds a comma, a quote or a line break. */
static void cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

static int easy(long n)
{
    static const char *const parts[][2] = {
        {"900-21010-0000-000", "NVIDIA H100 PCIe 80GB"},
        {"935-24287-0000-000", "HGX H100 8-GPU 80GB HBM3"},
        {"935-24287-00A0-000", "HGX H800 8-GPU, SXM5 80GB HBM3"},
        {"900-21001-0030-100", "NVIDIA A800 80GB PCIe"},
        {"900-21001-0020-100", "NVIDIA A100 80GB PCIe"},
        {"H20", "NVIDIA H20 96GB HBM3"},
        {"900-2G133-0080-000", "NVIDIA L40S 48GB"},
        {"900-2G133-0010-000", "NVIDIA L40 48GB"},
        {"900-2G193-0000-000", "NVIDIA L4 24GB"},
        {"900-2G133-00A0-000", "NVIDIA L20 48GB"},
        {"", "GeForce RTX 4090 24GB"},
        {"", "GeForce RTX 4090 D 24GB"},
        {"900-2G133-0000-100", "NVIDIA A40 48GB"},
        {"MI300X", "AMD Instinct MI300X OAM"},
        {"HL-225B", "Intel Gaudi 2 HL-225B"},
        {"935-26287-00A0-000", "HGX B200 8-GPU 180GB HBM3e"},
    };
    static const char *const dests[] = {"CN", "HK", "MO", "VN", "SA", "AE", "IL", "DE", "JP", "US",
                                        "IN", "SG", "MY", "TW", "KR", "GB", "RU", "NL", "BR", "MX"};
    unsigned long long s = 88172645463325252ull;
    printf("order_line,part_number,description,qty,ship_to_country,ship_date\n");
    for (long i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        unsigned p = (unsigned)(s % 16), d = (unsigned)((s >> 8) % 20);
        unsigned y = 2022 + (unsigned)((s >> 16) % 5), m = 1 + (unsigned)((s >> 24) % 12),
                 day = 1 + (unsigned)((s >> 32) % 28), q = 1 + (unsigned)((s >> 40) % 64);
        const char *desc = parts[p][1];
        int quote = strchr(desc, ',') != NULL || (s >> 48) % 4 == 0;
        printf("SO-%07ld-%ld,%s,%s%s%s,%u,%s,%04u-%02u-%02u\n", i / 4, i % 4 + 1, parts[p][0],
               quote ? "\"" : "", desc, quote ? "\"" : "", q, dests[d], y, m, day);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *vendor = ECCN_SOURCE_DIR "/../shared/data/vendor";
    const char *data = ECCN_SOURCE_DIR "/data";
    uint64_t seed = 20260731;
    long n = 1000000;
    int easy_mode = 0;
    size_t ncustomers = 6000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--vendor") == 0 && i + 1 < argc)
            vendor = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--easy") == 0)
            easy_mode = 1;
        else if (strcmp(argv[i], "--customers") == 0 && i + 1 < argc &&
                 (ncustomers = strtoul(argv[++i], NULL, 10)) > 0)
            continue;
        else if (argv[i][0] != '-' && (n = atol(argv[i])) >= 0)
            continue;
        else
            fail("usage: eccn-gen-inventory [--seed S] [--vendor DIR] [--data DIR] [--customers C] "
                 "[--easy] [N]");
    }
    if (easy_mode)
        return easy(n);
    rng_state = seed;

    items nv_adv = {0}, nv_other = {0}, amd_adv = {0}, amd_other = {0}, models = {0};
    load_vendor(vendor, "nvidia", &nv_adv, &nv_other);
    load_vendor(vendor, "amd", &amd_adv, &amd_other);
    load_catalogue(data, &models);
    items *all[] = {&nv_adv, &nv_other, &amd_adv, &amd_other, &models};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        shuffle(all[i]);

    customer *cust = calloc(ncustomers, sizeof *cust);
    if (!cust)
        fail("out of memory");
    make_customers(cust, ncustomers);

    static const char *const INCOTERMS[] = {"FCA", "DAP", "DDP", "EXW", "CIP"};
    static const char *const PLANTS[] = {"US10", "US20", "SG01", "TW01", "NL01", "MX01"};
    static const unsigned QTY[] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 8, 16, 32, 64, 128, 512};
    printf("sales_order,order_line,customer_no,consignee,hq_country,ship_to_country,ship_date,"
           "material,description,qty,uom,unit_price,currency,incoterms,plant\n");
    long order = 4500000, line = 0;
    size_t k = 0, dest = 0, lines_left = 0;
    unsigned y = 2022, m = 1, d = 1;
    for (long i = 0; i < n; i++) {
        if (lines_left == 0) { /* a new order: customer, ship-to and date for all its lines */
            order++, line = 0;
            lines_left = 1 + ranked(5);
            k = ranked(ncustomers);
            dest = below(5) == 0 ? draw_dest() : cust[k].home;
            y = 2022 + (unsigned)below(5), m = 1 + (unsigned)below(12), d = 1 + (unsigned)below(28);
        }
        lines_left--;
        line += 10;
        /* 35% NVIDIA's table (most of it accelerators), 20% AMD's, 45% catalogue model names. */
        const char *part, *desc;
        size_t src = below(100);
        if (src < 35) {
            items *l = below(3) ? &nv_adv : &nv_other;
            item it = l->v[ranked(l->n)];
            part = it.part, desc = it.desc;
        } else if (src < 55) {
            items *l = below(3) ? &amd_adv : &amd_other;
            item it = l->v[ranked(l->n)];
            part = it.part, desc = it.desc;
        } else {
            const char *model = models.v[ranked(models.n)].part;
            if (src < 80)
                part = "", desc = model;
            else
                part = model, desc = "";
        }
        const char *dest_text =
            below(20) == 0 ? DESTS[dest].name : DESTS[dest].code; /* some exports spell it */
        const char *hq = cust[k].hq == NDESTS ? "" : DESTS[cust[k].hq].code;
        unsigned price = 150 + (unsigned)below(40000);
        printf("%ld,%ld-%06ld,C%06zu,", order, order, line, 100000 + k);
        cell(stdout, cust[k].name);
        printf(",%s,", hq);
        cell(stdout, dest_text);
        printf(",%04u-%02u-%02u,", y, m, d);
        cell(stdout, part);
        putchar(',');
        cell(stdout, desc);
        printf(",%u,EA,%u.%02u,USD,%s,%s\n", QTY[below(sizeof QTY / sizeof *QTY)], price,
               (unsigned)below(100), INCOTERMS[below(sizeof INCOTERMS / sizeof *INCOTERMS)],
               PLANTS[below(sizeof PLANTS / sizeof *PLANTS)]);
    }
    free(cust);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
