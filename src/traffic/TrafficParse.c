#include "config.h"

#include "traffic/TrafficParse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

bool TrafficParse_tcpLine(const char* line, unsigned* state, unsigned long* inode) {
   /* "  sl  local rem st tx:rx tr:when retrnsmt uid timeout inode ..." */
   const char* p = line;
   while (*p == ' ')
      p++;
   if (!isdigit((unsigned char)*p))
      return false;
   const char* fields[10];
   int n = 0;
   while (*p && n < 10) {
      fields[n++] = p;
      while (*p && *p != ' ')
         p++;
      while (*p == ' ')
         p++;
   }
   if (n < 10)
      return false;
   char* end;
   errno = 0;
   unsigned long st = strtoul(fields[3], &end, 16);
   if (end == fields[3] || *end != ' ' || st > 0xff)
      return false;
   unsigned long ino = strtoul(fields[9], &end, 10);
   if (end == fields[9] || (*end && *end != ' ' && *end != '\n') || errno)
      return false;
   *state = (unsigned)st;
   *inode = ino;
   return true;
}

bool TrafficParse_socketInode(const char* link, unsigned long* inode) {
   static const char prefix[] = "socket:[";
   if (strncmp(link, prefix, sizeof(prefix) - 1) != 0)
      return false;
   const char* digits = link + sizeof(prefix) - 1;
   char* end;
   errno = 0;
   unsigned long v = strtoul(digits, &end, 10);
   if (end == digits || strcmp(end, "]") != 0 || errno)
      return false;
   *inode = v;
   return true;
}

/* A PID in [start, end): decimal digits only, in range. */
static bool TrafficParse_pid(const char* start, const char* end, pid_t* pid) {
   if (end <= start || end - start > 10)
      return false;
   long v = 0;
   for (const char* c = start; c < end; c++) {
      if (!isdigit((unsigned char)*c))
         return false;
      v = v * 10 + (*c - '0');
   }
   if (v <= 0 || v > INT_MAX)
      return false;
   *pid = (pid_t)v;
   return true;
}

TrafficLogLine TrafficParse_logLine(const char* line, const regex_t* re, pid_t* pid) {
   if (re) {
      regmatch_t m[2];
      if (regexec(re, line, 2, m, 0) != 0)
         return TRAFFIC_LOG_SKIP;
      if (re->re_nsub >= 1 && m[1].rm_so >= 0)
         return TrafficParse_pid(line + m[1].rm_so, line + m[1].rm_eo, pid) ? TRAFFIC_LOG_PID
                                                                            : TRAFFIC_LOG_TREE;
      return TRAFFIC_LOG_TREE;
   }
   for (const char* open = strchr(line, '<'); open; open = strchr(open + 1, '<')) {
      const char* close = strchr(open, '>');
      if (close && TrafficParse_pid(open + 1, close, pid))
         return TRAFFIC_LOG_PID;
   }
   return TRAFFIC_LOG_TREE;
}

int TrafficParse_counterLine(const char* line, pid_t* pid, double* count) {
   char* end;
   errno = 0;
   double first = strtod(line, &end);
   if (end == line || errno || !(first >= 0))
      return 0;
   const char* rest = end;
   while (*rest == ' ' || *rest == '\t')
      rest++;
   if (*rest == '\0' || *rest == '\n') {
      *count = first;
      return 1;
   }
   double second = strtod(rest, &end);
   if (end == rest || errno || !(second >= 0))
      return 0;
   while (*end == ' ' || *end == '\t' || *end == '\n')
      end++;
   const char* digits = line + strspn(line, " \t");
   if (*end || !TrafficParse_pid(digits, digits + strcspn(digits, " \t"), pid))
      return 0;
   *count = second;
   return 2;
}

double TrafficParse_counterDelta(double previous, double current) {
   return current >= previous ? current - previous : current;
}

bool TrafficParse_nextLine(const char** text, char* line, size_t size) {
   const char* p = *text;
   if (*p == '\0')
      return false;
   size_t len = strcspn(p, "\n");
   size_t kept = len < size - 1 ? len : size - 1;
   memcpy(line, p, kept);
   line[kept] = '\0';
   *text = p + len + (p[len] == '\n' ? 1 : 0);
   return true;
}
