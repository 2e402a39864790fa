/* columns.c: which column of an inventory is which field. Headers are compared after folding
 * case and dropping everything but letters and digits, so "Ship-To Country", "SHIP_TO_COUNTRY"
 * and "ship to country" are one spelling; the spellings are those of the ERP exports users send
 * (SAP, Oracle, NetSuite, Dynamics, and plain inventories). --map names a column for a field and
 * wins over the aliases; a column --map names that the header lacks is an error, since a typo
 * would otherwise leave the field to an alias or to nothing without a word. */
#include "audit_internal.h"

#include <string.h>

/* Folded spellings, most specific first: within a field the first alias a header matches wins. */
static const struct {
    int field;
    const char *names[24];
} ALIASES[] = {
    {ECCN_F_PART,
     {"sku",
      "part",
      "partnumber",
      "partno",
      "pn",
      "mpn",
      "manufacturerpartnumber",
      "material",
      "materialnumber",
      "item",
      "itemnumber",
      "itemno",
      "itemid",
      "itemcode",
      "productnumber",
      "productid",
      "productcode",
      "article",
      "articlenumber",
      NULL}},
    {ECCN_F_DESCRIPTION,
     {"description", "desc", "itemdescription", "itemdesc", "materialdescription",
      "productdescription", "productname", "itemname", "shorttext", NULL}},
    {ECCN_F_QUANTITY,
     {"qty", "quantity", "qtyshipped", "quantityshipped", "shippedquantity", "shippedqty",
      "qtyordered", "quantityordered", "orderedquantity", "orderquantity", "orderqty",
      "deliveryquantity", "deliveredquantity", "qtydelivered", "units", NULL}},
    {ECCN_F_DESTINATION,
     {"destination", "dest", "country", "shiptocountry", "shipto", "destinationcountry",
      "countryofdestination", "shiptocountrycode", "shiptocountryregion", "shiptocountryregioncode",
      "shiptocountryname", "countrycode", "destcountry", NULL}},
    {ECCN_F_DATE,
     {"shipdate", "date", "shippeddate", "actualshipdate", "requestedshipdate", "requesteddate",
      "plannedshipdate", "planneddate", "scheduledshipdate", "deliverydate", "goodsissuedate",
      "plannedgoodsissuedate", "shipmentdate", "orderdate", NULL}},
    {ECCN_F_CONSIGNEE,
     {"consignee", "customer", "enduser", "soldtoname", "soldto", "soldtoparty", "customername",
      "shiptoname", "shiptoparty", "ultimateconsignee", NULL}},
    {ECCN_F_HQ, {"hq", "hqcountry", "parentcountry", "headquarters", "headquarterscountry", NULL}},
    {ECCN_F_LINE_ID,
     {"line", "lineid", "orderline", "salesorderline", "lineno", "linenumber", "orderlineid",
      "order", "ordernumber", "orderno", "salesorder", "salesordernumber", "documentnumber", NULL}},
};
static const char *const FIELD_NAMES[ECCN_F_COUNT] = {
    "part", "description", "quantity", "destination", "date", "consignee", "hq", "line_id"};

bool eccn_audit_field_known(const char *name)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        if (strcmp(name, FIELD_NAMES[f]) == 0)
            return true;
    return strcmp(name, "ship_date") == 0;
}

const char *audit_field_name(int field)
{
    return field >= 0 && field < ECCN_F_COUNT ? FIELD_NAMES[field] : "";
}

/* Case folded, only letters and digits kept (bytes past ASCII too: "Menge" or "Cantidad" in
 * UTF-8 stay whole). */
static void fold(const char *in, size_t n, char *out, size_t outsz)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < outsz; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 'A' && c <= 'Z')
            out[j++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            out[j++] = (char)c;
    }
    out[j] = '\0';
}

static int field_of(const char *name)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        if (strcmp(name, FIELD_NAMES[f]) == 0)
            return f;
    return strcmp(name, "ship_date") == 0 ? ECCN_F_DATE : -1;
}

/* --map COLUMN=FIELD, each of which must name a column of the header. */
static int apply_maps(run *r, const eccn_csv_record *h, eccn_error *err)
{
    for (size_t m = 0; m < r->o->nmaps; m++) {
        const char *map = r->o->maps[m], *eq = strchr(map, '=');
        char want[128], name[128];
        int f = eq ? field_of(eq + 1) : -1, found = -1;
        if (f < 0)
            return eccn_fail(err, ECCN_EINPUT, "--map", 0, 0,
                             "'%s': expected COLUMN=FIELD with a known FIELD", map);
        fold(map, (size_t)(eq - map), want, sizeof want);
        for (size_t i = 0; i < h->nfields && found < 0; i++) {
            fold(h->fields[i], h->lens[i], name, sizeof name);
            if (strcmp(want, name) == 0)
                found = (int)i;
        }
        if (found < 0)
            return eccn_fail(err, ECCN_EINPUT, r->o->path, (int)h->line, 1,
                             "--map %s: the header has no column '%.*s'", map, (int)(eq - map),
                             map);
        r->col[f] = found;
    }
    return ECCN_OK;
}

/* The columns no field took, named once for the summary: a column the user expected read and
 * that eccn passed over is then seen, not guessed at. */
static void note_unused(run *r, const eccn_csv_record *h)
{
    eccn_audit_summary *s = r->s;
    size_t len = 0;
    if (!s)
        return;
    s->unused_columns[0] = '\0';
    s->nwarnings = 0;
    for (size_t i = 0; i < h->nfields; i++) {
        bool used = false;
        for (int f = 0; f < ECCN_F_COUNT; f++)
            used = used || r->col[f] == (int)i;
        if (used || len + 8 >= sizeof s->unused_columns)
            continue;
        int n = snprintf(s->unused_columns + len, sizeof s->unused_columns - len, "%s\"%.*s\"",
                         len ? ", " : "", (int)(h->lens[i] > 60 ? 60 : h->lens[i]), h->fields[i]);
        len = n > 0 && len + (size_t)n < sizeof s->unused_columns ? len + (size_t)n : len;
    }
    if (r->col[ECCN_F_QUANTITY] < 0)
        snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
                 "no quantity column (such as qty, quantity or \"Qty Shipped\"): every line's "
                 "quantity is unknown, and no units are counted");
    if (r->col[ECCN_F_LINE_ID] < 0)
        snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
                 "no line id column (such as line_id or \"Order Line\"): lines are named by "
                 "their line number only");
}

int map_columns(run *r, const eccn_csv_record *h, eccn_error *err)
{
    const char *file = r->o->path;
    int rc;
    for (int f = 0; f < ECCN_F_COUNT; f++)
        r->col[f] = -1;
    r->ncols = h->nfields;
    if ((rc = apply_maps(r, h, err)) != ECCN_OK)
        return rc;
    for (size_t a = 0; a < sizeof ALIASES / sizeof *ALIASES; a++) {
        const int f = ALIASES[a].field;
        for (int k = 0; ALIASES[a].names[k] && r->col[f] < 0; k++)
            for (size_t i = 0; i < h->nfields && r->col[f] < 0; i++) {
                char name[128];
                bool taken = false;
                fold(h->fields[i], h->lens[i], name, sizeof name);
                for (int g = 0; g < ECCN_F_COUNT; g++)
                    taken = taken || r->col[g] == (int)i;
                if (!taken && strcmp(name, ALIASES[a].names[k]) == 0)
                    r->col[f] = (int)i;
            }
    }
    if (r->col[ECCN_F_PART] < 0 && r->col[ECCN_F_DESCRIPTION] < 0)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no part or description column (expected a header such as sku, part, "
                         "part_number, \"Item Number\", material, MPN or description, or --map "
                         "COLUMN=part)");
    if (r->col[ECCN_F_DESTINATION] < 0 && !r->o->default_to)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no destination column (destination, country, ship_to_country, "
                         "\"Ship-To Country\"...) and no --to");
    if (r->col[ECCN_F_DATE] < 0 && !r->o->default_date)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no ship date column (ship_date, date, \"Ship Date\", requested or "
                         "planned date...) and no --date");
    note_unused(r, h);
    return ECCN_OK;
}
