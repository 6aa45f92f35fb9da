#include "config.h"

#include "util/TimeSpec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US_PER_S 1000000LL

static const char TimeSpec_forms[] =
      "a time is 14:05, 14:05:30, 2h ago, 90s ago, 1d ago, 2026-12-04T14:05[:30][Z|+01:00], "
      "now or @SECONDS";

static void TimeSpec_refuse(const char* text, char* err, size_t errSize) {
   snprintf(err, errSize, "cannot read the time '%s': %s", text, TimeSpec_forms);
}

/* "1h30m", "90s", "2d": seconds, or -1 when malformed. */
static long long TimeSpec_span(const char* s, const char* end) {
   long long total = 0;
   bool any = false;
   while (s < end) {
      if (!isdigit((unsigned char)*s))
         return -1;
      long long n = 0;
      while (s < end && isdigit((unsigned char)*s)) {
         n = n * 10 + (*s++ - '0');
         if (n > 100000000LL)
            return -1;
      }
      long long unit;
      switch (s < end ? *s++ : 's') {
      case 's':
         unit = 1;
         break;
      case 'm':
         unit = 60;
         break;
      case 'h':
         unit = 3600;
         break;
      case 'd':
         unit = 86400;
         break;
      case 'w':
         unit = 7 * 86400;
         break;
      default:
         return -1;
      }
      total += n * unit;
      any = true;
   }
   return any ? total : -1;
}

/* "14:05" or "14:05:30" at the start of s; the characters used, 0 when none. */
static int TimeSpec_clock(const char* s, int* h, int* m, int* sec) {
   int used = 0;
   *sec = 0;
   if (sscanf(s, "%2d:%2d%n", h, m, &used) != 2 || used < 4)
      return 0;
   int more = 0;
   if (s[used] == ':' && sscanf(s + used, ":%2d%n", sec, &more) == 1 && more == 3)
      used += more;
   if (*h > 23 || *m > 59 || *sec > 60 || *h < 0 || *m < 0 || *sec < 0)
      return 0;
   return used;
}

/* Seconds east of UTC from "Z", "+01:00", "+0100" or "-05"; false when
   malformed. An empty zone leaves *local true. */
static bool TimeSpec_zone(const char* s, bool* local, long* offset) {
   *local = false;
   *offset = 0;
   if (*s == '\0') {
      *local = true;
      return true;
   }
   if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
      return true;
   if (*s != '+' && *s != '-')
      return false;
   int sign = *s == '-' ? -1 : 1;
   int h = 0, m = 0, used = 0;
   if (sscanf(s + 1, "%2d%n", &h, &used) != 1 || used != 2)
      return false;
   const char* rest = s + 1 + used;
   if (*rest == ':')
      rest++;
   if (*rest) {
      if (sscanf(rest, "%2d%n", &m, &used) != 1 || used != 2 || rest[used] != '\0')
         return false;
   }
   if (h > 14 || m > 59)
      return false;
   *offset = sign * (h * 3600L + m * 60L);
   return true;
}

static bool TimeSpec_iso(const char* text, int64_t* out) {
   int y, mo, d, used = 0;
   if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
      return false;
   const char* s = text + used;
   int h = 0, m = 0, sec = 0;
   if (*s == 'T' || *s == 't' || *s == ' ') {
      int c = TimeSpec_clock(s + 1, &h, &m, &sec);
      if (c == 0)
         return false;
      s += 1 + c;
   }
   bool local;
   long offset;
   if (mo < 1 || mo > 12 || d < 1 || d > 31 || !TimeSpec_zone(s, &local, &offset))
      return false;
   struct tm tm = {.tm_year = y - 1900,
                   .tm_mon = mo - 1,
                   .tm_mday = d,
                   .tm_hour = h,
                   .tm_min = m,
                   .tm_sec = sec,
                   .tm_isdst = -1};
   time_t t = local ? mktime(&tm) : timegm(&tm) - offset;
   *out = (int64_t)t * US_PER_S;
   return true;
}

bool TimeSpec_parse(const char* text, int64_t nowUs, int64_t* out, char* err, size_t errSize) {
   while (isspace((unsigned char)*text))
      text++;
   size_t len = strlen(text);
   while (len > 0 && isspace((unsigned char)text[len - 1]))
      len--;
   char t[64];
   if (len == 0 || len >= sizeof(t)) {
      TimeSpec_refuse(text, err, errSize);
      return false;
   }
   memcpy(t, text, len);
   t[len] = '\0';

   if (strcmp(t, "now") == 0) {
      *out = nowUs;
      return true;
   }
   if (t[0] == '@') {
      char* end;
      long long s = strtoll(t + 1, &end, 10);
      if (end != t + 1 && *end == '\0' && s >= 0) {
         *out = s * US_PER_S;
         return true;
      }
      TimeSpec_refuse(t, err, errSize);
      return false;
   }
   const char* ago = strstr(t, " ago");
   if (ago && ago[4] == '\0') {
      long long s = TimeSpec_span(t, ago);
      if (s < 0) {
         TimeSpec_refuse(t, err, errSize);
         return false;
      }
      *out = nowUs - s * US_PER_S;
      return true;
   }
   if (TimeSpec_iso(t, out))
      return true;
   int h, m, sec;
   int used = TimeSpec_clock(t, &h, &m, &sec);
   if (used > 0 && t[used] == '\0') {
      time_t now = (time_t)(nowUs / US_PER_S);
      struct tm tm;
      localtime_r(&now, &tm);
      tm.tm_hour = h;
      tm.tm_min = m;
      tm.tm_sec = sec;
      tm.tm_isdst = -1;
      time_t at = mktime(&tm);
      /* The latest such time: 23:50 typed at 00:10 is yesterday's. */
      if ((int64_t)at * US_PER_S > nowUs) {
         tm.tm_mday -= 1;
         tm.tm_isdst = -1;
         at = mktime(&tm);
      }
      *out = (int64_t)at * US_PER_S;
      return true;
   }
   TimeSpec_refuse(t, err, errSize);
   return false;
}

void TimeSpec_format(int64_t wallUs, int64_t nowUs, char* out, size_t size) {
   time_t at = (time_t)(wallUs / US_PER_S);
   time_t now = (time_t)(nowUs / US_PER_S);
   struct tm a, n;
   localtime_r(&at, &a);
   localtime_r(&now, &n);
   bool today = a.tm_year == n.tm_year && a.tm_yday == n.tm_yday;
   strftime(out, size, today ? "%H:%M:%S %Z" : "%Y-%m-%d %H:%M:%S %Z", &a);
}
