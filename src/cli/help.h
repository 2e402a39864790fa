/*
 * help.h: every command's usage, options, example and exit status, printed as help text, as the
 * man page eccn(1) and as words for shell completion. Everything is written to the FILE given.
 */
#ifndef ECCN_HELP_H
#define ECCN_HELP_H

#include <stdbool.h>
#include <stdio.h>

bool eccn_help_known(const char *command);
/* The list of commands, for `eccn help` and a command line that names none. */
void eccn_help_usage(FILE *f);
/* One command's help; -1 when there is no such command. */
int eccn_help_command(FILE *f, const char *command);
/* The man page in roff (man(7) macros). */
void eccn_help_man(FILE *f, const char *version);
/* One word a line: the commands (command NULL), or a command's options and the global ones. */
void eccn_help_complete(FILE *f, const char *command);

#endif
