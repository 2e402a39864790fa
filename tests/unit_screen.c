/* unit_screen.c: unit tests of the screening module: normalisation, the edit distance, and the
 * library calls as check --consignee and audit will make them. Usage: unit_screen [DATA_DIR] */
#include "screen_internal.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void normalises(const char *in, const char *want)
{
    eccn_buf b = {0};
    CHECK(eccn_screen_normalise(in, &b) == ECCN_OK);
    if (strcmp(b.data, want) != 0) {
        fprintf(stderr, "normalise '%s': got '%s', wanted '%s'\n", in, b.data, want);
        failures++;
    }
    eccn_buf_free(&b);
}

static void test_normalise(void)
{
    normalises("Huawei Technologies Co., Ltd.", "huawei technologies co ltd");
    normalises("  S.A.  ", "sa");
    normalises("O'Brien & Sons", "obrien sons");
    normalises("Nestlé Škoda Łódź Øresund Straße", "nestle skoda lodz oresund strasse");
    normalises("Ærø Œuvre İstanbul ı", "aero oeuvre istanbul i");
    normalises("Şirketi Ţară Ș Ț", "sirketi tara s t");
    normalises("ООО «Ромашка» Щука Ёж", "ooo romashka shchuka ezh");
    normalises("Almaz–Antey—JSC", "almaz antey jsc");
    normalises("华为技术有限公司", "华为技术有限公司");
    normalises("x\xff\xfey", "x y"); /* invalid UTF-8 is a separator, never a crash */
    normalises("...", "");
    normalises("", "");
}

static void test_edit_distance(void)
{
    CHECK(scr_edit_distance("hikvision", 9, "hikvision", 9, 3) == 0);
    CHECK(scr_edit_distance("hikvison", 8, "hikvision", 9, 3) == 1);
    CHECK(scr_edit_distance("rosoboronexprot", 15, "rosoboronexport", 15, 3) == 1); /* a swap */
    CHECK(scr_edit_distance("technolgies", 11, "technologies", 12, 3) == 1);
    CHECK(scr_edit_distance("samsung", 7, "samsun", 6, 3) == 1);
    CHECK(scr_edit_distance("abcdef", 6, "uvwxyz", 6, 2) == 2); /* capped */
}

static void test_library(const char *data_dir)
{
    eccn_screen_lists *l = NULL;
    eccn_screen_result r;
    eccn_error err = {0};
    if (eccn_screen_lists_load(data_dir, &l, &err) != ECCN_OK) {
        fprintf(stderr, "load %s: %s\n", data_dir, err.msg);
        failures++;
        return;
    }
    const eccn_screen_info *in = eccn_screen_lists_info(l);
    CHECK(in->entries == 25921);
    CHECK(strcmp(in->date, "2026-07-31") == 0);
    CHECK(strlen(in->revision) == 64);
    CHECK(eccn_screen_lists_count(l, "EL") == 3420);
    CHECK(eccn_screen_lists_count(l, "NS-MBS") == 51);
    CHECK(eccn_screen_lists_count(l, "XX") == 0);

    CHECK(eccn_screen_query(l, "HuaweiTechnologies Shenzhen Branch", "CN", &r, &err) == ECCN_OK);
    CHECK(r.verdict == ECCN_SCREEN_HIT);
    CHECK(r.nmatches > 0 && r.matches[0].score >= 0.9);
    CHECK(r.nmatches > 0 && strstr(r.matches[0].entry->name, "Huawei") != NULL);
    CHECK(strcmp(r.revision, in->revision) == 0);
    for (size_t i = 1; i < r.nmatches; i++) /* best first, one per entry */
        CHECK(r.matches[i].score <= r.matches[i - 1].score &&
              r.matches[i].entry != r.matches[i - 1].entry);
    eccn_buf b = {0};
    jsonw w;
    jsonw_init(&w, &b);
    eccn_screen_result_json(&r, &w);
    CHECK(w.status == ECCN_OK);
    CHECK(strstr(b.data, "\"result\":\"hit\"") && strstr(b.data, "\"country\":\"CN\""));
    CHECK(strstr(b.data, "{\"query\":\"huawei\",\"listed\":\"huawei\",\"similarity\":1}"));
    eccn_buf_free(&b);
    eccn_screen_result_free(&r);

    /* A country elsewhere lowers a score by the factor, and never to zero. */
    eccn_screen_result other;
    CHECK(eccn_screen_query(l, "Rosoboronexport", "RU", &r, &err) == ECCN_OK);
    CHECK(eccn_screen_query(l, "Rosoboronexport", "FR", &other, &err) == ECCN_OK);
    CHECK(r.nmatches && other.nmatches && other.matches[0].country_differs &&
          other.matches[0].score > 0 && other.matches[0].score < r.matches[0].score);
    eccn_screen_result_free(&r);
    eccn_screen_result_free(&other);

    CHECK(eccn_screen_query(l, "Robert Bosch GmbH", NULL, &r, &err) == ECCN_OK);
    CHECK(r.verdict == ECCN_SCREEN_CLEAR && r.nmatches == 0);
    eccn_screen_result_free(&r);
    CHECK(eccn_screen_query(l, "- / -", NULL, &r, &err) == ECCN_EINPUT);
    CHECK(strstr(err.msg, "no letters or digits") != NULL);
    CHECK(eccn_screen_query(l, "Huawei", "cn", &r, &err) == ECCN_EINPUT);
    eccn_screen_lists_free(l);

    /* A data directory without lists is an error naming the manifest. */
    CHECK(eccn_screen_lists_load("/nonexistent", &l, &err) != ECCN_OK && l == NULL);
    CHECK(strstr(err.file, "lists/lists.yaml") != NULL);
}

int main(int argc, char **argv)
{
    test_normalise();
    test_edit_distance();
    test_library(argc > 1 ? argv[1] : "data");
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    else
        printf("unit_screen: all checks passed\n");
    return failures ? 1 : 0;
}
