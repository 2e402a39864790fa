/* chart.c: SVG charts for reports (see chart.h). */
#include "chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 720
#define H 460
#define LEFT 70
#define RIGHT 20
#define TOP 40
#define BOTTOM 50
#define LEGEND_W 230   /* the control map's key, right of the plot */
#define LEGEND_LINE 11 /* one part in the key */

void eccn_xml_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static void text(FILE *out, double x, double y, const char *anchor, const char *extra,
                 const char *s)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, extra);
    eccn_xml_escape(out, s);
    fputs("</text>\n", out);
}

typedef struct axes {
    double pd_max, tpp_min, tpp_max; /* TPP on a log10 scale */
} axes;

static double px(const axes *a, double pd)
{
    double v = pd < 0 ? 0 : pd > a->pd_max ? a->pd_max : pd;
    return LEFT + v / a->pd_max * (W - LEFT - RIGHT);
}

static double py(const axes *a, double tpp)
{
    double v = tpp < a->tpp_min ? a->tpp_min : tpp > a->tpp_max ? a->tpp_max : tpp;
    double f = (log10(v) - log10(a->tpp_min)) / (log10(a->tpp_max) - log10(a->tpp_min));
    return H - BOTTOM - f * (H - TOP - BOTTOM);
}

static void open_svg(FILE *out, const char *title, int width, int height)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n<title>",
            width, height, width, height);
    eccn_xml_escape(out, title);
    fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", out);
    text(out, W / 2.0, 22, "middle", " font-size=\"14\" font-weight=\"bold\"", title);
}

/* A label's box on the chart, in SVG units. */
typedef struct box {
    double x0, y0, x1, y1;
} box;

/* Generous for 11-unit sans-serif: no glyph of a threshold label ("TPP 4800") is wider. */
static double text_width(const char *s)
{
    return 7.0 * (double)strlen(s);
}

/* The box of 11-unit text s written from x on baseline y. */
static box text_box(double x, double y, const char *s)
{
    return (box){x - 1, y - 10, x + text_width(s) + 1, y + 3};
}

static bool overlaps(box a, box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static bool is_free(box b, const box *taken, size_t ntaken)
{
    if (b.x0 < LEFT || b.x1 > W - RIGHT || b.y0 < TOP || b.y1 > H - BOTTOM)
        return false;
    for (size_t i = 0; i < ntaken; i++)
        if (overlaps(b, taken[i]))
            return false;
    return true;
}

/* The first place around (x, y), ring by ring outwards, where a label of len digits overlaps no
 * box taken and stays inside the plot; failing that (a crowd of points), the first free place
 * in the plot, row by row, which a leader line then joins to its point. */
static box place_label(const box *taken, size_t ntaken, double x, double y, size_t len)
{
    double w = 6.5 * (double)len + 2, h = 11;
    static const double DIR[8][2] = {{1, -1}, {1, 0}, {-1, -1}, {-1, 0},
                                     {0, -1}, {1, 1}, {-1, 1},  {0, 1}};
    for (int ring = 0; ring < 6; ring++)
        for (int d = 0; d < 8; d++) {
            double r = 6 + 9.0 * ring;
            double cx = x + DIR[d][0] * r + (DIR[d][0] < 0 ? -w : DIR[d][0] > 0 ? 0 : -w / 2);
            double cy = y + DIR[d][1] * r + (DIR[d][1] < 0 ? -h : DIR[d][1] > 0 ? 0 : -h / 2);
            box b = {cx, cy, cx + w, cy + h};
            if (is_free(b, taken, ntaken))
                return b;
        }
    for (double cy = TOP; cy + h <= H - BOTTOM; cy += h)
        for (double cx = LEFT; cx + w <= W - RIGHT; cx += 4) {
            box b = {cx, cy, cx + w, cy + h};
            if (is_free(b, taken, ntaken))
                return b;
        }
    return (box){x + 5, y - 5 - h, x + 5 + w, y - 5}; /* no room left: next to the point */
}

/* The threshold lines of the paragraphs drawn, labelled with their values; each label's box in
 * taken (when not NULL). Returns how many boxes it took. */
static size_t thresholds(FILE *out, const axes *a, const double *tpp_lines, size_t ntpp,
                         const double *pd_lines, size_t npd, box *taken)
{
    size_t ntaken = 0;
    for (size_t i = 0; i < ntpp; i++) {
        char l[48];
        snprintf(l, sizeof l, "TPP %g", tpp_lines[i]);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" "
                "stroke-dasharray=\"4 3\"/>\n",
                LEFT, py(a, tpp_lines[i]), W - RIGHT, py(a, tpp_lines[i]));
        text(out, W - RIGHT - 4, py(a, tpp_lines[i]) - 3, "end", " fill=\"#555\"", l);
        if (taken)
            taken[ntaken++] = text_box(W - RIGHT - 4 - text_width(l), py(a, tpp_lines[i]) - 3, l);
    }
    /* Staggered on three rows, far enough apart that neighbouring labels never touch. */
    for (size_t i = 0; i < npd; i++) {
        char l[48];
        double y = TOP + 12 + 14.0 * (double)(i % 3);
        snprintf(l, sizeof l, "PD %g", pd_lines[i]);
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" "
                "stroke-dasharray=\"4 3\"/>\n",
                px(a, pd_lines[i]), TOP, px(a, pd_lines[i]), H - BOTTOM);
        text(out, px(a, pd_lines[i]) + 3, y, "start", " fill=\"#555\"", l);
        if (taken)
            taken[ntaken++] = text_box(px(a, pd_lines[i]) + 3, y, l);
    }
    return ntaken;
}

/* The key to the shading and the points, then each point's number and part, in columns. */
static void legend(FILE *out, const eccn_chart_point *points, size_t npoints, size_t rows_per_col)
{
    double x = W + 10, y = TOP + 4;
    static const struct {
        const char *fill, *label;
    } SHADES[] = {{"#d62728", "3A090.a region"}, {"#ff7f0e", "3A090.b region"}};
    for (size_t i = 0; i < 2; i++, y += 14) {
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\" "
                "fill-opacity=\"0.25\"/>\n",
                x, y, SHADES[i].fill);
        text(out, x + 16, y + 9, "start", "", SHADES[i].label);
    }
    fprintf(out,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f4e79\"/>\n"
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"#1f4e79\"/>\n",
            x + 6, y + 5, x + 6, y + 19);
    text(out, x + 16, y + 9, "start", "", "part (die area known)");
    text(out, x + 16, y + 23, "start", "", "part, PD unknown (left edge)");
    y += 42;
    double col_w = (double)(LEGEND_W - 10) / 2;
    for (size_t i = 0; i < npoints; i++) {
        char l[96];
        snprintf(l, sizeof l, "%zu  %s", i + 1, points[i].label);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">",
                x + col_w * (double)(i / rows_per_col),
                y + LEGEND_LINE * (double)(i % rows_per_col));
        eccn_xml_escape(out, l);
        fputs("</text>\n", out);
    }
}

void eccn_chart_control_map(FILE *out, const char *title, const eccn_chart_region *regions,
                            size_t nregions, const double *tpp_lines, size_t ntpp,
                            const double *pd_lines, size_t npd, const eccn_chart_point *points,
                            size_t npoints)
{
    axes a = {.pd_max = 30, .tpp_min = 100, .tpp_max = 50000};
    for (size_t i = 0; i < npoints; i++) {
        if (points[i].has_pd && points[i].pd * 1.1 > a.pd_max)
            a.pd_max = points[i].pd * 1.1;
        if (points[i].tpp * 1.5 > a.tpp_max)
            a.tpp_max = points[i].tpp * 1.5;
    }
    /* One column of the key while it fits beside the plot, else two, as long as they need. */
    size_t rows_per_col = (size_t)(H - TOP - 70) / LEGEND_LINE;
    if (npoints > rows_per_col)
        rows_per_col = rows_per_col > (npoints + 1) / 2 ? rows_per_col : (npoints + 1) / 2;
    int legend_h = TOP + 70 + (int)rows_per_col * LEGEND_LINE;
    open_svg(out, title, W + LEGEND_W, legend_h > H ? legend_h : H);
    /* Regions first, so the points sit on top. */
    for (size_t i = 0; i < nregions; i++) {
        const eccn_chart_region *r = &regions[i];
        bool is_a = strstr(r->eccn, ".a") != NULL;
        double x0 = px(&a, r->pd_lo), x1 = px(&a, r->pd_hi);
        double y0 = py(&a, r->tpp_hi), y1 = py(&a, r->tpp_lo);
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                "fill-opacity=\"0.25\" stroke=\"none\"><title>",
                x0, y0, x1 - x0, y1 - y0, is_a ? "#d62728" : "#ff7f0e");
        eccn_xml_escape(out, r->label);
        fputs("</title></rect>\n", out);
    }
    /* Axes and grid. */
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n"
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
            LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, LEFT, TOP, LEFT, H - BOTTOM);
    for (double t = 100; t <= a.tpp_max; t *= 10) {
        char l[32];
        snprintf(l, sizeof l, "%g", t);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT,
                py(&a, t), W - RIGHT, py(&a, t));
        text(out, LEFT - 6, py(&a, t) + 4, "end", "", l);
    }
    for (int p = 0; p <= (int)a.pd_max; p += 5) {
        char l[32];
        snprintf(l, sizeof l, "%d", p);
        text(out, px(&a, p), H - BOTTOM + 16, "middle", "", l);
    }
    text(out, (LEFT + W - RIGHT) / 2.0, H - 12, "middle", "", "performance density (TPP / mm2)");
    fprintf(out,
            "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
            "total processing performance (log scale)</text>\n",
            (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
    /* The threshold labels' boxes are taken before the points' numbers are placed, which then
     * keep clear of them. */
    box *taken = calloc(2 * npoints + ntpp + npd + 1, sizeof *taken);
    size_t ntaken = thresholds(out, &a, tpp_lines, ntpp, pd_lines, npd, taken);
    /* Parts: a point each, numbered; those without a known PD sit on the left edge, hollow. The
     * numbers are placed where they overlap no other number and no point, and the legend at
     * the right names each: part names at the points ran into one another. */
    for (size_t i = 0; taken && i < npoints; i++) {
        const eccn_chart_point *p = &points[i];
        double x = p->has_pd ? px(&a, p->pd) : LEFT, y = py(&a, p->tpp);
        taken[ntaken++] = (box){x - 4, y - 4, x + 4, y + 4};
    }
    for (size_t i = 0; i < npoints; i++) {
        const eccn_chart_point *p = &points[i];
        double x = p->has_pd ? px(&a, p->pd) : LEFT, y = py(&a, p->tpp);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#1f4e79\"/>\n",
                x, y, p->has_pd ? "#1f4e79" : "#fff");
        char num[16];
        snprintf(num, sizeof num, "%zu", i + 1);
        box b = taken ? place_label(taken, ntaken, x, y, strlen(num)) : (box){x + 6, y - 14, 0, 0};
        if (taken)
            taken[ntaken++] = b;
        fprintf(out, "<text class=\"pt\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>\n", b.x0,
                b.y1 - 2, num);
        if (b.x0 > x + 12 || b.x1 < x - 12 || b.y1 < y - 14 || b.y0 > y + 14) /* a leader line */
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
                    "stroke-width=\"0.5\"/>\n",
                    x, y, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
    }
    free(taken);
    legend(out, points, npoints, rows_per_col);
    fputs("</svg>\n", out);
}

void eccn_chart_bars(FILE *out, const char *title, const eccn_chart_bar *bars, size_t nbars,
                     const char *unit)
{
    double max = 1;
    for (size_t i = 0; i < nbars; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    open_svg(out, title, W, H);
    if (!nbars)
        text(out, W / 2.0, H / 2.0, "middle", "", "nothing needs a licence");
    double step = nbars ? (double)(H - TOP - BOTTOM) / (double)nbars : 0;
    for (size_t i = 0; i < nbars; i++) {
        double y = TOP + step * (double)i, w = bars[i].value / max * (W - LEFT - RIGHT - 80);
        char v[48];
        fprintf(out,
                "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d62728\"/>\n",
                LEFT, y + step * 0.15, w, step * 0.7);
        text(out, LEFT - 6, y + step * 0.5 + 4, "end", "", bars[i].label);
        snprintf(v, sizeof v, "%.0f %s", bars[i].value, unit);
        text(out, LEFT + w + 4, y + step * 0.5 + 4, "start", "", v);
    }
    fputs("</svg>\n", out);
}
