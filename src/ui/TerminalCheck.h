#ifndef HEADER_TerminalCheck
#define HEADER_TerminalCheck
/* Whether the dashboard can draw here, asked before anything starts: a
   terminal on standard input and output, a TERM that terminfo knows, and
   one that can move the cursor (TERM=dumb cannot: ncurses would draw a
   screen of spaces). Apart from ScreenManager, because <term.h> defines
   macros (lines, columns) that would shadow ordinary names. */

#include <stdbool.h>
#include <stddef.h>

/* False with a one-line message saying what is wrong and what to use
   instead (batchHint: "--batch" or "leaktop dump"). */
bool TerminalCheck_usable(const char* batchHint, char* why, size_t size);

#endif
