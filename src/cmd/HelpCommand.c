/* leaktop help [COMMAND]: every command of the table with what it does, or
   the options of one. */
#include "config.h"

#include "cmd/Command.h"

#include <getopt.h>
#include <stdio.h>

static void HelpCommand_usage(FILE* out) {
   fputs("Usage: leaktop help [COMMAND]\n"
         "List leaktop's commands with what each does, or show the options of\n"
         "COMMAND (the same as leaktop COMMAND --help).\n"
         "\n"
         "  -h, --help   display this help and exit\n",
         out);
}

static void HelpCommand_list(void) {
   fputs("Usage: leaktop [COMMAND] [ARGUMENT]...\n"
         "The first word names the command; without one, leaktop runs the dashboard.\n"
         "\n",
         stdout);
   Command_list(stdout, true);
   fputs("\n"
         "leaktop help COMMAND shows the options of a command; leaktop --help those\n"
         "of the dashboard.\n",
         stdout);
}

/* Shows the options of the command named word, as its own --help does. */
static int HelpCommand_show(const char* word) {
   const Command* command = Command_find(word);
   if (!command) {
      const Command* meant = Command_suggest(word);
      char what[192];
      snprintf(what, sizeof(what), "no command '%.64s'%s%s%s", word,
               meant ? "; did you mean '" : "", meant ? meant->name : "", meant ? "'?" : "");
      return Command_usageError(&HelpCommand_entry, what);
   }
   char name[32], help[] = "--help";
   snprintf(name, sizeof(name), "%s", command->name);
   char* args[] = {name, help, NULL};
   return command->run(2, args);
}

static int HelpCommand_run(int argc, char** argv) {
   static const struct option longOptions[] = {
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   optind = 1;
   int c = getopt_long(argc, argv, "h", longOptions, NULL);
   if (c == 'h') {
      HelpCommand_usage(stdout);
      return 0;
   }
   if (c != -1)
      return Command_tryHelp(&HelpCommand_entry);
   if (optind == argc) {
      HelpCommand_list();
      return 0;
   }
   if (optind < argc - 1)
      return Command_usageError(&HelpCommand_entry, "name one command at most");
   return HelpCommand_show(argv[optind]);
}

const Command HelpCommand_entry = {
      .name = "help",
      .usage = "[COMMAND]",
      .summary = "list the commands with what each does, or show the options of one",
      .flags = 0,
      .run = HelpCommand_run,
};
