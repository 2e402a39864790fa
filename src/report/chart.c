/* chart.c: SVG charts for reports (see chart.h). */
#include "chart.h"

#include <math.h>
#include <string.h>

#define W 720
#define H 460
#define LEFT 70
#define RIGHT 20
#define TOP 40
#define BOTTOM 50

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

static void open_svg(FILE *out, const char *title)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n<title>",
            W, H, W, H);
    eccn_xml_escape(out, title);
    fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", out);
    text(out, W / 2.0, 22, "middle", " font-size=\"14\" font-weight=\"bold\"", title);
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
    open_svg(out, title);
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
    /* Threshold lines of the paragraphs drawn, labelled with their values. */
    for (size_t i = 0; i < ntpp; i++) {
        char l[48];
        snprintf(l, sizeof l, "TPP %g", tpp_lines[i]);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" "
                "stroke-dasharray=\"4 3\"/>\n",
                LEFT, py(&a, tpp_lines[i]), W - RIGHT, py(&a, tpp_lines[i]));
        text(out, W - RIGHT - 4, py(&a, tpp_lines[i]) - 3, "end", " fill=\"#555\"", l);
    }
    for (size_t i = 0; i < npd; i++) {
        char l[48];
        snprintf(l, sizeof l, "PD %g", pd_lines[i]);
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" "
                "stroke-dasharray=\"4 3\"/>\n",
                px(&a, pd_lines[i]), TOP, px(&a, pd_lines[i]), H - BOTTOM);
        text(out, px(&a, pd_lines[i]) + 3, TOP + 12 + 12.0 * (double)(i % 3), "start",
             " fill=\"#555\"", l);
    }
    /* Parts: a point each; those without a known PD sit on the left edge, hollow. */
    for (size_t i = 0; i < npoints; i++) {
        const eccn_chart_point *p = &points[i];
        double x = p->has_pd ? px(&a, p->pd) : LEFT, y = py(&a, p->tpp);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#1f4e79\"/>\n",
                x, y, p->has_pd ? "#1f4e79" : "#fff");
        text(out, x + 6, y - 5 - 9.0 * (double)(i % 2), "start", "", p->label);
    }
    fputs("</svg>\n", out);
}

void eccn_chart_bars(FILE *out, const char *title, const eccn_chart_bar *bars, size_t nbars,
                     const char *unit)
{
    double max = 1;
    for (size_t i = 0; i < nbars; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    open_svg(out, title);
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
