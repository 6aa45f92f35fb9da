#ifndef HEADER_ReportText
#define HEADER_ReportText
/* Text pieces of the report renderers. Pure: into caller buffers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum ReportTextMode { REPORT_TEXT_MARKDOWN, REPORT_TEXT_HTML } ReportTextMode;

/* Untrusted text (command lines, names) for Markdown, in a table cell or
   running text: valid UTF-8 kept, control bytes, invalid UTF-8 and the line
   separators U+2028 and U+2029 replaced by U+FFFD; the punctuation that
   starts emphasis, code, links, headings or a table cell backslash-escaped
   (text is never put at the start of a line); <, > and & as entities, so a renderer that takes
   inline HTML takes none. Never cuts a character or an escape in half. */
void ReportText_markdown(const char* in, char* out, size_t size);

/* Untrusted text for HTML and SVG (element content and quoted attribute
   values alike): &, <, >, " and ' as entities; control bytes, invalid
   UTF-8 and U+2028/U+2029 as U+FFFD. Never cuts a character or an entity
   in half. */
void ReportText_html(const char* in, char* out, size_t size);

/* The length of text's longest prefix of at most max bytes that ends
   between two UTF-8 characters. */
size_t ReportText_cut(const char* text, size_t max);

/* "2026-12-04 14:05:30 UTC". */
void ReportText_utc(int64_t wallUs, char* out, size_t size);

/* The renderers' writes: untrusted text escaped for mode (its arguments
   dropped when redact), a size (Format_size), a time in UTC. */
void ReportText_put(FILE* out, const char* text, bool redact, ReportTextMode mode);
void ReportText_putSize(FILE* out, uint64_t kib);
void ReportText_putUtc(FILE* out, int64_t wallUs);

/* The arguments of a command line dropped (--redact): its first word, and
   that without its directory; "" stays "". */
void ReportText_redact(const char* cmdline, char* out, size_t size);

/* One block character (U+2581..U+2588) per value, scaled from the lowest
   nonzero to the highest value, over at least an eighth of the highest;
   a space where a value is 0 (not seen).
   out needs 3 * count + 1 bytes. */
void ReportText_sparkline(const uint32_t* values, int count, char* out, size_t size);

#endif
