/*
 * report_map.h: the report's charts: the control map (the classification regions of 3A090 in
 * force at the end of the period, with the parts seen) and the licence-required quantity by
 * destination, as SVG. Internal to src/report.
 */
#ifndef ECCN_REPORT_MAP_H
#define ECCN_REPORT_MAP_H

#include "chart.h"
#include "report_data.h"

/* The control map's regions: paragraphs of 3A090 in force at the end of the period whose tests
 * are all on TPP and PD. */
typedef struct map {
    eccn_chart_region regions[16];
    char labels[16][96];
    size_t nregions;
    double tpp_lines[16], pd_lines[16];
    size_t ntpp, npd;
    char when[11];
    char changes[128]; /* dates within the period on which a 3A090/4A090 paragraph changed */
} map;

/* Fills m from r's scope and p, the provisions of the rules revisions used. */
void eccn_report_build_map(report *r, const provs *p, map *m);
void eccn_report_control_map(report *r, const map *m, FILE *out);
void eccn_report_destination_bars(report *r, FILE *out);

#endif
