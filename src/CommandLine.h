#ifndef HEADER_CommandLine
#define HEADER_CommandLine
/* Command-line options in the GNU style, parsed into one Options value. */

#include <stdbool.h>
#include <sys/types.h>

typedef enum TargetMode {
   TARGET_ALL_PYTHON, /* no target: every Python service tree on the host */
   TARGET_PIDS,       /* -p PID[,PID...]: the subtree of each PID */
   TARGET_PATTERNS,   /* PATTERN...: trees whose root command line matches */
   TARGET_DEMO,       /* --demo: the bundled demo service */
} TargetMode;

typedef struct Options {
   TargetMode mode;
   pid_t* pids;
   int pidCount;
   char** patterns;
   int patternCount;
   double delay;         /* seconds per tick (-d) */
   double smapsInterval; /* seconds between smaps_rollup reads */
   double growthWindow;  /* seconds the growth column looks back (-w) */
   long iterations;      /* ticks before exiting, 0 = until quit (-n) */
   bool batch;
   bool flatView;
   bool noColor;
   bool noMouse;
   const char* sortColumn; /* column name, NULL for the default */
   const char* traffic;    /* --traffic SOURCE, NULL to choose automatically */
   double snapshotEvery;   /* --snapshot-every: seconds between periodic snapshots, 0 none */
} Options;

/* Parses argv. Returns -1 to go on, or an exit status to leave with (after
   --help/--version, or a usage error already reported on stderr). */
int CommandLine_parse(int argc, char** argv, Options* opts);

void CommandLine_done(Options* opts);

/* The dashboard's defaults: 1 s ticks, smaps every 10 s, a 5 min window. */
void CommandLine_defaults(Options* opts);

struct Command;

/* Shared by the commands that take targets as the dashboard does. */
/* -p's "PID[,PID...]" appended to opts; false with the reason on stderr. */
bool CommandLine_parsePids(const char* text, Options* opts);
/* A duration option of at least min seconds; false, with what was wrong on
   stderr, when text is not one. what names the option in the message and
   hint (may be empty) says what is accepted. */
bool CommandLine_durationOption(const char* text, double min, const char* what, const char* hint,
                                double* seconds);
/* The operands from first on are PATTERNs; one kind of target at most, and
   opts->mode says which. -1 to go on, else the exit status of a usage
   error, reported as command's. */
int CommandLine_targets(int argc, char** argv, int first, bool demo, Options* opts,
                        const struct Command* command);

/* "256M", "1G", "512K", "1048576" (bytes), binary multiples; false when
   malformed or too large. */
bool CommandLine_parseSize(const char* text, unsigned long long* bytes);

/* Parses "30", "30s", "5m", "2h" into seconds; false when malformed. */
bool CommandLine_parseDuration(const char* text, double* seconds);

/* For the subcommands (stack, snapshot): a number within [min, max]; false
   when text is not one. */
bool CommandLine_number(const char* text, double min, double max, double* out);
/* The one PID operand left after the options; 0 with a usage message in
   why when there is none, more than one, or it is not a PID. */
pid_t CommandLine_pidOperand(int argc, char** argv, int first, const char** why);

#endif
