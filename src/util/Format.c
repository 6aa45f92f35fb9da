#include "config.h"

#include "util/Format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void Format_size(char* buf, size_t size, uint64_t kib) {
   static const char units[] = "KMGTP";
   if (kib < 1024) {
      snprintf(buf, size, "%uK", (unsigned)kib);
      return;
   }
   double value = (double)kib;
   int unit = 0;
   while (value >= 1024 && unit < (int)sizeof(units) - 2) {
      value /= 1024;
      unit++;
   }
   /* One decimal while it carries information, whole numbers above. */
   if (value < 99.95)
      snprintf(buf, size, "%.1f%c", value, units[unit]);
   else
      snprintf(buf, size, "%.0f%c", value, units[unit]);
}

void Format_growth(char* buf, size_t size, double kibPerMinute) {
   if (isnan(kibPerMinute)) {
      snprintf(buf, size, "-");
      return;
   }
   double magnitude = fabs(kibPerMinute);
   if (magnitude < 0.5) {
      snprintf(buf, size, "0");
      return;
   }
   char number[16];
   Format_size(number, sizeof(number), (uint64_t)llround(magnitude));
   snprintf(buf, size, "%c%s", kibPerMinute < 0 ? '-' : '+', number);
}

void Format_age(char* buf, size_t size, double seconds) {
   if (isnan(seconds) || seconds < 0) {
      snprintf(buf, size, "n/a");
      return;
   }
   unsigned long long s = (unsigned long long)seconds;
   if (s < 60)
      snprintf(buf, size, "%llus", s);
   else if (s < 3600)
      snprintf(buf, size, "%llum", s / 60);
   else if (s < 86400)
      snprintf(buf, size, "%lluh", s / 3600);
   else
      snprintf(buf, size, "%llud", s / 86400);
}

void Format_span(char* buf, size_t size, double seconds) {
   if (isnan(seconds) || seconds < 0) {
      snprintf(buf, size, "n/a");
      return;
   }
   /* Sub-second ticks (-d 0.5) keep their decimal. */
   if (seconds < 10 && fabs(seconds - round(seconds)) >= 0.05) {
      snprintf(buf, size, "%.1fs", seconds);
      return;
   }
   unsigned long long s = (unsigned long long)llround(seconds);
   if (s < 60 || (s < 120 && s % 60 != 0))
      snprintf(buf, size, "%llus", s);
   else if (s % 3600 == 0)
      snprintf(buf, size, "%lluh", s / 3600);
   else if (s < 3600 && s % 60 == 0)
      snprintf(buf, size, "%llum", s / 60);
   else if (s < 3600)
      snprintf(buf, size, "%llum%llus", s / 60, s % 60);
   else
      snprintf(buf, size, "%lluh%llum", s / 3600, (s % 3600) / 60);
}

void Format_ttl(char* buf, size_t size, double seconds) {
   if (isnan(seconds) || seconds < 0) {
      snprintf(buf, size, "-");
      return;
   }
   /* Rounded down: the page comes no later than it says. */
   unsigned long long m = (unsigned long long)(seconds / 60);
   if (m < 1)
      snprintf(buf, size, "<1m");
   else if (m < 60)
      snprintf(buf, size, "%llum", m);
   else if (m < 600)
      snprintf(buf, size, "%lluh%02llum", m / 60, m % 60);
   else
      snprintf(buf, size, "%lluh", m / 60);
}

void Format_estimate(char* buf, size_t size, double value, double stderrKiB, const char* pm) {
   char v[16], e[16];
   Format_growth(v, sizeof(v), value);
   if (isnan(value) || isnan(stderrKiB)) {
      snprintf(buf, size, "%s", v);
      return;
   }
   Format_size(e, sizeof(e), (uint64_t)llround(fabs(stderrKiB)));
   snprintf(buf, size, "%s %s%s", v, pm, e);
}

void Format_count(char* buf, size_t size, double value) {
   static const char units[] = " kMGT";
   if (isnan(value)) {
      snprintf(buf, size, "-");
      return;
   }
   if (value <= 0) {
      snprintf(buf, size, "0");
      return;
   }
   /* CPU seconds per second of an idle worker are thousandths. */
   if (value < 0.001) {
      snprintf(buf, size, "<.001");
      return;
   }
   int unit = 0;
   while (value >= 999.5 && unit < (int)sizeof(units) - 2) {
      value /= 1000;
      unit++;
   }
   char suffix[2] = {unit ? units[unit] : '\0', '\0'};
   if (unit == 0 && value < 0.1)
      snprintf(buf, size, "%.1g", value);
   else if (unit == 0 && value < 9.95)
      snprintf(buf, size, "%.2g", value);
   else if (value < 9.95)
      snprintf(buf, size, "%.1f%s", value, suffix);
   else
      snprintf(buf, size, "%.0f%s", value, suffix);
}

void Format_percent(char* buf, size_t size, double percent) {
   if (isnan(percent))
      snprintf(buf, size, "n/a");
   else if (percent < 99.95)
      snprintf(buf, size, "%.1f", percent < 0 ? 0.0 : percent);
   else
      snprintf(buf, size, "%.0f", percent);
}

void Format_command(char* buf, size_t size, const char* name, const char* cmdline) {
   if (size == 0)
      return;
   if (!cmdline)
      cmdline = "";
   if (!name)
      name = "";
   if (!*cmdline) {
      /* Kernel threads and zombies have no command line: ps shows [name]. */
      snprintf(buf, size, "[%s]", name);
      return;
   }
   /* argv[0] without its directory: /usr/bin/python3 -> python3 */
   size_t argv0 = strcspn(cmdline, " ");
   const char* base = cmdline;
   for (const char* c = cmdline; c < cmdline + argv0; c++)
      if (*c == '/')
         base = c + 1;
   size_t nameLen = strlen(name);
   if (nameLen == 0 || strncmp(base, name, nameLen) == 0)
      snprintf(buf, size, "%s", base);
   else
      snprintf(buf, size, "%s: %s", name, cmdline);
}
