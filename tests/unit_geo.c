/* unit_geo.c: every name and code Debian's iso-codes gives a country resolves to that country
 * through data/countries.yaml, and the trade names and refusals ERPs need hold.
 * Usage: unit_geo [ISO_3166-1_JSON]. Exit 77 (skipped) when iso-codes is not installed. */
#include "geo.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checked;

static void expect(const eccn_geo *geo, const char *text, const char *want)
{
    const char *code = NULL;
    eccn_error err = {0};
    int rc = eccn_geo_lookup(geo, text, &code, &err);
    checked++;
    if (want ? rc != ECCN_OK || strcmp(code, want) != 0 : rc == ECCN_OK) {
        fprintf(stderr, "'%s': got %s (%s), wanted %s\n", text, code ? code : "none", err.msg,
                want ? want : "a refusal");
        failures++;
    }
}

/* The value of a line `  "key": "value",` of the iso-codes JSON (one field a line, as the
 * package writes it), into out; false for other lines. */
static bool field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat), *end;
    if (!p || !(end = strrchr(p += strlen(pat), '"')) || (size_t)(end - p) >= cap)
        return false;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return !strchr(out, '\\'); /* no escaped names in the package; skip rather than misread */
}

static void iso_names_resolve(const eccn_geo *geo, FILE *f)
{
    static const char *const KEYS[] = {"alpha_3", "numeric", "name", "official_name",
                                       "common_name"};
    char line[1024], code[8] = "", names[5][256];
    bool have[5] = {0};
    while (fgets(line, sizeof line, f)) {
        char v[256];
        if (field(line, "alpha_2", v, sizeof v))
            snprintf(code, sizeof code, "%s", v);
        for (int k = 0; k < 5; k++)
            if (field(line, KEYS[k], v, sizeof v)) {
                memcpy(names[k], v, sizeof v);
                have[k] = true;
            }
        if (strchr(line, '}')) { /* the end of one country */
            for (int k = 0; k < 5 && code[0]; k++)
                if (have[k])
                    expect(geo, names[k], code);
            memset(have, 0, sizeof have);
            code[0] = '\0';
        }
    }
}

int main(int argc, char **argv)
{
    const char *iso = argc > 1 ? argv[1] : "/usr/share/iso-codes/json/iso_3166-1.json";
    FILE *f = fopen(iso, "r");
    if (!f) {
        printf("SKIPPED: %s not found (apt-get install iso-codes)\n", iso);
        return 77;
    }
    ydoc *countries = NULL, *groups = NULL;
    eccn_geo *geo = NULL;
    eccn_error err = {0};
    if (ydoc_load_file(SRC_DIR "/data/countries.yaml", &countries, &err) != ECCN_OK ||
        ydoc_load_file(SRC_DIR "/data/country-groups.yaml", &groups, &err) != ECCN_OK ||
        eccn_geo_load(countries, groups, &geo, &err) != ECCN_OK) {
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
        return 1;
    }
    iso_names_resolve(geo, f);
    fclose(f);
    int from_iso = checked;
    /* What ERP exports write, from the issue that asked for it. */
    const char *trade[][2] = {
        {"Macau", "MO"},
        {"Macao", "MO"},
        {"Mainland China", "CN"},
        {"PRC", "CN"},
        {"Hong Kong SAR", "HK"},
        {"Hongkong", "HK"},
        {"HONG-KONG", "HK"},
        {"CHN", "CN"},
        {"chn", "CN"},
        {"156", "CN"},
        {"UAE", "AE"},
        {"UK", "GB"},
        {"U.K.", "GB"},
        {"Republic of Korea", "KR"},
        {"South Korea", "KR"},
        {"North Korea", "KP"},
        {" China ", "CN"},
        {"Vietnam", "VN"},
        {"Taiwan", "TW"},
        {"Russia", "RU"},
        {"UA-43", "UA-43"},
    };
    for (size_t i = 0; i < sizeof trade / sizeof *trade; i++)
        expect(geo, trade[i][0], trade[i][1]);
    const char *code;
    if (eccn_geo_lookup(geo, "Korea", &code, &err) != ECCN_EINPUT || !strstr(err.msg, "KR") ||
        !strstr(err.msg, "KP")) {
        fprintf(stderr, "'Korea' not refused with KR and KP: %s\n", err.msg);
        failures++;
    }
    expect(geo, "Atlantis", NULL);
    expect(geo, "", NULL);
    printf("%d names checked (%d from iso-codes), %d wrong\n", checked, from_iso, failures);
    eccn_geo_free(geo);
    ydoc_free(countries);
    ydoc_free(groups);
    return failures || from_iso < 700 ? 1 : 0;
}
