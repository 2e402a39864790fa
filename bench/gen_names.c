/* gen_names.c: writes N distinct party names for the screening benchmark (bench/screen.sh), half
 * taken from the lists' names and aliases with an ERP's perturbations (legal form added or
 * changed, upper case, words in another order, two letters swapped in the longest word, a space
 * dropped, a branch or city added), half made-up clean names (three words from fixed lists and a
 * legal form). Deterministic, so runs compare. Usage: eccn-gen-names LISTS.csv [N] */
#include "csvr.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Open addressing over 64-bit hashes: a name is written once. */
static uint64_t *seen;
static size_t nseen_slots;

/* True the first time s is seen; its tabs (some aliases hold one) become spaces, since a tab
 * starts the country in `eccn screen --batch`. */
static bool first_time(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\t')
            *p = ' ';
    uint64_t h = eccn_hash64(s, strlen(s)) | 1;
    size_t i = h & (nseen_slots - 1);
    for (; seen[i]; i = (i + 1) & (nseen_slots - 1))
        if (seen[i] == h)
            return false;
    seen[i] = h;
    return true;
}

static void perturb(const char *name, unsigned k, char *out, size_t outsz)
{
    static const char *const tails[] = {" Shenzhen Branch", " (Dubai Office)", " Moscow",
                                        " Hong Kong Branch", " - Istanbul"};
    char *sp, *best = NULL;
    size_t bestlen = 0;
    snprintf(out, outsz, "%s", name);
    switch (k % 6) {
    case 1: /* upper case, another legal form */
        for (char *p = out; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        strncat(out, " CO., LTD.", outsz - strlen(out) - 1);
        break;
    case 2: /* the first word moved to the end */
        if ((sp = strchr(name, ' ')))
            snprintf(out, outsz, "%s %.*s", sp + 1, (int)(sp - name), name);
        break;
    case 3: /* two letters swapped in the middle of the longest word */
        for (char *p = out; *p;) {
            size_t n = strcspn(p, " ,.-");
            if (n > bestlen)
                best = p, bestlen = n;
            p += n + (p[n] != '\0');
        }
        if (bestlen >= 7) {
            char c = best[bestlen / 2];
            best[bestlen / 2] = best[bestlen / 2 + 1];
            best[bestlen / 2 + 1] = c;
        }
        break;
    case 4: /* a space dropped */
        if ((sp = strchr(out, ' ')))
            memmove(sp, sp + 1, strlen(sp));
        break;
    case 5:
        strncat(out, tails[(k / 6) % 5], outsz - strlen(out) - 1);
        break;
    }
}

static void clean_name(unsigned long i, char *out, size_t outsz)
{
    static const char *const a[] = {
        "Nord",    "Alpen",   "Blue",    "Silver",  "Pacific", "Atlas", "Cedar",  "Granite",
        "Harbor",  "Ivory",   "Juniper", "Kestrel", "Lumen",   "Maple", "Nimbus", "Orchid",
        "Pioneer", "Quarry",  "Redwood", "Summit",  "Tundra",  "Umber", "Vertex", "Willow",
        "Yarrow",  "Zephyr",  "Amber",   "Birch",   "Coral",   "Dune",  "Ember",  "Fjord",
        "Glacier", "Heather", "Indigo",  "Jasper",  "Kelp",    "Larch", "Meadow", "Nova"};
    static const char *const b[] = {
        "Precision", "Analytics", "Logistics", "Foods",     "Textiles",  "Robotics", "Optics",
        "Marine",    "Dental",    "Printing",  "Furniture", "Ceramics",  "Software", "Pharma",
        "Packaging", "Lighting",  "Acoustics", "Bakery",    "Coatings",  "Sensors",  "Plastics",
        "Timber",    "Valves",    "Pumps",     "Cables",    "Paper",     "Glass",    "Tools",
        "Farms",     "Studios",   "Imaging",   "Controls",  "Fasteners", "Filters",  "Motors",
        "Bearings",  "Labels",    "Tiles",     "Wines",     "Brewing"};
    static const char *const c[] = {"Partners", "Works",    "Solutions", "Systems", "Supply",
                                    "Services", "Labs",     "Holdings",  "Trading", "Industries",
                                    "Group",    "Products", "Design",    "Europe",  "Americas"};
    static const char *const d[] = {"GmbH", "Ltd", "Inc.", "S.A.", "B.V.", "AB", "Oy", "S.r.l."};
    snprintf(out, outsz, "%s %s %s %s", a[i % 40], b[(i / 40) % 40], c[(i / 1600) % 15],
             d[(i / 24000) % 8]);
}

int main(int argc, char **argv)
{
    eccn_csv *csv = NULL;
    eccn_csv_record rec;
    eccn_error err = {0};
    char buf[1024];
    long n = argc > 2 ? atol(argv[2]) : 100000, listed = 0, clean = 0, col = -1, alt = -1;
    if (argc < 2 || n < 2 || eccn_csv_open(argv[1], ',', &csv, &err) != ECCN_OK) {
        fprintf(stderr, "usage: eccn-gen-names LISTS.csv [N]\n");
        return 2;
    }
    for (nseen_slots = 1; nseen_slots < (size_t)n * 4; nseen_slots *= 2)
        ;
    if (!(seen = calloc(nseen_slots, sizeof *seen)))
        return 2;
    /* Half from the lists: each name and its first alias in turn, the perturbation chosen by
     * its place; the file is read again, with other perturbations, until there are enough. */
    for (unsigned pass = 0; pass < 4 && listed < n / 2; pass++) {
        if (pass > 0 && (eccn_csv_close(csv), eccn_csv_open(argv[1], ',', &csv, &err)) != 0)
            return 2;
        col = alt = -1;
        for (unsigned k = pass * 2; listed < n / 2 && eccn_csv_next(csv, &rec, &err) == 1; k++) {
            if (col < 0) {
                for (size_t i = 0; i < rec.nfields; i++) {
                    col = strcmp(rec.fields[i], "name") == 0 ? (long)i : col;
                    alt = strcmp(rec.fields[i], "alt_names") == 0 ? (long)i : alt;
                }
                continue;
            }
            perturb(rec.fields[col], k, buf, sizeof buf);
            if (first_time(buf) && printf("%s\n", buf) > 0)
                listed++;
            const char *a = alt >= 0 ? rec.fields[alt] : "";
            const char *semi = a[0] ? strstr(a, "; ") : NULL;
            if (a[0] && listed < n / 2) {
                char alias[1024];
                snprintf(buf, sizeof buf, "%.*s", semi ? (int)(semi - a) : (int)strlen(a), a);
                perturb(buf, k + 3, alias, sizeof alias);
                if (first_time(alias) && printf("%s\n", alias) > 0)
                    listed++;
            }
        }
    }
    for (unsigned long i = 0; listed + clean < n; i++) {
        clean_name(i, buf, sizeof buf);
        if (first_time(buf) && printf("%s\n", buf) > 0)
            clean++;
    }
    fprintf(stderr, "eccn-gen-names: %ld names from the lists, perturbed, and %ld clean\n", listed,
            clean);
    eccn_csv_close(csv);
    free(seen);
    return 0;
}
