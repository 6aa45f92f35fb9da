#include "config.h"

#include "ui/Draw.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Decodes one character of s; *cols gets its width (0 for combining marks).
   Returns the bytes consumed (>= 1). */
static size_t Draw_next(const char* s, wchar_t* wc, int* cols) {
   /* Printable ASCII, most of what is drawn, needs no decoding. */
   if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7F) {
      *wc = (wchar_t)*s;
      *cols = 1;
      return 1;
   }
   mbstate_t st;
   memset(&st, 0, sizeof(st));
   size_t n = mbrtowc(wc, s, MB_CUR_MAX, &st);
   if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
      *wc = L'?';
      *cols = 1;
      return 1;
   }
   int width = wcwidth(*wc);
   if (width < 0) {
      *wc = L'?';
      width = 1;
   }
   *cols = width;
   return n;
}

int Draw_text(WINDOW* w, int y, int x, int maxCols, const char* s, int attr) {
   int rows, width;
   getmaxyx(w, rows, width);
   if (!s || y < 0 || y >= rows || x < 0 || x >= width)
      return 0;
   if (maxCols > width - x)
      maxCols = width - x;
   wchar_t buf[128];
   int n = 0, total = 0, pending = 0;
   wattrset(w, attr);
   while (*s && total < maxCols) {
      wchar_t wc;
      int cols;
      size_t len = Draw_next(s, &wc, &cols);
      if (total + cols > maxCols)
         break;
      s += len;
      if (cols == 0 && n == 0 && total == 0)
         continue; /* a combining mark with nothing to combine with */
      buf[n++] = wc;
      total += cols;
      pending += cols;
      if (n == (int)(sizeof(buf) / sizeof(buf[0]))) {
         mvwaddnwstr(w, y, x, buf, n);
         x += pending;
         pending = 0;
         n = 0;
      }
   }
   if (n > 0)
      mvwaddnwstr(w, y, x, buf, n);
   wattrset(w, A_NORMAL);
   return total;
}

void Draw_fill(WINDOW* w, int y, int x, int cols, int attr) {
   int rows, width;
   getmaxyx(w, rows, width);
   if (y < 0 || y >= rows || x < 0 || x >= width)
      return;
   if (cols < 0 || cols > width - x)
      cols = width - x;
   if (cols == 0)
      return;
   wattrset(w, attr);
   mvwhline(w, y, x, ' ', cols);
   wattrset(w, A_NORMAL);
}

/* Display width of s, counting no further than limit columns: a command
   line may be kilobytes long and only its start is shown. */
static int Draw_widthUpTo(const char* s, int limit) {
   int total = 0;
   while (s && *s && total <= limit) {
      wchar_t wc;
      int cols;
      s += Draw_next(s, &wc, &cols);
      total += cols;
   }
   return total;
}

int Draw_width(const char* s) {
   return Draw_widthUpTo(s, INT_MAX);
}

int Draw_field(WINDOW* w, int y, int x, int width, const char* s, DrawAlign align, int attr) {
   if (width <= 0)
      return 0;
   int textCols = Draw_widthUpTo(s, width);
   if (textCols > width)
      textCols = width;
   int pad = width - textCols;
   if (align == ALIGN_RIGHT) {
      Draw_fill(w, y, x, pad, attr);
      Draw_text(w, y, x + pad, textCols, s, attr);
   } else {
      int written = Draw_text(w, y, x, width, s, attr);
      Draw_fill(w, y, x + written, width - written, attr);
   }
   return width;
}

void Draw_status(WINDOW* w, int y, const char* note, const char* hints, int attr) {
   int width = getmaxx(w);
   Draw_fill(w, y, 0, -1, attr);
   int x = note && note[0] ? Draw_text(w, y, 0, width, note, attr) + 2 : 0;
   int hintCols = Draw_width(hints);
   if (x + hintCols <= width)
      Draw_text(w, y, width - hintCols, hintCols, hints, attr);
   else if (x < width)
      Draw_text(w, y, x, width - x, hints, attr);
}
