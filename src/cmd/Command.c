#include "config.h"

#include "cmd/Command.h"

#include <stdio.h>
#include <string.h>

/* More edits would offer a command for an ordinary PATTERN; in a shorter
   word two edits are most of it, and it is close to too many names. */
#define SUGGEST_MAX_EDITS  2
#define SUGGEST_MIN_LENGTH 3
/* Bounds the distance table: a longer word is more than two edits from
   every command's name. */
#define SUGGEST_MAX_LENGTH 32

const Command* const Command_table[] = {
      &DashboardCommand_entry, &StackCommand_entry,  &SnapshotCommand_entry,
      &RecordCommand_entry,    &ReplayCommand_entry, &DumpCommand_entry,
      &ReportCommand_entry,    &HelpCommand_entry,   NULL,
};

const Command* Command_find(const char* name) {
   for (const Command* const* c = Command_table; *c; c++)
      if ((*c)->name && strcmp((*c)->name, name) == 0)
         return *c;
   return NULL;
}

/* Optimal string alignment distance (restricted Damerau-Levenshtein): the
   fewest insertions, deletions, substitutions and transpositions of two
   adjacent letters that turn a into b, each counted once. */
static int Command_distance(const char* a, size_t aLen, const char* b, size_t bLen) {
   int d[SUGGEST_MAX_LENGTH + 1][SUGGEST_MAX_LENGTH + 1];
   for (size_t i = 0; i <= aLen; i++)
      d[i][0] = (int)i;
   for (size_t j = 0; j <= bLen; j++)
      d[0][j] = (int)j;
   for (size_t i = 1; i <= aLen; i++) {
      for (size_t j = 1; j <= bLen; j++) {
         int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
         if (d[i - 1][j] + 1 < best)
            best = d[i - 1][j] + 1;
         if (d[i][j - 1] + 1 < best)
            best = d[i][j - 1] + 1;
         if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
             d[i - 2][j - 2] + 1 < best)
            best = d[i - 2][j - 2] + 1;
         d[i][j] = best;
      }
   }
   return d[aLen][bLen];
}

const Command* Command_suggest(const char* word) {
   size_t len = strlen(word);
   if (len < SUGGEST_MIN_LENGTH || len > SUGGEST_MAX_LENGTH)
      return NULL;
   const Command* best = NULL;
   int bestDistance = SUGGEST_MAX_EDITS + 1;
   for (const Command* const* c = Command_table; *c; c++) {
      size_t nameLen = (*c)->name ? strlen((*c)->name) : 0;
      if (nameLen == 0 || nameLen > SUGGEST_MAX_LENGTH)
         continue;
      int distance = Command_distance(word, len, (*c)->name, nameLen);
      if (distance < bestDistance) {
         best = *c;
         bestDistance = distance;
      }
   }
   return best;
}

/* How it is typed: "leaktop stack", or "leaktop" for the dashboard. */
static void Command_invocation(const Command* this, char* out, size_t outSize) {
   snprintf(out, outSize, "leaktop%s%s", this->name ? " " : "", this->name ? this->name : "");
}

int Command_tryHelp(const Command* this) {
   char typed[64];
   Command_invocation(this, typed, sizeof(typed));
   fprintf(stderr, "Try '%s --help' for more information.\n", typed);
   return 2;
}

int Command_usageError(const Command* this, const char* what) {
   char typed[64];
   Command_invocation(this, typed, sizeof(typed));
   fprintf(stderr, "%s: %s\n", typed, what);
   return Command_tryHelp(this);
}

/* What a command's flags tell a user about to run it on a production worker. */
static void Command_printFlags(const Command* this, FILE* out) {
   if (!this->flags)
      return;
   fputs("      (", out);
   if (this->flags & CMD_NEEDS_PID)
      fputs("needs a PID", out);
   if ((this->flags & CMD_NEEDS_PID) && (this->flags & CMD_STOPS_TARGET))
      fputs("; ", out);
   if (this->flags & CMD_STOPS_TARGET)
      fputs("may stop the process's threads for under a millisecond", out);
   if ((this->flags & CMD_READS_RECORDING) && (this->flags & (CMD_NEEDS_PID | CMD_STOPS_TARGET)))
      fputs("; ", out);
   if (this->flags & CMD_READS_RECORDING)
      fputs("reads a recording; touches no process", out);
   fputs(")\n", out);
}

void Command_list(FILE* out, bool withDashboard) {
   for (const Command* const* c = Command_table; *c; c++) {
      if (!(*c)->name && !withDashboard)
         continue;
      char typed[64];
      Command_invocation(*c, typed, sizeof(typed));
      fprintf(out, "  %s %s\n      %s\n", typed, (*c)->usage, (*c)->summary);
      Command_printFlags(*c, out);
   }
}
