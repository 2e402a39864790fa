/* unit_base.c: unit tests of src/base. `unit_base NAME` runs one case (CTest registers each),
 * `unit_base` runs all. A failed CHECK prints the expression and line. */
#include "hmap.h"

#include "testing.h"

#include <stdio.h>
#include <string.h>

static void hmap_empty(void)
{
    eccn_hmap m;
    eccn_hmap_init(&m, sizeof(long long));
    CHECK(eccn_hmap_find(&m, "a", 1) == NULL);
    CHECK(eccn_hmap_find(&m, "", 0) == NULL);
    eccn_hmap_free(&m);
    eccn_hmap_free(&m); /* freeing twice is harmless: the map is empty again */
    CHECK(m.n == 0 && m.cap == 0);
}

/* get adds a zeroed value once; the second get and find return the same value. */
static void hmap_get_adds_once(void)
{
    eccn_hmap m;
    bool added = false;
    eccn_hmap_init(&m, sizeof(long long));
    long long *v = eccn_hmap_get(&m, "part", 4, &added);
    CHECK(v && added && *v == 0);
    *v = 42;
    long long *again = eccn_hmap_get(&m, "part", 4, &added);
    CHECK(again == v && !added && *again == 42);
    CHECK(eccn_hmap_find(&m, "part", 4) == v);
    CHECK(eccn_hmap_find(&m, "par", 3) == NULL);
    CHECK(eccn_hmap_find(&m, "parts", 5) == NULL);
    CHECK(m.n == 1);
    eccn_hmap_free(&m);
}

/* Values keep their address while the map grows many times over, and keep what was stored. */
static void hmap_values_stay_put(void)
{
    enum { N = 20000 };
    static long long *where[N];
    eccn_hmap m;
    bool added;
    char key[32];
    eccn_hmap_init(&m, sizeof(long long));
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key %d", i);
        where[i] = eccn_hmap_get(&m, key, (size_t)n, &added);
        CHECK(where[i] && added);
        if (where[i])
            *where[i] = i;
    }
    CHECK(m.n == N && m.cap >= 2 * N);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key %d", i);
        long long *v = eccn_hmap_find(&m, key, (size_t)n);
        wrong += v != where[i] || *v != i;
    }
    CHECK(wrong == 0);
    eccn_hmap_free(&m);
}

/* Keys are bytes: embedded NULs, the empty key and pointer tuples are keys like any other. */
static void hmap_binary_keys(void)
{
    eccn_hmap m;
    bool added;
    eccn_hmap_init(&m, sizeof(int));
    int *a = eccn_hmap_get(&m, "a\0b", 3, &added), *b = eccn_hmap_get(&m, "a\0c", 3, &added);
    int *empty = eccn_hmap_get(&m, "", 0, &added);
    CHECK(a && b && empty && a != b && b != empty && added);
    int x, y;
    const void *t1[2] = {&x, &y}, *t2[2] = {&y, &x};
    int *p = eccn_hmap_get(&m, t1, sizeof t1, &added),
        *q = eccn_hmap_get(&m, t2, sizeof t2, &added);
    CHECK(p && q && p != q);
    const void *t1again[2] = {&x, &y};
    CHECK(eccn_hmap_find(&m, t1again, sizeof t1again) == p);
    CHECK(eccn_hmap_find(&m, "", 0) == empty);
    CHECK(m.n == 5);
    eccn_hmap_free(&m);
}

/* The key a value is stored under reads back as a C string with its length. */
static void hmap_key_of_value(void)
{
    eccn_hmap m;
    bool added;
    size_t len = 0;
    eccn_hmap_init(&m, 3); /* an odd size: the key still follows the value intact */
    unsigned char *v = eccn_hmap_get(&m, "NVIDIA H100 SXM", 15, &added);
    CHECK(v != NULL);
    memset(v, 0xff, 3);
    const char *k = eccn_hmap_key(&m, v, &len);
    CHECK(len == 15 && strcmp(k, "NVIDIA H100 SXM") == 0);
    CHECK(strcmp(eccn_hmap_key(&m, eccn_hmap_find(&m, "NVIDIA H100 SXM", 15), NULL),
                 "NVIDIA H100 SXM") == 0);
    eccn_hmap_free(&m);
}

/* A map with no values is a set. */
static void hmap_set(void)
{
    eccn_hmap m;
    bool added;
    eccn_hmap_init(&m, 0);
    CHECK(eccn_hmap_get(&m, "DE", 2, &added) && added);
    CHECK(eccn_hmap_get(&m, "DE", 2, &added) && !added);
    CHECK(eccn_hmap_find(&m, "CN", 2) == NULL);
    eccn_hmap_free(&m);
}

static const test_case TESTS[] = {
    {"hmap_empty", hmap_empty},
    {"hmap_get_adds_once", hmap_get_adds_once},
    {"hmap_values_stay_put", hmap_values_stay_put},
    {"hmap_binary_keys", hmap_binary_keys},
    {"hmap_key_of_value", hmap_key_of_value},
    {"hmap_set", hmap_set},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
