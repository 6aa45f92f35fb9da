#include "config.h"

#include "ui/TerminalCheck.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

bool TerminalCheck_usable(const char* batchHint, char* why, size_t size) {
   const char* term = getenv("TERM");
   if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
      snprintf(why, size,
               "the dashboard needs a terminal on standard input and output; use %s for "
               "output a script can read",
               batchHint);
      return false;
   }
   if (!term || !term[0]) {
      snprintf(why, size,
               "TERM is not set: set it to your terminal (e.g. TERM=xterm-256color), or use %s",
               batchHint);
      return false;
   }
   int err = 0;
   if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
      snprintf(why, size,
               err == 0 ? "TERM=%s is not in the terminfo database (install ncurses-term, or set "
                          "TERM=xterm-256color), or use %s"
                        : "the terminfo database is missing (TERM=%s): install ncurses-base, or "
                          "use %s",
               term, batchHint);
      return false;
   }
   const char* move = tigetstr("cup");
   bool canMove = move && move != (const char*)-1;
   del_curterm(cur_term);
   if (!canMove) {
      snprintf(why, size,
               "TERM=%s cannot move the cursor, which the dashboard needs: use a terminal such as "
               "TERM=xterm-256color, or %s",
               term, batchHint);
      return false;
   }
   return true;
}
