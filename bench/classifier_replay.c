/* Replays synthetic worker series (bench/Scenario.c) through leaktop's
   classifier and through three Prometheus alerting rules over the same
   samples, and prints figures side by side (no pass or fail):
     - the field guides' rule: increase(rss[30m]) > 15% of rss, for: 5m;
     - predict_linear(rss[30m], 4h) > 256 MiB, for: 5m;
     - deriv(rss[10m]) > 512 KiB/min, for: 5m.
   Rules are evaluated every 15 s over the samples in their window, as
   Prometheus does (no extrapolation beyond the samples: it favours them).
   Three tables:
     1. every labelled scenario: time to the expected verdict, false alerts;
     2. time leaks by rate and jitter: median time to the first growth
        verdict or firing over SEEDS series, and leaktop's entries into
        growth per series (1: it never left and came back);
     3. controls (nothing leaks): growth verdicts or firings per hour.
   Usage: bench/classifier_replay [SECONDS [SEEDS]]   (default 3600 10, 1 Hz) */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Scenario.h"

#define REPLAY_TICK            1.0
#define RULE_WINDOW            1800.0
#define RULE_FOR               300.0
#define RULE_EVALUATION        15.0
#define RULE_INCREASE          0.15
#define RULE_HORIZON           (4 * 3600.0)
#define RULE_LIMIT_KIB         (256 * 1024.0)
#define RULE_DERIV_WINDOW      600.0
#define RULE_DERIV_KIB_PER_MIN 512.0
#define RULES                  3
#define MAX_SEEDS              64

typedef struct Detector {
   double firstAlert; /* seconds, INFINITY none */
   int alerts;        /* rising edges */
   bool firing;
   double pendingSince; /* < 0 when the condition is false */
} Detector;

static const Detector Detector_idle = {INFINITY, 0, false, -1};

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

/* A classifier as a detector: alerting while it says growth. */
static void Detector_follow(Detector* d, bool growth, double t) {
   if (growth && !d->firing) {
      d->alerts++;
      if (!isfinite(d->firstAlert))
         d->firstAlert = t;
   }
   d->firing = growth;
}

static int Rule_from(int n, double window) {
   int from = n - (int)(window / REPLAY_TICK);
   return from < 0 ? 0 : from;
}

/* increase() over the window, relative to the window's first value. */
static bool Rule_increase(const double* rss, int n) {
   int from = Rule_from(n, RULE_WINDOW);
   return n - from >= 2 && rss[n - 1] - rss[from] > RULE_INCREASE * rss[from];
}

/* Least squares over the window: slope (KiB/s) and value now. */
static bool Rule_fit(const double* rss, int n, double window, double* slope, double* now) {
   int from = Rule_from(n, window);
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
   *slope = (m * sty - st * sy) / (m * stt - st * st);
   *now = (sy - *slope * st) / m;
   return true;
}

/* predict_linear(): the fit projected ahead. */
static bool Rule_predictLinear(const double* rss, int n) {
   double slope, now;
   return Rule_fit(rss, n, RULE_WINDOW, &slope, &now) &&
          now + slope * RULE_HORIZON > RULE_LIMIT_KIB;
}

/* deriv(): the fit's slope. */
static bool Rule_deriv(const double* rss, int n) {
   double slope, now;
   return Rule_fit(rss, n, RULE_DERIV_WINDOW, &slope, &now) && 60 * slope > RULE_DERIV_KIB_PER_MIN;
}

static const char* const ruleNames[RULES] = {"increase>15%", "predict_linear", "deriv"};

/* One series through the classifier and the rules. */
typedef struct Replay {
   GrowthClassifier classifier;
   Detector own; /* growth verdicts */
   Detector rule[RULES];
   double* rss;
   int n;
} Replay;

static void Replay_start(Replay* r, double* rss) {
   Classifier_init(&r->classifier);
   r->own = Detector_idle;
   for (int k = 0; k < RULES; k++)
      r->rule[k] = Detector_idle;
   r->rss = rss;
   r->n = 0;
}

static void Replay_feed(Replay* r, const ClassifierInput* in, double t) {
   r->rss[r->n++] = in->rssKiB;
   Classifier_update(&r->classifier, in);
   Detector_follow(&r->own, Classifier_isGrowth(&r->classifier), t);
   if (fmod(t, RULE_EVALUATION) < REPLAY_TICK / 2) {
      Detector_evaluate(&r->rule[0], Rule_increase(r->rss, r->n), t);
      Detector_evaluate(&r->rule[1], Rule_predictLinear(r->rss, r->n), t);
      Detector_evaluate(&r->rule[2], Rule_deriv(r->rss, r->n), t);
   }
}

static void Replay_run(Replay* r, Scenario* s, double seconds) {
   while (s->t < seconds - REPLAY_TICK / 2) {
      ClassifierInput in;
      Scenario_next(s, &in);
      Replay_feed(r, &in, s->t);
   }
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

static void table_scenarios(double seconds, Replay* r) {
   printf("1. Scenarios at %.0f s ticks for %.0f s; first correct alert (s) and false alerts.\n",
          REPLAY_TICK, seconds);
   printf("%-24s %-32s | %-14s |", "scenario", "expected", "leaktop");
   for (int k = 0; k < RULES; k++)
      printf(" %-14s |", ruleNames[k]);
   printf("\n");
   for (int k = 0; k < SCENARIO_COUNT; k++) {
      Scenario s;
      Scenario_init(&s, (ScenarioKind)k, REPLAY_TICK, 1.0, 1000 + (unsigned long long)k);
      Replay_start(r, r->rss);
      GrowthReason reason;
      GrowthVerdict expected = Scenario_expected((ScenarioKind)k, &reason);
      bool leaks = Scenario_leaks((ScenarioKind)k);
      /* leaktop's false alerts: a grows-with verdict naming the wrong cause
         (every leaking series but the time leak retains per request). */
      GrowthVerdict cause = k == SCENARIO_LEAK_TIME ? VERDICT_GROWS_WITH_TIME
                            : leaks                 ? VERDICT_GROWS_WITH_TRAFFIC
                                                    : VERDICT_STABLE;
      double correct = INFINITY;
      int wrong = 0;
      bool wasWrong = false;
      while (s.t < seconds - REPLAY_TICK / 2) {
         ClassifierInput in;
         Scenario_next(&s, &in);
         Replay_feed(r, &in, s.t);
         const GrowthClassifier* c = &r->classifier;
         if (c->verdict == expected && c->reason == reason && !isfinite(correct))
            correct = s.t;
         bool isWrong = (c->verdict == VERDICT_GROWS_WITH_TIME ||
                         c->verdict == VERDICT_GROWS_WITH_TRAFFIC) &&
                        c->verdict != cause;
         wrong += isWrong && !wasWrong;
         wasWrong = isWrong;
      }
      char label[48];
      snprintf(label, sizeof(label), "%s%s%s", Classifier_label(expected), reason ? ": " : "",
               reason ? Classifier_reasonText(reason) : "");
      printf("%-24s %-32s |", Scenario_name((ScenarioKind)k), label);
      print_cell(correct, wrong);
      for (int d = 0; d < RULES; d++)
         print_rule(&r->rule[d], leaks);
      printf("\n");
   }
   printf("leaktop: time to the expected verdict, and grows-with verdicts naming a wrong cause.\n"
          "rules: on leaks, time to the first firing (later re-firings not counted);\n"
          "       elsewhere, every firing is a false alert.\n\n");
}

static int compare_doubles(const void* a, const void* b) {
   double x = *(const double*)a, y = *(const double*)b;
   return x < y ? -1 : x > y;
}

/* The median of n times, INFINITY (never) sorting last; with how many were
   never reached. */
static void print_median(double* times, int n) {
   qsort(times, (size_t)n, sizeof(double), compare_doubles);
   int never = 0;
   for (int i = 0; i < n; i++)
      never += !isfinite(times[i]);
   double median = times[n / 2];
   char cell[32];
   if (isfinite(median))
      snprintf(cell, sizeof(cell), "%.0f s", median);
   else
      snprintf(cell, sizeof(cell), "-");
   if (never > 0 && isfinite(median))
      snprintf(cell + strlen(cell), sizeof(cell) - strlen(cell), " (%d -)", never);
   printf(" %14s |", cell);
}

static void table_rates(double seconds, int seeds, Replay* r) {
   static const double rates[] = {0.25, 0.5, 1, 2, 5, 10, 23, 50}; /* MiB/min */
   static const double jitters[] = {16, 96, 256, 1024};            /* KiB */
   printf("2. Time leaks from 30 MiB at 1 s ticks for %.0f s, %d seeds a cell: median time to the\n"
          "   first growth verdict or firing ((n -): n seeds never within the run), and\n"
          "   leaktop's entries into growth per series.\n",
          seconds, seeds);
   printf("%8s %7s | %-14s | %-7s |", "MiB/min", "jitter", "leaktop", "entries");
   for (int k = 0; k < RULES; k++)
      printf(" %-14s |", ruleNames[k]);
   printf("\n");
   for (size_t j = 0; j < sizeof(jitters) / sizeof(jitters[0]); j++) {
      for (size_t q = 0; q < sizeof(rates) / sizeof(rates[0]); q++) {
         double own[MAX_SEEDS], rule[RULES][MAX_SEEDS];
         int entries = 0;
         for (int i = 0; i < seeds; i++) {
            Scenario s;
            Scenario_initLeak(&s, REPLAY_TICK, rates[q] * 1024, 30 * 1024, jitters[j],
                              (unsigned long long)(100 * q + 10 * j + (size_t)i));
            Replay_start(r, r->rss);
            Replay_run(r, &s, seconds);
            own[i] = r->own.firstAlert;
            entries += r->own.alerts;
            for (int k = 0; k < RULES; k++)
               rule[k][i] = r->rule[k].firstAlert;
         }
         printf("%8.2f %4.0f KiB |", rates[q], jitters[j]);
         print_median(own, seeds);
         printf(" %7.2f |", (double)entries / seeds);
         for (int k = 0; k < RULES; k++)
            print_median(rule[k], seeds);
         printf("\n");
      }
   }
   printf("\n");
}

typedef struct Control {
   const char* name;
   ScenarioKind kind;
   double jitterKiB;
   double warmKiBPerMin; /* > 0: a time leak of this rate for its first minute */
} Control;

static void table_controls(double seconds, int seeds, Replay* r) {
   static const Control controls[] = {
         {"stable", SCENARIO_STABLE, 96, 0},
         {"stable, 1 MiB jitter", SCENARIO_STABLE, 1024, 0},
         {"large and flat", SCENARIO_LARGE_FLAT, 96, 0},
         {"wanders near zero", SCENARIO_WANDER, 96, 0},
         {"one spike", SCENARIO_SPIKE_ONCE, 96, 0},
         {"periodic spikes", SCENARIO_SPIKES, 96, 0},
         {"one step (high-water)", SCENARIO_STEP, 96, 0},
         {"cache fills, plateau", SCENARIO_PLATEAU, 96, 0},
         {"fast warm-up, then flat", SCENARIO_WARM_CACHE, 96, 0},
         {"linear 60 s at 10 MiB/min", SCENARIO_LEAK_TIME, 96, 10 * 1024},
         {"linear 60 s at 30 MiB/min", SCENARIO_LEAK_TIME, 96, 30 * 1024},
   };
   printf("3. Controls (nothing leaks), %d series of %.0f s each: growth verdicts or firings\n"
          "   per control-hour, and for leaktop the seconds a false growth verdict lasted.\n",
          seeds, seconds);
   printf("%-26s | %-8s | %-9s |", "control", "leaktop", "seconds");
   for (int k = 0; k < RULES; k++)
      printf(" %-14s |", ruleNames[k]);
   printf("\n");
   for (size_t c = 0; c < sizeof(controls) / sizeof(controls[0]); c++) {
      const Control* ctl = &controls[c];
      int own = 0, rule[RULES] = {0};
      double growing = 0;
      for (int i = 0; i < seeds; i++) {
         Scenario s;
         unsigned long long seed = 5000 + 100 * c + (unsigned long long)i;
         if (ctl->warmKiBPerMin > 0) {
            Scenario_initLeak(&s, REPLAY_TICK, ctl->warmKiBPerMin, 30 * 1024, ctl->jitterKiB, seed);
            s.leakUntil = 60;
         } else {
            Scenario_init(&s, ctl->kind, REPLAY_TICK, 1.0, seed);
            s.jitterKiB = ctl->jitterKiB;
         }
         Replay_start(r, r->rss);
         while (s.t < seconds - REPLAY_TICK / 2) {
            ClassifierInput in;
            Scenario_next(&s, &in);
            Replay_feed(r, &in, s.t);
            growing += r->own.firing ? REPLAY_TICK : 0;
         }
         own += r->own.alerts;
         for (int k = 0; k < RULES; k++)
            rule[k] += r->rule[k].alerts;
      }
      double hours = seeds * seconds / 3600;
      printf("%-26s | %8.2f | %9.0f |", ctl->name, own / hours, own ? growing / own : 0);
      for (int k = 0; k < RULES; k++)
         printf(" %14.2f |", rule[k] / hours);
      printf("\n");
   }
}

int main(int argc, char** argv) {
   double seconds = argc > 1 ? atof(argv[1]) : 3600;
   int seeds = argc > 2 ? atoi(argv[2]) : 10;
   if (seconds < 60 || seeds < 1 || seeds > MAX_SEEDS) {
      fprintf(stderr, "usage: classifier_replay [SECONDS >= 60 [SEEDS 1..%d]]\n", MAX_SEEDS);
      return 2;
   }
   Replay r;
   double* rss = calloc((size_t)(seconds / REPLAY_TICK) + 2, sizeof(double));
   if (!rss)
      return 1;
   r.rss = rss;
   table_scenarios(seconds, &r);
   table_rates(seconds, seeds, &r);
   table_controls(seconds, seeds, &r);
   free(rss);
   return 0;
}
