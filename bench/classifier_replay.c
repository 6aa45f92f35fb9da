/* Replays the labelled scenario series (bench/Scenario.c) through leaktop's
   classifier and through two Prometheus alerting rules, and prints for each
   detector the time to its first correct alert and its false alerts:
     - the field guide's rule: increase(rss[30m]) > 15% of rss, for: 5m;
     - predict_linear(rss[30m], 4h) > 256 MiB, for: 5m.
   Rules are evaluated every 15 s over the samples in their window, as
   Prometheus does (no extrapolation beyond the samples: it favours them).
   Usage: bench/classifier_replay [SECONDS]   (default 3600, at 1 Hz) */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "Scenario.h"

#define REPLAY_TICK     1.0
#define RULE_WINDOW     1800.0
#define RULE_FOR        300.0
#define RULE_EVALUATION 15.0
#define RULE_INCREASE   0.15
#define RULE_HORIZON    (4 * 3600.0)
#define RULE_LIMIT_KIB  (256 * 1024.0)

typedef struct Detector {
   double firstAlert; /* seconds, INFINITY none */
   int alerts;        /* rising edges */
   bool firing;
   double pendingSince; /* < 0 when the condition is false */
} Detector;

/* Prometheus `for:` semantics: firing once the condition held RULE_FOR. */
static void Detector_evaluate(Detector* d, bool condition, double t) {
   if (!condition) {
      d->pendingSince = -1;
      d->firing = false;
      return;
   }
   if (d->pendingSince < 0)
      d->pendingSince = t;
   if (!d->firing && t - d->pendingSince >= RULE_FOR) {
      d->firing = true;
      d->alerts++;
      if (!isfinite(d->firstAlert))
         d->firstAlert = t;
   }
}

/* increase() over the window, relative to the window's first value. */
static bool Rule_increase(const double* rss, int n) {
   int from = n - (int)(RULE_WINDOW / REPLAY_TICK);
   from = from < 0 ? 0 : from;
   return n - from >= 2 && rss[n - 1] - rss[from] > RULE_INCREASE * rss[from];
}

/* predict_linear(): least squares over the window, projected ahead. */
static bool Rule_predictLinear(const double* rss, int n) {
   int from = n - (int)(RULE_WINDOW / REPLAY_TICK);
   from = from < 0 ? 0 : from;
   int m = n - from;
   if (m < 2)
      return false;
   double st = 0, sy = 0, stt = 0, sty = 0;
   for (int i = from; i < n; i++) {
      double x = (i - (n - 1)) * REPLAY_TICK;
      st += x;
      sy += rss[i];
      stt += x * x;
      sty += x * rss[i];
   }
   double slope = (m * sty - st * sy) / (m * stt - st * st);
   double intercept = (sy - slope * st) / m;
   return intercept + slope * RULE_HORIZON > RULE_LIMIT_KIB;
}

static void print_cell(double first, int alerts) {
   char when[16];
   if (isfinite(first))
      snprintf(when, sizeof(when), "%.0f s", first);
   else
      snprintf(when, sizeof(when), "-");
   printf(" %9s %4d |", when, alerts);
}

/* A rule on a leak: its time to fire, and re-firings are not false alerts. */
static void print_rule(const Detector* d, bool leaks) {
   print_cell(leaks ? d->firstAlert : INFINITY, leaks ? 0 : d->alerts);
}

int main(int argc, char** argv) {
   double seconds = argc > 1 ? atof(argv[1]) : 3600;
   int ticks = (int)(seconds / REPLAY_TICK);
   double* rss = calloc((size_t)ticks + 1, sizeof(double));
   if (!rss)
      return 1;
   printf("Scenarios at %.0f s ticks for %.0f s; first correct alert (s) and false alerts.\n",
          REPLAY_TICK, seconds);
   printf("%-24s %-32s | %-14s | %-14s | %-14s |\n", "scenario", "expected", "leaktop",
          "increase>15%", "predict_linear");
   for (int k = 0; k < SCENARIO_COUNT; k++) {
      Scenario s;
      Scenario_init(&s, (ScenarioKind)k, REPLAY_TICK, 1.0, 1000 + (unsigned long long)k);
      GrowthClassifier c;
      Classifier_init(&c);
      GrowthReason reason;
      GrowthVerdict expected = Scenario_expected((ScenarioKind)k, &reason);
      bool leaks = Scenario_leaks((ScenarioKind)k);
      Detector own = {INFINITY, 0, false, -1}, inc = own, pred = own;
      bool wasLeak = false;
      for (int i = 0; i < ticks; i++) {
         ClassifierInput in;
         Scenario_next(&s, &in);
         rss[i] = in.rssKiB;
         Classifier_update(&c, &in);
         if (c.verdict == expected && c.reason == reason && !isfinite(own.firstAlert))
            own.firstAlert = s.t;
         /* leaktop's false alerts: a grows-with verdict naming the wrong cause
            (every leaking series but the time leak retains per request). */
         GrowthVerdict cause = k == SCENARIO_LEAK_TIME ? VERDICT_GROWS_WITH_TIME
                               : leaks                 ? VERDICT_GROWS_WITH_TRAFFIC
                                                       : VERDICT_STABLE;
         bool leak =
               (c.verdict == VERDICT_GROWS_WITH_TIME || c.verdict == VERDICT_GROWS_WITH_TRAFFIC) &&
               c.verdict != cause;
         own.alerts += leak && !wasLeak;
         wasLeak = leak;
         if (fmod(s.t, RULE_EVALUATION) < REPLAY_TICK / 2) {
            Detector_evaluate(&inc, Rule_increase(rss, i + 1), s.t);
            Detector_evaluate(&pred, Rule_predictLinear(rss, i + 1), s.t);
         }
      }
      char label[48];
      snprintf(label, sizeof(label), "%s%s%s", Classifier_label(expected), reason ? ": " : "",
               reason ? Classifier_reasonText(reason) : "");
      printf("%-24s %-32s |", Scenario_name((ScenarioKind)k), label);
      print_cell(own.firstAlert, own.alerts);
      print_rule(&inc, leaks);
      print_rule(&pred, leaks);
      printf("\n");
   }
   printf("leaktop: time to the expected verdict, and grows-with verdicts naming a wrong cause.\n"
          "rules: on leaks, time to the first firing (later re-firings not counted);\n"
          "       elsewhere, every firing is a false alert.\n");
   free(rss);
   return 0;
}
