/* Fuzz target: the outside input of the /metrics endpoint that leaktop's
   own code reads (libmicrohttpd parses the request itself): the Accept
   header a scraper sends, the --listen address, and a tree name that ends
   up in every label. The bytes are each of the three in turn; the
   exposition rendered with them as the group name must keep its line
   structure in both formats (each line a comment or a leaktop_ sample,
   OpenMetrics ending in one # EOF), or the target aborts. The seeds are in
   tests/fuzz/corpus/http. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/Exposition.h"
#include "export/MetricsServer.h"
#include "fuzz_driver.h"

/* A sample line: a name, optional labels whose quoted values hold only
   escaped quotes and backslashes and no newline, a space, a value. */
static bool FuzzHttp_sampleLine(const char* s, const char* end) {
   while (s < end && (*s == '_' || (*s >= 'a' && *s <= 'z')))
      s++;
   if (s < end && *s == '{') {
      do {
         s++;
         while (s < end && (*s == '_' || (*s >= 'a' && *s <= 'z')))
            s++;
         if (end - s < 2 || s[0] != '=' || s[1] != '"')
            return false;
         for (s += 2; s < end && *s != '"'; s++)
            if (*s == '\\' && (++s >= end || (*s != '\\' && *s != '"')))
               return false;
         if (s >= end)
            return false;
         s++;
      } while (s < end && *s == ',');
      if (s >= end || *s != '}')
         return false;
      s++;
   }
   return s < end && *s == ' ' && s + 1 < end;
}

static void FuzzHttp_checkLines(const ByteBuffer* out, MetricFormat format) {
   const char* text = (const char*)out->data;
   size_t n = out->length;
   if (n == 0 || text[n - 1] != '\n')
      abort();
   for (size_t i = 0; i < n;) {
      const char* line = text + i;
      const char* end = memchr(line, '\n', n - i);
      if (line[0] != '#' &&
          (end - line < 8 || memcmp(line, "leaktop_", 8) != 0 || !FuzzHttp_sampleLine(line, end)))
         abort();
      i = (size_t)(end - text) + 1;
   }
   static const char eof[] = "# EOF\n";
   bool endsEof = n >= 6 && memcmp(text + n - 6, eof, 6) == 0;
   if (endsEof != (format == METRIC_FORMAT_OPENMETRICS))
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   char* text = malloc(size + 1);
   if (!text)
      return 0;
   memcpy(text, data, size);
   text[size] = '\0';

   Exposition_negotiate(text);
   char host[64], err[256];
   unsigned port;
   MetricsServer_parseSpec(text, host, sizeof(host), &port, err, sizeof(err));

   ExportModel model;
   memset(&model, 0, sizeof(model));
   model.exportPid = true;
   ExportGroup group;
   memset(&group, 0, sizeof(group));
   snprintf(group.name, sizeof(group.name), "%s", text);
   group.master = (ExportRow){.used = true, .pid = 1, .memKnown = true, .rssBytes = 1};
   ExportRow slot = group.master;
   group.slots = &slot;
   group.slotCount = 1;
   model.groups = &group;
   model.count = 1;
   for (int f = 0; f < 2; f++) {
      ByteBuffer out;
      ByteBuffer_init(&out);
      MetricFormat format = f ? METRIC_FORMAT_OPENMETRICS : METRIC_FORMAT_TEXT;
      Exposition_render(&model, format, &out);
      FuzzHttp_checkLines(&out, format);
      ByteBuffer_done(&out);
   }
   free(text);
   return 0;
}
