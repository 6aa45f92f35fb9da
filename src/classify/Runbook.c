#include "config.h"

#include "classify/Runbook.h"

#include <stddef.h>

/* The advice follows the field guides' patterns (../shared/MISSION.md, "The
   user and the moment"): name the kind of growth, then the tool for it. */
static const char* const Runbook_worker[] = {
      [VERDICT_WARMING_UP] = "wait: a verdict needs a minute of samples, and growth three minutes",
      [VERDICT_STABLE] = "nothing to do for this worker",
      [VERDICT_PLATEAU] = "not a leak: warm-up or a bounded cache; check the cache's size bound "
                          "if the plateau is too high",
      [VERDICT_GROWS_WITH_TIME] =
            "leak or background accumulator: take two snapshots a few minutes apart and diff "
            "by type; look at background threads, timers and unbounded module-level lists",
      [VERDICT_GROWS_WITH_TRAFFIC] =
            "per-request retention: look for request-scoped caches and retained request "
            "objects; take a snapshot and diff by line",
      [VERDICT_SPIKES] =
            "large payloads: find the requests that allocate most (stream or paginate them); "
            "a step that stays is CPython keeping its high-water mark, not a leak",
      [VERDICT_INCONCLUSIVE] = NULL,
};

static const char* const Runbook_inconclusive[] = {
      [REASON_NONE] = "watch longer",
      [REASON_TRAFFIC_CONSTANT] =
            "time and traffic cannot be told apart: let the worker idle a few minutes (or "
            "vary the load) and watch whether it still grows",
      [REASON_TOO_NOISY] = "memory rises but too irregularly to name: watch longer, or take "
                           "two snapshots and diff by type",
      [REASON_TOO_FEW_SAMPLES] = "memory could not be read often enough: check permissions "
                                 "and the sampling interval",
      [REASON_NO_TRAFFIC] = "choose a traffic source (--traffic) to tell per-request "
                            "retention from time-driven growth",
};

static const char* const Runbook_tree[] = {
      [TREE_WARMING_UP] = "wait for the workers' verdicts",
      [TREE_STABLE] = "nothing grows",
      [TREE_ONE_GROWS] = "open the growing worker: its verdict says which kind of growth; "
                         "take a snapshot of it and of a flat sibling and compare",
      [TREE_SOME_GROW] = "compare the growing workers with the flat ones: the requests they "
                         "served differ",
      [TREE_ALL_GROW] = "the code every worker runs grows: snapshot one worker twice and diff; "
                        "max_requests recycling limits the damage meanwhile",
      [TREE_MULTIPLICATION] = "nothing leaks: memory is workers times their size; reduce the "
                              "worker count or their footprint (--preload, gc.freeze())",
      [TREE_COW_UNSHARING] = "copy-on-write pages are being unshared: call gc.freeze() after "
                             "preloading the app, before the fork",
      [TREE_RECYCLED_TRAFFIC] = "recycling hides per-request retention: snapshot a worker early "
                                "and late in its life and diff; the restarts cost warm-ups",
      [TREE_RECYCLED_TIME] = "recycling hides growth with time (a background accumulator): "
                             "snapshot a worker early and late in its life and diff",
};

const char* Runbook_workerStep(GrowthVerdict verdict, GrowthReason reason) {
   return verdict == VERDICT_INCONCLUSIVE ? Runbook_inconclusive[reason] : Runbook_worker[verdict];
}

/* Only the diffs that say where the memory went have advice of their own. */
static const char* const Runbook_snapshot[] = {
      [SNAPSHOT_VERDICT_UNKNOWN] = NULL,
      [SNAPSHOT_VERDICT_STEADY] = NULL,
      [SNAPSHOT_VERDICT_PYTHON] =
            "the Python heap grows: the snapshot's types and lines that grew name what is "
            "kept (start tracemalloc for lines)",
      [SNAPSHOT_VERDICT_NATIVE] =
            "a C extension or the allocator: a snapshot with malloc_trim tells retention from "
            "a leak; memray --native or heaptrack finds the code",
      [SNAPSHOT_VERDICT_ALLOCATOR] =
            "not a leak: the allocator keeps freed memory; MALLOC_ARENA_MAX=2, a lower "
            "M_TRIM_THRESHOLD or jemalloc keep RSS down",
};

const char* Runbook_step(GrowthVerdict verdict, GrowthReason reason, SnapshotVerdict snapshot) {
   const char* step = Runbook_snapshot[snapshot];
   return step ? step : Runbook_workerStep(verdict, reason);
}

const char* Runbook_treeStep(TreeVerdictLabel label) {
   return Runbook_tree[label];
}

const char* Runbook_resourceStep(const ResourceGrowth* resources) {
   const int32_t* rise = resources->rise;
   if (resources->grows[RESOURCE_FDS]) {
      if (rise[RESOURCE_CLOSE_WAIT] > 0 && 2 * rise[RESOURCE_CLOSE_WAIT] >= rise[RESOURCE_FDS])
         return "sockets the peer closed are never closed here (CLOSE_WAIT): find the client "
                "or pool that drops a connection without close(); ss -tnp state close-wait "
                "names the peer, and a with block or session.close() is the fix";
      if (rise[RESOURCE_ESTABLISHED] > 0 && 2 * rise[RESOURCE_ESTABLISHED] >= rise[RESOURCE_FDS])
         return "open connections pile up: a pool without a bound, a client made per request, "
                "or tasks that hold a connection and never finish; ss -tnp names the peers";
      return "fds pile up: ls -l /proc/PID/fd shows which files or pipes; look for open() "
             "without a with block and handles kept in module-level lists";
   }
   if (resources->grows[RESOURCE_THREADS])
      return "threads pile up: leaktop stack PID shows what each one runs; look for threads "
             "or executors started per request and timers never joined";
   return NULL;
}
