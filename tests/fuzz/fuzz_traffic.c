/* Fuzz target: arbitrary bytes as the outside input of the traffic sources
   (src/traffic/TrafficParse.c): /proc/net/tcp and tcp6 lines, fd link
   targets, access-log lines (with no regex, and with a PID-capturing one),
   a counter command's output, /proc/PID/io and uwsgi's stats documents.
   The input is split into lines as the sources split what they read. The
   seeds are in tests/fuzz/corpus/proc. */
#include "config.h"

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_driver.h"
#include "traffic/TrafficParse.h"

static regex_t FuzzTraffic_regex;
static bool FuzzTraffic_compiled;

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   if (!FuzzTraffic_compiled)
      FuzzTraffic_compiled = regcomp(&FuzzTraffic_regex, "GET .* <([0-9]+)>$", REG_EXTENDED) == 0;
   char* text = malloc(size + 1);
   if (!text)
      return 0;
   memcpy(text, data, size);
   text[size] = '\0';

   double reads;
   TrafficParse_ioReads(text, &reads);
   TrafficWorkerCount* workers;
   if (TrafficParse_uwsgiStats(text, &workers) >= 0)
      free(workers);

   const char* cursor = text;
   char line[512];
   double previous = 0;
   while (TrafficParse_nextLine(&cursor, line, sizeof(line))) {
      pid_t pid;
      TrafficParse_logLine(line, NULL, &pid);
      if (FuzzTraffic_compiled)
         TrafficParse_logLine(line, &FuzzTraffic_regex, &pid);
      double count;
      if (TrafficParse_counterLine(line, &pid, &count) > 0) {
         TrafficParse_counterDelta(previous, count);
         previous = count;
      }
   }
   free(text);
   return 0;
}
