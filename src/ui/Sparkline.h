#ifndef HEADER_Sparkline
#define HEADER_Sparkline
/* A one-line history of a value in block glyphs (▁▂▃▄▅▆▇█, or _.-=^# in ASCII).
   Pure: no curses. */

#include <stddef.h>

#include "model/History.h"
#include "ui/Glyphs.h"

/* Renders width columns of cols (oldest first, as from Chart_resample) into
   out; unknown columns become blanks. out needs width * 3 + 1 bytes for UTF-8.
   Returns the number of columns written (== width when out is large enough). */
int Sparkline_render(const HistoryBucket* cols, int width, const Glyphs* g, char* out,
                     size_t outSize);

/* Chart_resample + Sparkline_render of the last spanSeconds of h. */
int Sparkline_ofHistory(const History* h, double spanSeconds, int width, const Glyphs* g, char* out,
                        size_t outSize);

#endif
