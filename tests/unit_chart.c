/* unit_chart.c: the control map's point numbers never overlap one another or a point, however
 * the points crowd, and the key names every point. `unit_chart NAME` runs one test. */
#include "testing.h"
#include "chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double x0, y0, x1, y1;
} box;

/* The boxes of the numbers written as <text class="pt" x= y=>N</text>, as chart.c sizes them
 * (6.5 units a digit and 2 more, 11 high, the baseline 2 above the bottom). */
static size_t number_boxes(const char *svg, box *out, size_t max)
{
    size_t n = 0;
    for (const char *p = svg; n < max && (p = strstr(p, "<text class=\"pt\" x=\"")); p++) {
        double x, y;
        char digits[16];
        if (sscanf(p, "<text class=\"pt\" x=\"%lf\" y=\"%lf\" font-size=\"10\">%15[0-9]", &x, &y,
                   digits) != 3)
            continue;
        out[n++] = (box){x, y + 2 - 11, x + 6.5 * (double)strlen(digits) + 2, y + 2};
    }
    return n;
}

static void crowd(size_t npoints, double spread)
{
    eccn_chart_point pts[200];
    char labels[200][16];
    for (size_t i = 0; i < npoints; i++) {
        snprintf(labels[i], sizeof labels[i], "part-%zu", i);
        pts[i] = (eccn_chart_point){.label = labels[i],
                                    .pd = 5 + spread * (double)(i % 7),
                                    .tpp = 3000 + spread * 100 * (double)(i % 5),
                                    .has_pd = i % 9 != 0};
    }
    char *svg = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&svg, &len);
    eccn_chart_region r = {"3A090.a (x)", "3A090.a", 5.92, 1e9, 4800, 1e12};
    eccn_chart_control_map(f, "t", &r, 1, (double[]){4800}, 1, (double[]){5.92}, 1, pts, npoints);
    fclose(f);
    static box b[200];
    size_t n = number_boxes(svg, b, 200);
    CHECK(n == npoints);
    size_t clashes = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (b[i].x0 < b[j].x1 && b[j].x0 < b[i].x1 && b[i].y0 < b[j].y1 && b[j].y0 < b[i].y1)
                clashes++;
    CHECK(clashes == 0);
    /* The key names every part, numbered as on the map. */
    char want[64];
    snprintf(want, sizeof want, ">%zu  part-%zu</text>", npoints, npoints - 1);
    CHECK(strstr(svg, want) != NULL);
    free(svg);
}

static void test_spread(void)
{
    crowd(24, 0.3);
}

static void test_all_on_one_spot(void)
{
    crowd(150, 0);
}

static const test_case TESTS[] = {
    {"labels_spread", test_spread},
    {"labels_one_spot", test_all_on_one_spot},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
