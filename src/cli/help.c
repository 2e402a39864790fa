/*
 * help.c: what each command does, its options, an example and its exit status, written once.
 * `eccn help`, `eccn help COMMAND`, `eccn COMMAND --help`, the man page eccn(1) (generated at build
 * time by `eccn help --man`) and the shell completions (`eccn help --complete`) are all printed
 * from the table below, so the four cannot disagree.
 */
#include "help.h"

#include <string.h>

typedef struct help_option {
    const char *flag; /* "--to CC" */
    const char *text;
} help_option;

typedef struct help_command {
    const char *name;
    const char *synopsis[4]; /* usage lines after "eccn " */
    const char *summary;     /* one line */
    const char *description;
    help_option options[16];
    const char *examples[4];
    const char *exit_status;
} help_command;

#define EXIT_VERDICT                                                                               \
    "0 no licence required; 1 licence required; 3 indeterminate (a figure the rules need is "      \
    "unknown); 2 usage or input error."

static const help_option GLOBAL_OPTIONS[] = {
    {"--rules DIR", "rule files (default: the installed rules, or ./rules in a source tree)"},
    {"--data DIR", "device catalogue, country groups and recordkeeping (default: as --rules)"},
    {"--db PATH", "the ledger (default: $ECCN_DB, else $XDG_DATA_HOME/eccn/ledger.db)"},
    {"--what-if RULE",
     "add a proposed rule file, or a modelled act not yet in force, as if in force"},
    {NULL, NULL},
};

static const help_command COMMANDS[] = {
    {"classify",
     {"classify PART | --spec K=V,... [--date D] [--json] [--explain]"},
     "classify a part or a specification under the rules in force on a date",
     "Resolves PART against the device catalogue (or takes the figures given with --spec), "
     "computes "
     "the metrics the rules speak of (total processing performance, performance density, ...) and "
     "prints the ECCN it falls under on the date, with the test that decided it. Nothing is "
     "recorded.",
     {{"--spec K=V,...", "figures instead of a part: fp8=296,die_area=814,datacenter=yes"},
      {"--date D", "the date whose rules apply (YYYY-MM-DD; default today)"},
      {"--json", "one JSON object on stdout"},
      {"--explain", "every test with its numbers and margin"}},
     {"eccn classify H20 --date 2024-06-01 --explain",
      "eccn classify --spec fp8=296,die_area=814,datacenter=yes --json"},
     "0 not controlled under 3A090/4A090; 1 controlled; 3 indeterminate; 2 usage or input error."},
    {"check",
     {"check PART | --spec K=V,... --to CC [--hq CC] [--date D] [--qty N]",
      "      [--consignee NAME] [--json] [--explain] [--no-record | --record]"},
     "decide whether a shipment needs a licence, and record the verdict",
     "Classifies the part, applies the licence requirements in force on the date for the "
     "destination (and the headquarters of the consignee's ultimate parent, when given), prints "
     "the verdict with the ECCN, the deciding provision and its citation, what is missing when it "
     "is indeterminate, and the licence exceptions, and records it in the ledger (synced to disk "
     "before it is printed) unless --no-record is given. Under --what-if the answer is marked "
     "WHAT-IF and is not recorded unless --record is given; recorded, it stays marked in every "
     "listing and is left out of reports unless they include what-if.",
     {{"--to CC", "destination: ISO 3166-1 code or name"},
      {"--hq CC", "headquarters of the consignee's ultimate parent"},
      {"--date D", "shipment date (YYYY-MM-DD; default today)"},
      {"--qty N", "quantity (default 1)"},
      {"--consignee NAME", "the consignee: screened against the lists, recorded with the verdict"},
      {"--end-user NAME", "the end user: screened against the lists"},
      {"--spec K=V,...", "figures instead of a part"},
      {"--json", "one JSON object on stdout"},
      {"--explain", "every provision in force and its tests, with how they combine (ALL/ANY/NOT)"},
      {"--no-record", "do not write the verdict to the ledger"},
      {"--record", "under --what-if, record the answer (marked what-if)"}},
     {"eccn check \"NVIDIA H800 80GB SXM5\" --to CN --date 2024-02-01 --qty 64",
      "eccn check \"RTX 4090\" --to VN --date 2024-06-01"},
     EXIT_VERDICT},
    {"margin",
     {"margin PART | --spec K=V,... [--date D] [--to CC [--hq CC]] [--json]"},
     "how far a part is from every threshold, and the smallest change that flips it",
     "Prints, for each test of the rules in force on the date, the part's figure, the threshold "
     "and "
     "the distance between them.",
     {{"--date D", "the date whose rules apply"},
      {"--to CC", "also the licence requirements for this destination"},
      {"--hq CC", "headquarters of the consignee's ultimate parent"},
      {"--json", "one JSON object on stdout"}},
     {"eccn margin H20 --date 2024-06-01"},
     EXIT_VERDICT},
    {"impact",
     {"impact --from D1 --to D2 [--dest CC] [--hq CC] [--json]",
      "impact --from D1 --to D2 --inventory FILE.csv | --run RUN"},
     "parts or inventory lines whose status changed between two dates, and why",
     "Compares the rules in force on two dates over the catalogue, an inventory file or the lines "
     "of "
     "a recorded audit run.",
     {{"--from D1", "the earlier date"},
      {"--to D2", "the later date"},
      {"--inventory FILE", "an inventory CSV instead of the catalogue"},
      {"--run RUN", "the lines of a recorded audit run"},
      {"--dest CC", "destination to judge the lines for"},
      {"--hq CC", "headquarters of the consignee's ultimate parent"},
      {"--map COLUMN=FIELD", "name the inventory column that holds a field"},
      {"--delimiter C", "the inventory's field separator"},
      {"--json", "JSON on stdout"}},
     {"eccn impact --from 2023-06-01 --to 2023-12-01"},
     "0 done; 2 usage or input error."},
    {"audit",
     {"audit FILE.csv|FILE.xlsx [--date D] [--to CC] [--map COLUMN=FIELD] [--delimiter C]",
      "      [--sheet NAME] [--date-format F] [--strict] [--out RESULTS.csv] [--json] [--quiet] "
      "[--force] [--record]",
      "audit --resume RUN", "audit diff RUN_A RUN_B [--json]"},
     "judge every line of an inventory or order file and record the results",
     "Reads a CSV file or an Excel workbook (.xlsx: the first sheet, or --sheet; row numbers as "
     "Excel shows them) (part, quantity, destination, date and other columns, found by their "
     "headers as ERP exports write them: \"Item Number\", \"Qty Shipped\", \"Ship-To "
     "Country\"...), "
     "judges each line under the rules in force on its date, and records the run and every line "
     "in the ledger. Dates may be ISO, day/month/year or month/day/year (decided once for the "
     "file) or Excel serial numbers; quantities may read 1,024 or 16.00. A run interrupted can "
     "be resumed; two runs can be compared.",
     {{"--date D", "date for lines without one"},
      {"--to CC", "destination for lines without one"},
      {"--map COLUMN=FIELD", "name the column that holds a field"},
      {"--delimiter C", "the field separator (default: detected)"},
      {"--sheet NAME", "the sheet of an .xlsx workbook to read (default: the first)"},
      {"--date-format F",
       "iso, dmy or mdy: how the file writes dates (default: decided from them)"},
      {"--strict", "stop at the first bad line"},
      {"--out FILE", "one result row per input line"},
      {"--json", "the summary as JSON"},
      {"--quiet", "no progress"},
      {"--force", "judge the file again even when an identical run exists; replace --out's file"},
      {"--resume RUN", "continue a run that was interrupted"},
      {"--record",
       "under --what-if (which needs it), record the run, marked what-if in every output"}},
     {"eccn audit orders.csv --out results.csv",
      "eccn audit export.xlsx --sheet Orders --date-format mdy --out results.csv",
      "eccn audit diff 6 7"},
     "2 if any line was in error, else 1 if any needs a licence, else 3 if any is indeterminate, "
     "else 0."},
    {"vendors",
     {"vendors [list]", "vendors check [--vendor NAME] [--date D] [--json]",
      "vendors import FILE.csv --vendor NAME --date D [--source URL]"},
     "the vendors' export-classification tables: list, cross-check, import",
     "Lists the vendor tables in data/vendors/ with their dates and digests; checks every row "
     "against eccn's own classification and lists where they disagree or eccn cannot decide; "
     "adds or replaces a vendor's table from the CSV it publishes (docs/vendors.md).",
     {{"--vendor NAME", "only this vendor's rows (check), or the vendor (import)"},
      {"--date D", "the date to classify on (check), or the table's date (import)"},
      {"--source URL", "where the table was downloaded (import)"},
      {"--json", "JSON on stdout (check)"}},
     {"eccn vendors check --vendor NVIDIA",
      "eccn vendors import eccn.csv --vendor NVIDIA --date 2026-07-31"},
     "0 done; 2 usage or input error."},
    {"report",
     {"report [--run ID | --since D --until D] [--format html|md|json|csv]",
      "       [-o FILE [--force]] [--org NAME] [--include-what-if]"},
     "a compliance report from the recorded verdicts",
     "Writes a report of one audit run, or of every verdict and run in a period, for auditors and "
     "for recordkeeping. A period shows each audited file once (its latest run) and leaves out "
     "what-if checks unless --include-what-if is given.",
     {{"--run ID", "one audit run"},
      {"--since D", "start of the period"},
      {"--until D", "end of the period"},
      {"--format F", "html (default), md, json or csv"},
      {"-o, --output FILE", "write to FILE instead of stdout (never the ledger, never a symlink)"},
      {"--force", "replace FILE when it exists"},
      {"--org NAME", "the organisation named in the report"},
      {"--include-what-if", "count checks recorded under --what-if --record too, marked WHAT-IF"}},
     {"eccn report --run 7 -o run7.html --org ACME"},
     "0 written; 2 usage or input error."},
    {"ledger",
     {"ledger list [--since D] [--json] | ledger show ID [--json] | ledger runs",
      "ledger verify [--head FILE] | ledger head | ledger check | ledger backup DEST",
      "ledger hold ID|--run RUN --reason TEXT | ledger release ID|--run RUN",
      "ledger purge --before D"},
     "read, verify, hold, purge and back up the ledger of verdicts",
     "Every verdict and audit line is hash-chained; `verify` checks the chains and names the first "
     "break, and checks the ledger against its signed head, kept outside it and updated at every "
     "write (or against a head filed elsewhere: `ledger head` prints it). Records are kept five "
     "years (15 CFR 762.6); a hold keeps a record past its period; "
     "`purge` removes only what is past it and not held, leaving a checkpoint.",
     {{"--since D", "list verdicts created on or after D"},
      {"--json", "JSON on stdout"},
      {"--reason TEXT", "why a record is held"},
      {"--run RUN", "hold or release a whole audit run"},
      {"--before D", "purge what expired before D"},
      {"--head FILE", "verify against this signed head (from `ledger head`)"}},
     {"eccn ledger verify", "eccn ledger hold 12 --reason subpoena"},
     "verify: 0 intact, 1 broken; others: 0 done; 2 usage or input error."},
    {"replay",
     {"replay ID [--json]"},
     "judge a recorded verdict again under today's rules",
     "Re-evaluates verdict ID with the rules in force now and says whether the answer still holds.",
     {{"--json", "JSON on stdout"}},
     {"eccn replay 1"},
     EXIT_VERDICT},
    {"rules",
     {"rules list | rules show ID | rules lint | rules test"},
     "the rule set: list its provisions, show one, lint the files, run their test cases",
     "Rules are YAML files under the rules directory, each provision with its Federal Register "
     "citation and effective dates.",
     {{NULL, NULL}},
     {"eccn rules show ac2023/3A090.a.2", "eccn rules test"},
     "lint, test: 0 clean, 1 problems found; 2 usage or input error."},
    {"screen",
     {"screen NAME [--country CC] [--json]", "screen --batch FILE [--country CC]",
      "screen --clear NAME --reason TEXT [--country CC] [--force]"},
     "screen a party against the US Consolidated Screening List",
     "Compares a consignee's or end user's name, with its aliases and legal-form words aside, "
     "against every name and alias of the lists bundled in data/lists (Entity List, MEU, Denied "
     "Persons, SDN and the rest), and says clear, hit or possible match for review, with the "
     "entry, its list, its Federal Register citation and the words that matched. A clear result "
     "means: not on the lists as bundled on their date; parties owned 50% or more by listed ones "
     "are not on them (docs/screening.md). --clear records a person's review of a possible match "
     "in the ledger (chained): check and audit then take that name as clear of those entries "
     "until the lists change them.",
     {{"--country CC", "the party's country: a match in another country scores lower"},
      {"--batch FILE", "one name a line"},
      {"--json", "JSON on stdout"},
      {"--clear NAME", "record that NAME is not the listed entries it possibly matches"},
      {"--reason TEXT", "why (with --clear): what was checked"},
      {"--force", "with --clear: a hit too (a namesake), not only a possible match"}},
     {"eccn screen \"Huawei Technologies Co., Ltd.\" --country CN",
      "eccn screen --clear \"Orion Optics Ltd\" --country GB --reason \"not the Russian "
      "entity: UK company 01234567\""},
     "0 clear (or review recorded); 1 hit; 3 possible match for review; 2 usage or input "
     "error."},
    {"lists",
     {"lists show [--json]", "lists import FILE [--force] [--date D] [--source TEXT]"},
     "the screening lists: what is bundled, and replacing them with a newer download",
     "`import` reads the Consolidated Screening List as trade.gov publishes it (CSV or JSON, "
     "detected), reports its counts by list, refuses a file that lost a whole list unless --force, "
     "and installs it atomically with its date and SHA-256.",
     {{"--json", "JSON on stdout"},
      {"--force", "install even though whole lists are missing"},
      {"--date D", "the date the file was published"},
      {"--source TEXT", "where it came from"}},
     {"eccn lists show", "eccn lists import consolidated.csv --date 2026-12-01"},
     "0 done; 2 usage or input error."},
    {"serve",
     {"serve [--listen ADDR:PORT] --tokens FILE [--max-body N] [--max-header N] "
      "[--max-connections N] [--timeout S]",
      "serve --add-token NAME --tokens FILE"},
     "answer classify, check and screen over HTTP/JSON, recording every check",
     "Loads the rules, data, screening lists and tokens once (SIGHUP reloads them atomically) and "
     "answers POST /v1/classify, /v1/check, /v1/screen, GET /v1/verdicts/ID, /v1/rules?date=, "
     "/healthz and /metrics with the JSON of the commands' --json. Every check is recorded in the "
     "ledger, the client's name as its user, before it is answered; checks that arrive together "
     "share one commit. Clients send `Authorization: Bearer TOKEN`; --add-token makes a token "
     "for a client and prints it once (docs/serve.md).",
     {{"--listen ADDR:PORT", "where to listen (default 127.0.0.1:8080; port 0: any free port)"},
      {"--tokens FILE", "the clients' salted token hashes, one a line"},
      {"--add-token NAME", "add a client to FILE and print its token"},
      {"--max-body N", "bytes of a request body (default 65536)"},
      {"--max-header N", "bytes of a request's line and headers (default 16384)"},
      {"--max-connections N", "connections at once (default 256)"},
      {"--timeout S", "seconds a connection may stay idle (default 30)"}},
     {"eccn serve --add-token erp --tokens /etc/eccn/tokens",
      "eccn serve --tokens /etc/eccn/tokens --db /var/lib/eccn/ledger.db"},
     "0 stopped by SIGINT or SIGTERM; 2 usage, input or startup error."},
    {"help",
     {"help [COMMAND]"},
     "this help, or one command's",
     "Also available as `eccn COMMAND --help`.",
     {{NULL, NULL}},
     {"eccn help audit"},
     "0; 2 for an unknown command."},
};

enum { NCOMMANDS = sizeof COMMANDS / sizeof *COMMANDS };

static const help_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

bool eccn_help_known(const char *command)
{
    return find(command) != NULL;
}

/* Prose at up to 100 columns, broken between words. */
static void print_wrapped(FILE *f, const char *s)
{
    size_t col = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        if (col && col + 1 + n > 100) {
            fputc('\n', f);
            col = 0;
        } else if (col) {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, n, f);
        col += n;
        s += n;
        s += strspn(s, " ");
    }
    fputc('\n', f);
}

static void print_options(FILE *f, const help_option *opts)
{
    for (const help_option *o = opts; o->flag; o++)
        fprintf(f, "  %-22s %s\n", o->flag, o->text);
}

void eccn_help_usage(FILE *f)
{
    fputs("usage: eccn [--rules DIR] [--data DIR] [--db PATH] [--what-if RULE] COMMAND ...\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("\n'eccn help COMMAND' or 'eccn COMMAND --help' for one command; 'man eccn'.\n", f);
}

int eccn_help_command(FILE *f, const char *command)
{
    const help_command *c = find(command);
    if (!c)
        return -1;
    /* A synopsis line that starts with a space continues the one before it. */
    for (size_t i = 0; i < 4 && c->synopsis[i]; i++)
        fprintf(f, "%s%s%s\n", i ? "      " : "usage:", c->synopsis[i][0] == ' ' ? "" : " eccn ",
                c->synopsis[i][0] == ' ' ? c->synopsis[i] + 1 : c->synopsis[i]);
    fputc('\n', f);
    print_wrapped(f, c->description);
    if (c->options[0].flag) {
        fputs("\noptions:\n", f);
        print_options(f, c->options);
    }
    fputs("\nglobal options:\n", f);
    print_options(f, GLOBAL_OPTIONS);
    fputs("\nexamples:\n", f);
    for (size_t i = 0; i < 4 && c->examples[i]; i++)
        fprintf(f, "  %s\n", c->examples[i]);
    fprintf(f, "\nexit status: %s\n", c->exit_status);
    return 0;
}

/* Text for roff: a leading dot or quote would start a request, and a backslash an escape. */
static void roff_text(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static void roff_options(FILE *f, const help_option *opts)
{
    for (const help_option *o = opts; o->flag; o++) {
        fputs(".TP\n.B ", f);
        roff_text(f, o->flag);
        fputc('\n', f);
        roff_text(f, o->text);
        fputc('\n', f);
    }
}

void eccn_help_man(FILE *f, const char *version)
{
    fprintf(f,
            ".TH ECCN 1 \"\" \"eccn %s\" \"User Commands\"\n.SH NAME\n"
            "eccn \\- export-control compliance checker for GPUs and AI accelerators\n"
            ".SH SYNOPSIS\n.B eccn\n[global options]\n.I command\n[options]\n"
            ".SH DESCRIPTION\n"
            "eccn classifies parts under US EAR ECCN 3A090/4A090 as the rules stood on any date "
            "since October 2022, decides whether a shipment needs a licence and why, audits "
            "inventory files, and records every verdict, with the content hash of the rules it "
            "used, in a hash-chained SQLite ledger.\n"
            ".SH GLOBAL OPTIONS\n",
            version);
    roff_options(f, GLOBAL_OPTIONS);
    fputs(".SH COMMANDS\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const help_command *c = &COMMANDS[i];
        fprintf(f, ".SS %s\n", c->name);
        for (size_t j = 0; j < 4 && c->synopsis[j]; j++) {
            bool more = c->synopsis[j][0] == ' ';
            fputs(j ? ".br\n" : "", f);
            fputs(more ? ".B \\ \\ \\ \\ " : ".B eccn ", f);
            roff_text(f, more ? c->synopsis[j] + strspn(c->synopsis[j], " ") : c->synopsis[j]);
            fputc('\n', f);
        }
        fputs(".PP\n", f);
        roff_text(f, c->description);
        fputc('\n', f);
        roff_options(f, c->options);
        fputs(".PP\nExample:\n", f);
        for (size_t j = 0; j < 4 && c->examples[j]; j++) {
            fputs(".br\n.B ", f);
            roff_text(f, c->examples[j]);
            fputc('\n', f);
        }
        fputs(".PP\nExit status: ", f);
        roff_text(f, c->exit_status);
        fputc('\n', f);
    }
    fputs(".SH ENVIRONMENT\n.TP\n.B ECCN_DB\nthe ledger, when --db is not given\n"
          ".SH SEE ALSO\nThe README and docs/ of the source distribution.\n",
          f);
}

void eccn_help_complete(FILE *f, const char *command)
{
    if (!command) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            fprintf(f, "%s\n", COMMANDS[i].name);
        return;
    }
    const help_command *c = find(command);
    const help_option *sets[2] = {c ? c->options : NULL, GLOBAL_OPTIONS};
    /* Its subcommands, read from its usage lines: "ledger list ... | ledger show ID" offers list
     * and show, each once. */
    char subs[16][16];
    size_t nsubs = 0;
    for (size_t i = 0; c && i < sizeof c->synopsis / sizeof *c->synopsis && c->synopsis[i]; i++)
        for (const char *p = strstr(c->synopsis[i], c->name); p; p = strstr(p + 1, c->name)) {
            const char *w = p + strlen(c->name);
            size_t n = *w == ' ' ? strspn(w + 1, "abcdefghijklmnopqrstuvwxyz") : 0, k = 0;
            if (n == 0 || n >= sizeof subs[0] || (p > c->synopsis[i] && p[-1] != ' ') ||
                nsubs == sizeof subs / sizeof *subs)
                continue;
            while (k < nsubs && (strncmp(subs[k], w + 1, n) != 0 || subs[k][n] != '\0'))
                k++;
            if (k == nsubs) {
                snprintf(subs[nsubs++], sizeof subs[0], "%.*s", (int)n, w + 1);
                fprintf(f, "%s\n", subs[k]);
            }
        }
    for (size_t s = 0; s < 2; s++)
        for (const help_option *o = sets[s]; o && o->flag; o++) {
            /* "-o, --output FILE" offers both spellings; the argument is not a word to offer. */
            char word[64];
            const char *p = o->flag;
            while (*p) {
                size_t n = strcspn(p, " ,");
                if (n && n < sizeof word && *p == '-') {
                    memcpy(word, p, n);
                    word[n] = '\0';
                    fprintf(f, "%s\n", word);
                }
                p += n;
                p += strspn(p, " ,");
            }
        }
    fputs("--help\n", f);
}
