#ifndef HEADER_Format
#define HEADER_Format
/* Human-readable numbers for the screen and every other output (stack and
   snapshot text, reports): sizes, rates, ages, spans. Pure functions writing
   into caller buffers, so they can be unit-tested. */

#include <stddef.h>
#include <stdint.h>

/* 512K, 1.5M, 23.4M, 512M, 1.2G: at most 5 columns below 1024 T. */
void Format_size(char* buf, size_t size, uint64_t kib);

/* Signed KiB per minute: +1.2M, -300K, 0; "-" when NAN. */
void Format_growth(char* buf, size_t size, double kibPerMinute);

/* 5s, 3m, 2h, 1d; "n/a" when negative or NAN. */
void Format_age(char* buf, size_t size, double seconds);

/* A window or time-axis label: 30s, 1m, 5m, 90s, 1h, 1h30m, 24h. */
void Format_span(char* buf, size_t size, double seconds);

/* A time to the limit in at most 5 columns: <1m, 45m, 3h12m, 14h; "-" when
   NAN (not growing, or beyond a day). */
void Format_ttl(char* buf, size_t size, double seconds);

/* An estimate with its standard error, in KiB (per minute, per 1000 units):
   "+1.2M +-40K" with pm ("±" or "+-") between; "-" when value is NAN, and no
   error part when stderr is NAN. */
void Format_estimate(char* buf, size_t size, double value, double stderrKiB, const char* pm);

/* A count or rate in at most 5 columns: 0, <.001, 0.004, 0.25, 3.5, 42,
   1.2k, 35k, 1.2M. */
void Format_count(char* buf, size_t size, double value);

/* 12.3 below 100, 134 above; "n/a" when NAN. */
void Format_percent(char* buf, size_t size, double percent);

/* What the command column shows: the program's own name first, then the
   command line, without repeating the name when argv[0] already starts with
   it ("gunicorn: worker [app]", "python3 demo.py", "celery: python3 -m celery"). */
void Format_command(char* buf, size_t size, const char* name, const char* cmdline);

#endif
