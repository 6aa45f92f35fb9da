/* Writes a promtool unit-test file (prometheus docs unit_testing_rules.md)
   in which every test group is one replay scenario (bench/Scenario.c) run
   through leaktop's classifier at 1 s ticks: the worker series leaktop
   record would serve (doc/metrics.md: RSS, growth, time to the limit, the
   verdict stateset, its confidence) as Prometheus scrapes them, every
   SCRAPE seconds. Each group expects no alert at every evaluation, so that
   promtool's failures are exactly the times each alert fired;
   bench/alert_rules.sh reads them. A group's name is "leak: NAME" or
   "trap: NAME".
   Each scenario is preceded by PRELUDE seconds of the slot's previous,
   stable occupant; alerts are expected from the scenario's start on, and
   "# limit_at: T" says when its RSS reached the limit.
   Usage: bench/alert_series PRELUDE SECONDS SCRAPE ALERT[,ALERT...] RULEFILE... */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Scenario.h"
#include "classify/TimeToLimit.h"
#include "export/ExportModel.h"
#include "export/Exposition.h"

#define SERIES_TICK 1.0
/* The group's memory limit: one worker in a 256 MiB cgroup, so a time
   leak of 5 MiB/min from 30 MiB is 45 minutes from it. */
#define SERIES_LIMIT_KIB (256 * 1024.0)
/* gunicorn's max_requests: each generation serves this many, then its
   slot gets a new worker with a new classifier, at the base RSS. The
   sawtooth retains 10 KiB a request (scale 5): 10 MiB a generation of
   about 100 s. */
#define SERIES_MAX_REQUESTS 1000.0

/* Every state of the exporter's stateset (doc/metrics.md); this bench
   reaches neither native_growth (no heap snapshots) nor recycled_growth
   (no slot history), which stay 0 as they would. */
#define VERDICTS EXPORT_WORKER_STATES

typedef struct Case {
   const char* name;
   bool leaks;
   ScenarioKind kind;
   double leakMiBPerMin; /* > 0: Scenario_initLeak at this rate */
   double jitterKiB;     /* > 0: replaces the scenario's jitter */
   double leakUntil;     /* > 0: the time leak stops here */
   bool recycled;        /* max_requests recycling */
   double scale;         /* > 0: replaces the scenario's scale of 1 */
   unsigned long long seed;
} Case;

static const Case cases[] = {
      {"leak while idle, 1 MiB/min", true, SCENARIO_LEAK_TIME, 0, 0, 0, false, 0, 1001},
      {"per-request retention", true, SCENARIO_LEAK_TRAFFIC, 0, 0, 0, false, 0, 1002},
      {"constant traffic", true, SCENARIO_CONSTANT, 0, 0, 0, false, 0, 1006},
      {"diurnal traffic", true, SCENARIO_DIURNAL, 0, 0, 0, false, 0, 1007},
      {"time leak 0.5 MiB/min", true, SCENARIO_LEAK_TIME, 0.5, 96, 0, false, 0, 11},
      {"time leak 2 MiB/min", true, SCENARIO_LEAK_TIME, 2, 96, 0, false, 0, 12},
      {"time leak 5 MiB/min", true, SCENARIO_LEAK_TIME, 5, 96, 0, false, 0, 13},
      {"time leak 10 MiB/min", true, SCENARIO_LEAK_TIME, 10, 96, 0, false, 0, 14},
      {"time leak 23 MiB/min", true, SCENARIO_LEAK_TIME, 23, 96, 0, false, 0, 15},
      {"time leak 2 MiB/min, 1 MiB jitter", true, SCENARIO_LEAK_TIME, 2, 1024, 0, false, 0, 16},
      {"stable", false, SCENARIO_STABLE, 0, 0, 0, false, 0, 1000},
      {"stable, 1 MiB jitter", false, SCENARIO_STABLE, 0, 1024, 0, false, 0, 5100},
      {"cache fills, plateau", false, SCENARIO_PLATEAU, 0, 0, 0, false, 0, 1003},
      {"periodic spikes", false, SCENARIO_SPIKES, 0, 0, 0, false, 0, 1004},
      {"one step (high-water)", false, SCENARIO_STEP, 0, 0, 0, false, 0, 1005},
      {"large and flat", false, SCENARIO_LARGE_FLAT, 0, 0, 0, false, 0, 1008},
      {"fast warm-up, then flat", false, SCENARIO_WARM_CACHE, 0, 0, 0, false, 0, 1009},
      {"one spike", false, SCENARIO_SPIKE_ONCE, 0, 0, 0, false, 0, 1010},
      {"wanders near zero", false, SCENARIO_WANDER, 0, 0, 0, false, 0, 1011},
      {"linear 60 s at 10 MiB/min", false, SCENARIO_LEAK_TIME, 10, 96, 60, false, 0, 5900},
      {"linear 60 s at 30 MiB/min", false, SCENARIO_LEAK_TIME, 30, 96, 60, false, 0, 6000},
      {"max_requests sawtooth", false, SCENARIO_LEAK_TRAFFIC, 0, 0, 0, true, 5, 1012},
};

/* One series' values, appended as scraped. */
typedef struct Values {
   char* text;
   size_t length, size;
} Values;

static void Values_add(Values* this, double value) {
   char cell[40];
   if (isnan(value))
      snprintf(cell, sizeof(cell), " NaN");
   else if (isinf(value))
      snprintf(cell, sizeof(cell), " +Inf");
   else
      snprintf(cell, sizeof(cell), " %.6g", value);
   size_t n = strlen(cell);
   if (this->length + n + 1 > this->size) {
      this->size = 2 * (this->size + n + 1);
      this->text = realloc(this->text, this->size);
      if (!this->text) {
         perror("alert_series");
         exit(1);
      }
   }
   memcpy(this->text + this->length, cell, n + 1);
   this->length += n;
}

enum { S_RSS, S_GROWTH, S_TTL, S_CONFIDENCE, S_VERDICT };
#define SERIES (S_VERDICT + VERDICTS)

static void Case_start(const Case* c, Scenario* s) {
   if (c->leakMiBPerMin > 0)
      Scenario_initLeak(s, SERIES_TICK, c->leakMiBPerMin * 1024, 30 * 1024, c->jitterKiB, c->seed);
   else
      Scenario_init(s, c->kind, SERIES_TICK, c->scale > 0 ? c->scale : 1.0, c->seed);
   if (c->jitterKiB > 0)
      s->jitterKiB = c->jitterKiB;
   if (c->leakUntil > 0)
      s->leakUntil = c->leakUntil;
}

/* One occupant of the slot through its own classifier, scraped every
   scrape seconds into values[SERIES] from *nextScrape on; returns the first
   time its RSS reached the limit, INFINITY never. */
static double Case_run(const Case* c, Scenario* s, double seconds, double offset, double scrape,
                       double* nextScrape, Values* values) {
   GrowthClassifier classifier;
   Classifier_init(&classifier);
   double served = 0, limitAt = INFINITY;
   while (s->t < seconds - SERIES_TICK / 2) {
      ClassifierInput in;
      Scenario_next(s, &in);
      served += in.trafficDelta;
      if (c && c->recycled && served >= SERIES_MAX_REQUESTS) {
         /* The worker exits; its replacement starts where the first did. */
         served = 0;
         s->floorKiB = s->baseKiB;
         Classifier_init(&classifier);
      }
      Classifier_update(&classifier, &in);
      if (in.rssKiB >= SERIES_LIMIT_KIB && !isfinite(limitAt))
         limitAt = s->t;
      if (offset + s->t < *nextScrape - SERIES_TICK / 2)
         continue;
      *nextScrape += scrape;
      double growth = Classifier_projectedGrowth(&classifier);
      double ttl = TimeToLimit_seconds(growth, SERIES_LIMIT_KIB - in.rssKiB);
      Values_add(&values[S_RSS], 1024 * in.rssKiB);
      Values_add(&values[S_GROWTH], isnan(growth) ? 0 : 1024 * growth / 60);
      Values_add(&values[S_TTL], isnan(ttl) ? INFINITY : ttl);
      Values_add(&values[S_CONFIDENCE], classifier.evidence.confidence);
      for (int v = 0; v < VERDICTS; v++)
         Values_add(&values[S_VERDICT + v],
                    ExportModel_verdictState(classifier.verdict, SNAPSHOT_VERDICT_UNKNOWN, NULL) ==
                          (ExportWorkerState)v);
   }
   return limitAt;
}

/* The slot's previous occupant, stable at the scenario's level for
   prelude seconds (a slot's series outlives its workers), then the
   scenario's worker: the field guides' `offset 30m` has a value from the
   scenario's start, as it has on a slot that was there before. */
static double Case_replay(const Case* c, double prelude, double seconds, double scrape,
                          Values* values) {
   Scenario s;
   Case_start(c, &s);
   Scenario before;
   Scenario_init(&before, SCENARIO_STABLE, SERIES_TICK, 1.0, c->seed + 77);
   before.floorKiB = before.baseKiB = s.baseKiB;
   before.jitterKiB = s.jitterKiB;
   double nextScrape = scrape;
   Case_run(NULL, &before, prelude, 0, scrape, &nextScrape, values);
   return Case_run(c, &s, seconds, prelude, scrape, &nextScrape, values);
}

static void print_series(const char* name, const char* extra, const Values* values) {
   printf("      - series: "
          "'%s{instance=\"bench:9109\",job=\"leaktop\",group=\"bench\",slot=\"1\"%s}'\n"
          "        values: '_%s'\n",
          name, extra, values->text ? values->text : "");
}

static void print_case(const Case* c, double prelude, double seconds, double scrape,
                       char* const* alerts, int nalerts) {
   Values values[SERIES] = {{0}};
   double limitAt = Case_replay(c, prelude, seconds, scrape, values);
   printf("  - name: \"%s: %s\"\n", c->leaks ? "leak" : "trap", c->name);
   if (isfinite(limitAt))
      printf("    # limit_at: %.0f\n", limitAt);
   printf("    interval: %.0fs\n    input_series:\n", scrape);
   print_series("leaktop_worker_rss_bytes", "", &values[S_RSS]);
   print_series("leaktop_worker_growth_bytes_per_second", "", &values[S_GROWTH]);
   print_series("leaktop_worker_time_to_limit_seconds", "", &values[S_TTL]);
   print_series("leaktop_worker_verdict_confidence_ratio", "", &values[S_CONFIDENCE]);
   for (int v = 0; v < VERDICTS; v++) {
      char label[64];
      snprintf(label, sizeof(label), ",leaktop_worker_verdict=\"%s\"", Exposition_workerStates[v]);
      print_series("leaktop_worker_verdict", label, &values[S_VERDICT + v]);
   }
   printf("    alert_rule_test:\n");
   for (double t = prelude + scrape; t < prelude + seconds + scrape / 2; t += scrape)
      for (int a = 0; a < nalerts; a++)
         printf("      - {eval_time: %.0fs, alertname: %s, exp_alerts: []}\n", t, alerts[a]);
   for (int k = 0; k < SERIES; k++)
      free(values[k].text);
}

int main(int argc, char** argv) {
   double prelude = argc > 1 ? atof(argv[1]) : -1;
   double seconds = argc > 2 ? atof(argv[2]) : 0;
   double scrape = argc > 3 ? atof(argv[3]) : 0;
   if (argc < 6 || prelude < 0 || seconds < 60 || scrape < 1 || scrape != floor(scrape) ||
       fmod(prelude, scrape) != 0) {
      fprintf(stderr, "usage: alert_series PRELUDE SECONDS SCRAPE ALERT[,ALERT...] RULEFILE...\n"
                      "(PRELUDE a multiple of SCRAPE)\n");
      return 2;
   }
   char* alerts[16];
   int nalerts = 0;
   for (char* name = strtok(argv[4], ","); name && nalerts < 16; name = strtok(NULL, ","))
      alerts[nalerts++] = name;
   printf("# Generated by bench/alert_series %s %s %s: %zu replay scenarios.\nrule_files:\n",
          argv[1], argv[2], argv[3], sizeof(cases) / sizeof(cases[0]));
   for (int i = 5; i < argc; i++)
      printf("  - '%s'\n", argv[i]);
   printf("evaluation_interval: %.0fs\ntests:\n", scrape);
   for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
      print_case(&cases[c], prelude, seconds, scrape, alerts, nalerts);
   return 0;
}
