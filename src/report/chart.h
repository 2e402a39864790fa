/*
 * chart.h: the report's two SVG charts, written as self-contained SVG (no script, no external
 * reference): the control map (performance density across, TPP up on a log scale, the regions
 * of the 3A090 paragraphs in force shaded, their thresholds labelled, each part a labelled point)
 * and the licence-required quantity by destination. Every text is XML-escaped.
 */
#ifndef ECCN_CHART_H
#define ECCN_CHART_H

#include <stdbool.h>
#include <stdio.h>

typedef struct eccn_chart_point {
    const char *label;
    double pd, tpp;
    bool has_pd;
} eccn_chart_point;

/* A region: lo <= value < hi on each axis (with *_closed_hi for <=), from a paragraph's tests. */
typedef struct eccn_chart_region {
    const char *label; /* "3A090.a (ac2023/3A090.a.2)" */
    const char *eccn;  /* picks the shade */
    double pd_lo, pd_hi, tpp_lo, tpp_hi;
} eccn_chart_region;

void eccn_chart_control_map(FILE *out, const char *title, const eccn_chart_region *regions,
                            size_t nregions, const double *tpp_lines, size_t ntpp,
                            const double *pd_lines, size_t npd, const eccn_chart_point *points,
                            size_t npoints);

typedef struct eccn_chart_bar {
    const char *label;
    double value;
} eccn_chart_bar;

void eccn_chart_bars(FILE *out, const char *title, const eccn_chart_bar *bars, size_t nbars,
                     const char *unit);

/* Writes s with &, <, >, " and ' escaped (XML and HTML). */
void eccn_xml_escape(FILE *out, const char *s);

#endif
