#include "config.h"

#include "report/ReportText.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/Format.h"

/* The length of the valid UTF-8 character at s (1 to 4), 0 when invalid:
   overlong forms, surrogates and values past U+10FFFF included. */
static int ReportText_utf8Length(const unsigned char* s, unsigned* codepoint) {
   unsigned c = s[0];
   int n = c < 0x80             ? 1
           : (c & 0xe0) == 0xc0 ? 2
           : (c & 0xf0) == 0xe0 ? 3
           : (c & 0xf8) == 0xf0 ? 4
                                : 0;
   if (n == 0)
      return 0;
   unsigned cp = n == 1 ? c : c & (0x7f >> n);
   for (int i = 1; i < n; i++) {
      if ((s[i] & 0xc0) != 0x80)
         return 0;
      cp = cp << 6 | (s[i] & 0x3f);
   }
   static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
   if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
   *codepoint = cp;
   return n;
}

/* What one character of untrusted text becomes in mode: into piece, its
   length returned. */
static size_t ReportText_piece(const unsigned char* s, int n, unsigned cp, ReportTextMode mode,
                               char* piece) {
   if (n == 0 || cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
      memcpy(piece, "\xef\xbf\xbd", 3); /* U+FFFD */
      return 3;
   }
   const char* entity = cp == '<'                                ? "&lt;"
                        : cp == '>'                              ? "&gt;"
                        : cp == '&'                              ? "&amp;"
                        : cp == '"' && mode == REPORT_TEXT_HTML  ? "&quot;"
                        : cp == '\'' && mode == REPORT_TEXT_HTML ? "&#39;"
                                                                 : NULL;
   if (entity) {
      memcpy(piece, entity, strlen(entity));
      return strlen(entity);
   }
   if (mode == REPORT_TEXT_MARKDOWN && n == 1 && strchr("\\`*_[]#!|~", (int)cp)) {
      piece[0] = '\\';
      piece[1] = (char)cp;
      return 2;
   }
   memcpy(piece, s, (size_t)n);
   return (size_t)n;
}

static void ReportText_escape(const char* in, char* out, size_t size, ReportTextMode mode) {
   size_t at = 0;
   if (size == 0)
      return;
   const unsigned char* s = (const unsigned char*)in;
   while (*s) {
      char piece[8];
      unsigned cp = 0;
      int n = ReportText_utf8Length(s, &cp);
      size_t len = ReportText_piece(s, n, cp, mode, piece);
      n = n ? n : 1;
      if (at + len + 1 > size)
         break;
      memcpy(out + at, piece, len);
      at += len;
      s += n;
   }
   out[at] = '\0';
}

void ReportText_markdown(const char* in, char* out, size_t size) {
   ReportText_escape(in, out, size, REPORT_TEXT_MARKDOWN);
}

void ReportText_html(const char* in, char* out, size_t size) {
   ReportText_escape(in, out, size, REPORT_TEXT_HTML);
}

size_t ReportText_cut(const char* text, size_t max) {
   size_t n = strnlen(text, max + 1);
   if (n <= max)
      return n;
   n = max;
   while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
      n--;
   return n;
}

void ReportText_utc(int64_t wallUs, char* out, size_t size) {
   time_t t = (time_t)(wallUs / 1000000);
   struct tm tm;
   if (!gmtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
      snprintf(out, size, "@%lld", (long long)t);
}

void ReportText_redact(const char* cmdline, char* out, size_t size) {
   size_t end = strcspn(cmdline, " ");
   const char* start = cmdline;
   for (size_t i = 0; i < end; i++)
      if (cmdline[i] == '/')
         start = cmdline + i + 1;
   snprintf(out, size, "%.*s", (int)(cmdline + end - start), start);
}

void ReportText_sparkline(const uint32_t* values, int count, char* out, size_t size) {
   uint32_t low = UINT32_MAX, high = 0;
   for (int i = 0; i < count; i++) {
      if (values[i] == 0)
         continue;
      low = values[i] < low ? values[i] : low;
      high = values[i] > high ? values[i] : high;
   }
   /* At least an eighth of the highest value spans the scale, so a flat
      line with a few KiB of noise does not fill it. */
   uint64_t range = high > low ? high - low : 1;
   if (range < high / 8)
      range = high / 8;
   size_t at = 0;
   for (int i = 0; i < count && at + 4 <= size; i++) {
      if (values[i] == 0) {
         out[at++] = ' ';
         continue;
      }
      int level = (int)((uint64_t)(values[i] - low) * 7 / range);
      /* U+2581 + level: E2 96 81..88 */
      out[at++] = (char)0xe2;
      out[at++] = (char)0x96;
      out[at++] = (char)(0x81 + level);
   }
   if (size > 0)
      out[at < size ? at : size - 1] = '\0';
}

void ReportText_put(FILE* out, const char* text, bool redact, ReportTextMode mode) {
   char redacted[256], escaped[2048];
   if (redact) {
      ReportText_redact(text, redacted, sizeof(redacted));
      text = redacted;
   }
   ReportText_escape(text, escaped, sizeof(escaped), mode);
   fputs(escaped, out);
}

void ReportText_putSize(FILE* out, uint64_t kib) {
   char buf[16];
   Format_size(buf, sizeof(buf), kib);
   fputs(buf, out);
}

void ReportText_putUtc(FILE* out, int64_t wallUs) {
   char buf[48];
   ReportText_utc(wallUs, buf, sizeof(buf));
   fputs(buf, out);
}
