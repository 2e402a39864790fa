/* ledger_show.h: `eccn ledger show ID` as a person reads it (cmd_ledger.c prints the JSON). */
#ifndef ECCN_LEDGER_SHOW_H
#define ECCN_LEDGER_SHOW_H

#include "ledger.h"

/* Prints the verdict: who recorded it, the shipment, the answer, the deciding provisions by
 * title, the figures rounded as a person writes them and the recorded tests, one a line. The
 * stored JSON is read back, not shown; `ledger show ID --json` gives it exactly. */
void ledger_show_text(const eccn_verdict_row *r);

#endif
