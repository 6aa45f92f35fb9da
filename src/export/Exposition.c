#include "config.h"

#include "export/Exposition.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char* const Exposition_workerStates[EXPORT_WORKER_STATES] = {
      [EXPORT_WORKER_WARMING_UP] = "warming_up",
      [EXPORT_WORKER_STABLE] = "stable",
      [EXPORT_WORKER_PLATEAU] = "plateau",
      [EXPORT_WORKER_SPIKES] = "spikes",
      [EXPORT_WORKER_GROWS_WITH_TIME] = "grows_with_time",
      [EXPORT_WORKER_GROWS_WITH_TRAFFIC] = "grows_with_traffic",
      [EXPORT_WORKER_NATIVE_GROWTH] = "native_growth",
      [EXPORT_WORKER_RECYCLED_GROWTH] = "recycled_growth",
      [EXPORT_WORKER_INCONCLUSIVE] = "inconclusive",
};

const char* const Exposition_groupStates[EXPORT_GROUP_STATES] = {
      [EXPORT_GROUP_WARMING_UP] = "warming_up",
      [EXPORT_GROUP_STABLE] = "stable",
      [EXPORT_GROUP_ONE_GROWS] = "one_grows",
      [EXPORT_GROUP_SOME_GROW] = "some_grow",
      [EXPORT_GROUP_ALL_GROW] = "all_grow",
      [EXPORT_GROUP_WORKER_MULTIPLICATION] = "worker_multiplication",
      [EXPORT_GROUP_COW_UNSHARING] = "cow_unsharing",
      [EXPORT_GROUP_RECYCLED_GROWTH] = "recycled_growth",
};

const char* const Exposition_exitReasons[4] = {
      [END_RECYCLE] = "recycle",
      [END_CRASH] = "crash",
      [END_OOM_KILL] = "oom_kill",
      [END_UNKNOWN] = "unknown",
};

/* A per-row family: false from value when the row has no such value yet
   (PSS before the first smaps read), so that no made-up 0 is exported. */
typedef struct RowFamily {
   const char* name;
   const char* unit;
   const char* help;
   bool (*value)(const ExportRow* row, double* out);
} RowFamily;

static bool Exposition_rss(const ExportRow* r, double* v) {
   *v = r->rssBytes;
   return r->memKnown;
}

static bool Exposition_anon(const ExportRow* r, double* v) {
   *v = r->anonBytes;
   return r->memKnown;
}

static bool Exposition_pss(const ExportRow* r, double* v) {
   *v = r->pssBytes;
   return r->smapsKnown;
}

static bool Exposition_uss(const ExportRow* r, double* v) {
   *v = r->ussBytes;
   return r->smapsKnown;
}

static bool Exposition_swap(const ExportRow* r, double* v) {
   *v = r->swapBytes;
   return r->smapsKnown;
}

static bool Exposition_growth(const ExportRow* r, double* v) {
   *v = r->growthBytesPerSecond;
   return true;
}

static bool Exposition_timeToLimit(const ExportRow* r, double* v) {
   *v = r->timeToLimit;
   return true;
}

static bool Exposition_confidence(const ExportRow* r, double* v) {
   *v = r->confidence;
   return true;
}

static bool Exposition_traffic(const ExportRow* r, double* v) {
   *v = r->trafficPerSecond;
   return r->trafficKnown;
}

static bool Exposition_startTime(const ExportRow* r, double* v) {
   *v = r->startTime;
   return true;
}

static const RowFamily Exposition_rowFamilies[] = {
      {"leaktop_worker_rss_bytes", "bytes", "Resident set size.", Exposition_rss},
      {"leaktop_worker_anon_bytes", "bytes", "Resident anonymous memory.", Exposition_anon},
      {"leaktop_worker_pss_bytes", "bytes", "Proportional set size (smaps_rollup).",
       Exposition_pss},
      {"leaktop_worker_uss_bytes", "bytes", "Unique set size (smaps_rollup).", Exposition_uss},
      {"leaktop_worker_swap_bytes", "bytes", "Swapped-out memory (smaps_rollup).", Exposition_swap},
      {"leaktop_worker_growth_bytes_per_second", "bytes_per_second",
       "Growth of the RSS floor as the classifier estimates it.", Exposition_growth},
      {"leaktop_worker_time_to_limit_seconds", "seconds",
       "When the worker's significant growth reaches the group's limit; +Inf when not growing.",
       Exposition_timeToLimit},
      {"leaktop_worker_verdict_confidence_ratio", "ratio", "Confidence of the verdict, 0 to 1.",
       Exposition_confidence},
      {"leaktop_worker_traffic_per_second", NULL,
       "Traffic served over the last tick, in the group's traffic unit.", Exposition_traffic},
      {"leaktop_worker_start_time_seconds", "seconds",
       "Start time of the slot's current or last occupant, since the epoch.", Exposition_startTime},
};

/* Every exported row of the model, group by group (the master, then
   slots 1..N), with its group and slot labels. */
typedef struct RowCursor {
   const ExportModel* model;
   int group;
   int index; /* -1: the master */
   char slot[16];
   const ExportRow* row;
   MetricLabels labels;
} RowCursor;

static RowCursor RowCursor_start(const ExportModel* model) {
   return (RowCursor){.model = model, .group = 0, .index = -2};
}

static bool RowCursor_next(RowCursor* c) {
   for (; c->group < c->model->count; c->group++, c->index = -2) {
      const ExportGroup* g = &c->model->groups[c->group];
      for (c->index++; c->index < g->slotCount; c->index++) {
         c->row = c->index < 0 ? &g->master : &g->slots[c->index];
         if (!c->row->used)
            continue;
         if (c->index < 0)
            snprintf(c->slot, sizeof(c->slot), "master");
         else
            snprintf(c->slot, sizeof(c->slot), "%d", c->index + 1);
         MetricLabels groupLabels = MetricLabels_with(NULL, "group", g->name);
         c->labels = MetricLabels_with(&groupLabels, "slot", c->slot);
         return true;
      }
   }
   return false;
}

static MetricLabels Exposition_groupLabels(const ExportGroup* g) {
   return MetricLabels_with(NULL, "group", g->name);
}

static void Exposition_rowFamily(MetricWriter* w, const ExportModel* m, const RowFamily* f) {
   MetricWriter_family(w, f->name, METRIC_GAUGE, f->unit, f->help);
   double v;
   for (RowCursor c = RowCursor_start(m); RowCursor_next(&c);)
      if (f->value(c.row, &v))
         MetricWriter_sample(w, &c.labels, v);
}

static void Exposition_workerVerdict(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_worker_verdict", METRIC_STATESET, NULL,
                       "The worker's growth verdict: one state is 1.");
   for (RowCursor c = RowCursor_start(m); RowCursor_next(&c);)
      for (int s = 0; s < EXPORT_WORKER_STATES; s++)
         MetricWriter_state(w, &c.labels, Exposition_workerStates[s], (int)c.row->state == s);
}

static void Exposition_workerInfo(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_worker", METRIC_INFO, NULL,
                       "The pid of each slot's live occupant (--export-pid).");
   for (RowCursor c = RowCursor_start(m); RowCursor_next(&c);) {
      if (c.row->pid <= 0)
         continue;
      char pid[16];
      snprintf(pid, sizeof(pid), "%d", (int)c.row->pid);
      MetricLabels labels = MetricLabels_with(&c.labels, "pid", pid);
      MetricWriter_info(w, &labels);
   }
}

/* A per-group gauge or counter family: value says what each group has. */
typedef double (*GroupValue)(const ExportGroup* g);

static void Exposition_groupFamily(MetricWriter* w, const ExportModel* m, const char* name,
                                   MetricType type, const char* unit, const char* help,
                                   GroupValue value) {
   MetricWriter_family(w, name, type, unit, help);
   for (int i = 0; i < m->count; i++) {
      MetricLabels labels = Exposition_groupLabels(&m->groups[i]);
      MetricWriter_sample(w, &labels, value(&m->groups[i]));
   }
}

static double Exposition_groupWorkers(const ExportGroup* g) {
   return g->workers;
}

static double Exposition_groupUsage(const ExportGroup* g) {
   return g->usageBytes;
}

static double Exposition_groupTimeToLimit(const ExportGroup* g) {
   return g->timeToLimit;
}

static double Exposition_groupSpawns(const ExportGroup* g) {
   return g->spawns;
}

static void Exposition_groupLimit(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_group_memory_limit_bytes", METRIC_GAUGE, "bytes",
                       "The memory limit the group lives under: its cgroup's, else the host's.");
   for (int i = 0; i < m->count; i++) {
      const ExportGroup* g = &m->groups[i];
      if (!g->limitKnown)
         continue;
      MetricLabels groupLabels = Exposition_groupLabels(g);
      MetricLabels labels =
            MetricLabels_with(&groupLabels, "source", g->limitFromCgroup ? "cgroup" : "host");
      MetricWriter_sample(w, &labels, g->limitBytes);
   }
}

static void Exposition_groupVerdict(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_group_verdict", METRIC_STATESET, NULL,
                       "The tree's verdict: one state is 1.");
   for (int i = 0; i < m->count; i++) {
      const ExportGroup* g = &m->groups[i];
      MetricLabels labels = Exposition_groupLabels(g);
      for (int s = 0; s < EXPORT_GROUP_STATES; s++)
         MetricWriter_state(w, &labels, Exposition_groupStates[s], (int)g->state == s);
   }
}

static void Exposition_groupExits(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_group_worker_exits", METRIC_COUNTER, NULL,
                       "Workers that exited, by how they ended.");
   for (int i = 0; i < m->count; i++) {
      const ExportGroup* g = &m->groups[i];
      const unsigned counts[4] = {
            [END_RECYCLE] = g->exits.recycles,
            [END_CRASH] = g->exits.crashes,
            [END_OOM_KILL] = g->exits.oomKills,
            [END_UNKNOWN] = g->exits.unknown,
      };
      MetricLabels groupLabels = Exposition_groupLabels(g);
      for (int r = 0; r < 4; r++) {
         MetricLabels labels = MetricLabels_with(&groupLabels, "reason", Exposition_exitReasons[r]);
         MetricWriter_sample(w, &labels, counts[r]);
      }
   }
}

static void Exposition_recorder(MetricWriter* w, const ExportModel* m) {
   MetricWriter_family(w, "leaktop_build", METRIC_INFO, NULL, "leaktop's version.");
   MetricLabels version = MetricLabels_with(NULL, "version", PACKAGE_VERSION);
   MetricWriter_info(w, &version);
   MetricWriter_family(w, "leaktop_last_sample_timestamp_seconds", METRIC_GAUGE, "seconds",
                       "Wall time of the recorder's last tick.");
   MetricWriter_sample(w, NULL, m->lastSampleTime);
   MetricWriter_family(w, "leaktop_samples", METRIC_COUNTER, NULL,
                       "Ticks the recorder took since it started.");
   MetricWriter_sample(w, NULL, (double)m->samples);
   MetricWriter_family(w, "leaktop_sample_interval_seconds", METRIC_GAUGE, "seconds",
                       "Seconds between ticks.");
   MetricWriter_sample(w, NULL, m->intervalSeconds);
   MetricWriter_family(w, "leaktop_recording_bytes", METRIC_GAUGE, "bytes",
                       "Size of the recording directory.");
   MetricWriter_sample(w, NULL, (double)m->recordingBytes);
   MetricWriter_family(w, "leaktop_recording_errors", METRIC_COUNTER, NULL,
                       "Writes the recording could not make (a full disk, an I/O error).");
   MetricWriter_sample(w, NULL, (double)m->recordingErrors);
}

void Exposition_render(const ExportModel* model, MetricFormat format, ByteBuffer* out) {
   MetricWriter w;
   MetricWriter_init(&w, out, format);
   Exposition_recorder(&w, model);
   Exposition_groupFamily(&w, model, "leaktop_group_workers", METRIC_GAUGE, NULL,
                          "Live workers of the group.", Exposition_groupWorkers);
   Exposition_groupLimit(&w, model);
   Exposition_groupFamily(&w, model, "leaktop_group_memory_usage_bytes", METRIC_GAUGE, "bytes",
                          "The cgroup's memory.current, else the sum of the tree's PSS.",
                          Exposition_groupUsage);
   Exposition_groupVerdict(&w, model);
   Exposition_groupFamily(&w, model, "leaktop_group_time_to_limit_seconds", METRIC_GAUGE, "seconds",
                          "When the tree's summed growth reaches the limit; +Inf when not growing.",
                          Exposition_groupTimeToLimit);
   Exposition_groupFamily(&w, model, "leaktop_group_worker_spawns", METRIC_COUNTER, NULL,
                          "Workers that appeared after the group was first seen.",
                          Exposition_groupSpawns);
   Exposition_groupExits(&w, model);
   for (size_t i = 0; i < sizeof(Exposition_rowFamilies) / sizeof(Exposition_rowFamilies[0]); i++)
      Exposition_rowFamily(&w, model, &Exposition_rowFamilies[i]);
   Exposition_workerVerdict(&w, model);
   if (model->exportPid)
      Exposition_workerInfo(&w, model);
   MetricWriter_finish(&w);
}

/* One media range of an Accept header: its type and the q and version
   parameters that matter here. */
typedef struct MediaRange {
   char type[64];
   char version[32];
   double q;
} MediaRange;

static const char* Exposition_skipSpace(const char* s, const char* end) {
   while (s < end && (*s == ' ' || *s == '\t'))
      s++;
   return s;
}

static void Exposition_copyTrimmed(char* out, size_t size, const char* s, const char* end) {
   s = Exposition_skipSpace(s, end);
   while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
      end--;
   size_t n = (size_t)(end - s);
   if (n >= size)
      n = size - 1;
   memcpy(out, s, n);
   out[n] = '\0';
}

static void Exposition_parseRange(const char* s, const char* end, MediaRange* r) {
   memset(r, 0, sizeof(*r));
   r->q = 1;
   const char* semi = memchr(s, ';', (size_t)(end - s));
   Exposition_copyTrimmed(r->type, sizeof(r->type), s, semi ? semi : end);
   while (semi) {
      const char* p = semi + 1;
      semi = memchr(p, ';', (size_t)(end - p));
      const char* stop = semi ? semi : end;
      const char* eq = memchr(p, '=', (size_t)(stop - p));
      if (!eq)
         continue;
      char key[16], value[32];
      Exposition_copyTrimmed(key, sizeof(key), p, eq);
      Exposition_copyTrimmed(value, sizeof(value), eq + 1, stop);
      if (strcasecmp(key, "q") == 0) {
         char* rest;
         double q = strtod(value, &rest);
         r->q = rest != value && isfinite(q) ? fmin(1, fmax(0, q)) : 0;
      } else if (strcasecmp(key, "version") == 0) {
         snprintf(r->version, sizeof(r->version), "%s", value);
      }
   }
}

MetricFormat Exposition_negotiate(const char* accept) {
   if (!accept)
      return METRIC_FORMAT_TEXT;
   double openMetrics = 0, text = 0;
   const char* end = accept + strlen(accept);
   for (const char* s = accept; s < end;) {
      const char* comma = memchr(s, ',', (size_t)(end - s));
      const char* stop = comma ? comma : end;
      MediaRange r;
      Exposition_parseRange(s, stop, &r);
      if (strcasecmp(r.type, "application/openmetrics-text") == 0) {
         if (!r.version[0] || strcmp(r.version, "1.0.0") == 0)
            openMetrics = fmax(openMetrics, r.q);
      } else if (strcasecmp(r.type, "text/plain") == 0 || strcasecmp(r.type, "text/*") == 0 ||
                 strcmp(r.type, "*/*") == 0) {
         text = fmax(text, r.q);
      }
      s = comma ? comma + 1 : end;
   }
   return openMetrics > 0 && openMetrics >= text ? METRIC_FORMAT_OPENMETRICS : METRIC_FORMAT_TEXT;
}

const char* Exposition_contentType(MetricFormat format) {
   return format == METRIC_FORMAT_OPENMETRICS
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
}
