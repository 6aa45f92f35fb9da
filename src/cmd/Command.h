#ifndef HEADER_Command
#define HEADER_Command
/* leaktop's commands: one entry per file of cmd/, listed in one table
   (Command.c) that main looks the first word up in and that the usage
   texts are made from. */

#include <stdbool.h>
#include <stdio.h>

/* What a command does to or needs of its target, for the command list. */
typedef enum CommandFlag {
   CMD_NEEDS_PID = 1 << 0,       /* takes the PID of one running process */
   CMD_STOPS_TARGET = 1 << 1,    /* may stop the target's threads with ptrace, briefly */
   CMD_READS_RECORDING = 1 << 2, /* reads a recording, not the live host */
} CommandFlag;

typedef struct Command {
   const char* name;    /* the first word that selects it; NULL for the dashboard */
   const char* usage;   /* its arguments, one line */
   const char* summary; /* what it does, one line */
   unsigned flags;      /* CommandFlag bits */
   /* argv[0] is the command's word (the program's name for the dashboard);
      returns the exit status. */
   int (*run)(int argc, char** argv);
} Command;

extern const Command DashboardCommand_entry;
extern const Command StackCommand_entry;
extern const Command SnapshotCommand_entry;
extern const Command RecordCommand_entry;
extern const Command ReplayCommand_entry;
extern const Command DumpCommand_entry;
extern const Command ReportCommand_entry;
extern const Command HelpCommand_entry;

/* Every command, the dashboard first; NULL-terminated. */
extern const Command* const Command_table[];

/* The command named exactly name, or NULL. No prefixes, unlike tmux: a bare
   word is a PATTERN of processes to watch. */
const Command* Command_find(const char* name);

/* For a did-you-mean: the command whose name is closest to word, at most two
   edits away (a letter inserted, deleted or replaced, or two adjacent ones
   swapped: "stakc" is one from "stack"); NULL when none is that close or
   word has fewer than 3 letters. */
const Command* Command_suggest(const char* word);

/* Prints each command's invocation and summary, and what its flags say, in
   table order; the dashboard too when withDashboard. */
void Command_list(FILE* out, bool withDashboard);

/* Prints where this command's help is on stderr; returns 2, the exit
   status of a usage error. */
int Command_tryHelp(const Command* this);
/* Prints "leaktop COMMAND: what" and where the help is; returns 2. */
int Command_usageError(const Command* this, const char* what);

#endif
