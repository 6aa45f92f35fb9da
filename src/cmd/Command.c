#include "config.h"

#include "cmd/Command.h"

#include <stdio.h>
#include <string.h>

const Command* const Command_table[] = {
      &DashboardCommand_entry,
      &StackCommand_entry,
      &SnapshotCommand_entry,
      &HelpCommand_entry,
      NULL,
};

const Command* Command_find(const char* name) {
   for (const Command* const* c = Command_table; *c; c++)
      if ((*c)->name && strcmp((*c)->name, name) == 0)
         return *c;
   return NULL;
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
