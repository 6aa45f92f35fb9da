/* Fuzz target: arbitrary bytes as a snapshot result, the JSON a worker's
   collector writes and leaktop reads back (Snapshot_parse), then what
   leaktop does with a parsed one: serialize it, parse that again, and
   diff the two (the second a second later, so that the diff is
   computed: the type lookup by name, both type rankings, the lines), as
   ProcessSnapshots does with consecutive results. The
   seeds are the real collector results in tests/unit/data. Built for
   libFuzzer with clang -fsanitize=fuzzer (DEVELOPERS.md), or with
   fuzz_driver.c into a check program. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_driver.h"
#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   Snapshot first;
   char err[256];
   if (!Snapshot_parse((const char*)data, size, &first, err, sizeof(err)))
      return 0;
   char* text = Snapshot_serialize(&first);
   Snapshot again;
   if (text && Snapshot_parse(text, strlen(text), &again, err, sizeof(err))) {
      again.time = first.time + 1.0;
      SnapshotDiff diff;
      SnapshotDiff_compute(&first, &again, &diff);
      SnapshotDiff_done(&diff);
      Snapshot_done(&again);
   }
   free(text);
   Snapshot_done(&first);
   return 0;
}
