/* unit_chart.c: the control map's point numbers never overlap one another, a point or a
 * threshold's label, however the points crowd, and the key names every point. `unit_chart NAME`
 * runs one test; `unit_chart svg FILE` checks a control map written by a report (report_render.sh
 * checks the one of the bundled sample audit this way) and prints what it found. */
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

/* The boxes of the points (<circle cx= cy= r="4") and of the threshold labels (<text x= y=
 * text-anchor=.. fill="#555">, 11 units, sized as chart.c's text_width), which no number may
 * overlap. */
static size_t obstacle_boxes(const char *svg, box *out, size_t max, size_t *ncircles)
{
    size_t n = 0;
    for (const char *p = svg; n < max && (p = strstr(p, "<circle cx=\"")); p++) {
        double x, y;
        if (sscanf(p, "<circle cx=\"%lf\" cy=\"%lf\"", &x, &y) == 2)
            out[n++] = (box){x - 4, y - 4, x + 4, y + 4};
    }
    *ncircles = n;
    for (const char *p = svg; n < max && (p = strstr(p, "<text x=\"")); p++) {
        double x, y;
        char anchor[8], label[64];
        if (sscanf(p, "<text x=\"%lf\" y=\"%lf\" text-anchor=\"%7[a-z]\" fill=\"#555\">%63[^<]", &x,
                   &y, anchor, label) != 4)
            continue;
        double w = 7.0 * (double)strlen(label);
        double x0 = strcmp(anchor, "end") == 0 ? x - w : x;
        out[n++] = (box){x0 - 1, y - 10, x0 + w + 1, y + 3};
    }
    return n;
}

static bool hit(box a, box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* The clashes of a control map's numbers with one another, the points and threshold labels, and
 * of the threshold labels with one another. */
static size_t clashes_in(const char *svg, size_t *nnumbers)
{
    static box num[400], obs[1000];
    size_t ncircles, n = number_boxes(svg, num, 400), m = obstacle_boxes(svg, obs, 1000, &ncircles),
                     clashes = 0;
    for (size_t i = ncircles; i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            clashes += hit(obs[i], obs[j]);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            clashes += hit(num[i], num[j]);
        for (size_t k = 0; k < m; k++)
            clashes += hit(num[i], obs[k]);
    }
    *nnumbers = n;
    return clashes;
}

static int check_file(const char *path)
{
    FILE *f = fopen(path, "r");
    static char svg[1 << 20];
    size_t len = f ? fread(svg, 1, sizeof svg - 1, f) : 0, n = 0;
    if (f)
        fclose(f);
    svg[len] = '\0';
    size_t clashes = clashes_in(svg, &n);
    printf("%s: %zu numbered points, %zu overlaps\n", path, n, clashes);
    return !f || !n || clashes ? 1 : 0;
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
    size_t n = 0;
    CHECK(clashes_in(svg, &n) == 0);
    CHECK(n == npoints);
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
    if (argc == 3 && strcmp(argv[1], "svg") == 0)
        return check_file(argv[2]);
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
