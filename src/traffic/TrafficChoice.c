#include "config.h"

#include "traffic/TrafficChoice.h"

#include <stdio.h>
#include <string.h>

/* The address after --stats (as "--stats ADDR" or "--stats=ADDR") in a
   command line whose arguments are separated by spaces; false if none. */
static bool TrafficChoice_stats(const char* cmdline, char* out, size_t size) {
   for (const char* at = strstr(cmdline, "--stats"); at; at = strstr(at + 1, "--stats")) {
      bool argStart = at == cmdline || at[-1] == ' ';
      const char* value = at + strlen("--stats");
      if (!argStart || (*value != ' ' && *value != '='))
         continue;
      value++;
      size_t len = strcspn(value, " ");
      if (len == 0 || len >= size)
         continue;
      snprintf(out, size, "%.*s", (int)len, value);
      return true;
   }
   return false;
}

bool TrafficChoice_spec(const char* const* names, const char* const* rootCmdlines, int count,
                        char* out, size_t size) {
   if (count <= 0)
      return false;
   bool celery = true, uwsgi = true;
   char address[256] = "";
   for (int i = 0; i < count; i++) {
      celery = celery && strcmp(names[i], "celery") == 0;
      char mine[256];
      uwsgi = uwsgi && strcmp(names[i], "uwsgi") == 0 &&
              TrafficChoice_stats(rootCmdlines[i], mine, sizeof(mine)) &&
              (i == 0 || strcmp(mine, address) == 0);
      if (uwsgi)
         snprintf(address, sizeof(address), "%s", mine);
   }
   if (celery)
      snprintf(out, size, "io");
   else if (uwsgi)
      snprintf(out, size, "uwsgi:%s", address);
   return celery || uwsgi;
}
