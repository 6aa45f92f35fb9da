#include "config.h"

#include <locale.h>

#include "cmd/Command.h"

/* The first word names a command, else the dashboard runs: an option or a
   PATTERN (also any word after --) is never taken for a command. */
int main(int argc, char** argv) {
   setlocale(LC_ALL, "");
   const Command* command = argc > 1 ? Command_find(argv[1]) : NULL;
   if (command)
      return command->run(argc - 1, argv + 1);
   return DashboardCommand_entry.run(argc, argv);
}
