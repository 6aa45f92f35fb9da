#include "config.h"

#include "ui/Sparkline.h"

#include <math.h>
#include <string.h>

#include "ui/Chart.h"

int Sparkline_render(const HistoryBucket* cols, int width, const Glyphs* g, char* out,
                     size_t outSize) {
   if (outSize == 0)
      return 0;
   out[0] = '\0';
   uint64_t lo = 0, hi = 0;
   bool known = Chart_scale(cols, width, false, &lo, &hi);
   size_t used = 0;
   int written = 0;
   for (int c = 0; c < width; c++) {
      const char* glyph = " ";
      if (known && cols[c].min != HISTORY_UNKNOWN) {
         double frac = hi > lo ? (double)(cols[c].last - lo) / (double)(hi - lo) : 0;
         int level = (int)lround(frac * (g->sparkLevels - 1));
         if (level < 0)
            level = 0;
         if (level >= g->sparkLevels)
            level = g->sparkLevels - 1;
         glyph = g->spark[level];
      }
      size_t len = strlen(glyph);
      if (used + len + 1 > outSize)
         break;
      memcpy(out + used, glyph, len);
      used += len;
      written++;
   }
   out[used] = '\0';
   return written;
}

int Sparkline_ofHistory(const History* h, double spanSeconds, int width, const Glyphs* g, char* out,
                        size_t outSize) {
   HistoryBucket cols[256];
   if (width > (int)(sizeof(cols) / sizeof(cols[0])))
      width = (int)(sizeof(cols) / sizeof(cols[0]));
   if (width <= 0) {
      if (outSize)
         out[0] = '\0';
      return 0;
   }
   Chart_resample(h, spanSeconds, width, cols);
   return Sparkline_render(cols, width, g, out, outSize);
}
