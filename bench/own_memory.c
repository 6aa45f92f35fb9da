/* leaktop's own memory with 1000 tracked processes whose history tiers are
   full: the tiers are filled directly (24 h of 1 s samples each), then one
   tick of batch output is rendered so the JSON path is counted too. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SelfMemory.h"
#include "model/Machine.h"
#include "output/Batch.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

int main(int argc, char** argv) {
   int processes = argc > 1 ? atoi(argv[1]) : 1000;
   Options opts;
   char* args[] = {"leaktop", "--batch", "-p", "1", NULL};
   CommandLine_parse(4, args, &opts);

   Machine machine;
   memset(&machine, 0, sizeof(machine));
   machine.opts = &opts;
   machine.now = 90000;
   machine.wallNow = XUtils_wallNow();
   char err[256];
   machine.traffic = Traffic_new("cpu", err, sizeof(err));

   Process* root = Process_new(100000, 1, opts.delay, 0);
   ProcessTree* tree = ProcessTree_new(root);
   for (int i = 1; i < processes; i++) {
      Process* p = Process_new(100000 + i, 1000 + (unsigned)i, opts.delay, 0);
      p->ppid = 100000;
      ProcessTree_add(tree, p);
   }
   ProcessTree_reorder(tree);
   long before = SelfMemory_kib("VmRSS");
   const int seconds = 25 * 3600;
   for (int i = 0; i < tree->count; i++) {
      Process* p = tree->procs[i];
      snprintf(p->name, sizeof(p->name), "worker");
      p->memKnown = true;
      p->rssKiB = 50000;
      for (int t = 0; t < seconds; t++)
         History_add(&p->rssHistory, (double)t, (uint32_t)(50000 + t / 60));
      for (int t = 0; t < SMAPS_HISTORY_ROWS; t++)
         SmapsHistory_add(&p->smapsHistory, seconds - 10.0 * (SMAPS_HISTORY_ROWS - t), 40000,
                          45000);
   }
   machine.trees = &tree;
   machine.treeCount = 1;
   FILE* devnull = fopen("/dev/null", "w");
   Batch_writeTick(&machine, devnull);
   fclose(devnull);

   long after = SelfMemory_kib("VmRSS");
   long peak = SelfMemory_kib("VmHWM");
   printf("own memory: %d processes, every history tier full (%d s of samples each)\n", processes,
          seconds);
   printf("  per-process record: %zu bytes (history %zu)\n", sizeof(Process), sizeof(History));
   printf("  RSS before filling: %ld KiB, after: %ld KiB (%.1f MiB), peak %ld KiB (%.1f MiB)\n",
          before, after, after / 1024.0, peak, peak / 1024.0);
   ProcessTree_delete(tree);
   Traffic_delete(machine.traffic);
   CommandLine_done(&opts);
   return 0;
}
