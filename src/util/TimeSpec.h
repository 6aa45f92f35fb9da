#ifndef HEADER_TimeSpec
#define HEADER_TimeSpec
/* Times as a person types them at 3 a.m., for replay's `b` key and -t, and
   dump's --from and --to: a clock time ("14:05", "14:05:30": the latest
   such time not after now, in the local zone), a time ago ("2h ago",
   "90s ago", "1d ago", "1h30m ago"), an ISO 8601 date and time
   ("2026-12-04T14:05", "2026-12-04 14:05:30", with "Z" or "+01:00" for a
   zone other than the local one), "now", or "@SECONDS" since the epoch.
   Pure logic apart from the zone (the TZ variable, as date(1) uses). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall µs since the epoch in *out; false with a message naming the forms
   accepted when text is none of them. */
bool TimeSpec_parse(const char* text, int64_t nowUs, int64_t* out, char* err, size_t errSize);

/* "14:05:30 CET" when wallUs is on nowUs's local day, else
   "2026-12-03 14:05:30 CET". */
void TimeSpec_format(int64_t wallUs, int64_t nowUs, char* out, size_t size);

#endif
