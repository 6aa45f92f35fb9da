#include "config.h"

#include "traffic/TrafficParse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/XUtils.h"

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

bool TrafficParse_ioReads(const char* text, double* reads) {
   static const char key[] = "syscr:";
   for (const char* line = text; line && *line;) {
      if (strncmp(line, key, sizeof(key) - 1) == 0) {
         const char* digits = line + sizeof(key) - 1;
         while (*digits == ' ')
            digits++;
         if (!isdigit((unsigned char)*digits))
            return false;
         char* end;
         errno = 0;
         unsigned long long v = strtoull(digits, &end, 10);
         if (errno || (*end && *end != '\n'))
            return false;
         *reads = (double)v;
         return true;
      }
      const char* next = strchr(line, '\n');
      line = next ? next + 1 : NULL;
   }
   return false;
}

/* A JSON member that is a non-negative integer, within a double's exact range. */
static bool TrafficParse_jsonCount(const json_object* obj, const char* key, double* value) {
   json_object* v;
   if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
      return false;
   int64_t n = json_object_get_int64(v);
   if (n < 0 || n > (INT64_C(1) << 53))
      return false;
   *value = (double)n;
   return true;
}

int TrafficParse_uwsgiStats(const char* json, TrafficWorkerCount** workers) {
   *workers = NULL;
   json_object* root = json_tokener_parse(json);
   json_object* list;
   if (!root || !json_object_is_type(root, json_type_object) ||
       !json_object_object_get_ex(root, "workers", &list) ||
       !json_object_is_type(list, json_type_array)) {
      json_object_put(root);
      return -1;
   }
   size_t len = json_object_array_length(list);
   TrafficWorkerCount* out = xCalloc(len ? len : 1, sizeof(TrafficWorkerCount));
   int n = 0;
   for (size_t i = 0; i < len; i++) {
      const json_object* w = json_object_array_get_idx(list, i);
      double pid, requests;
      if (w && json_object_is_type(w, json_type_object) && TrafficParse_jsonCount(w, "pid", &pid) &&
          pid >= 1 && pid <= INT_MAX && TrafficParse_jsonCount(w, "requests", &requests))
         out[n++] = (TrafficWorkerCount){.pid = (pid_t)pid, .requests = requests};
   }
   json_object_put(root);
   *workers = out;
   return n;
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
