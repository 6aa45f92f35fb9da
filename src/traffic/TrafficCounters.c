#include "config.h"

#include "traffic/TrafficCounters.h"

#include <stdlib.h>

#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

void TrafficCounters_beginTick(TrafficCounters* this) {
   this->tick++;
}

static TrafficCounter* TrafficCounters_find(TrafficCounters* this, pid_t pid,
                                            unsigned long long startTicks) {
   for (int i = 0; i < this->count; i++)
      if (this->counters[i].pid == pid && this->counters[i].startTicks == startTicks)
         return &this->counters[i];
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 8;
      this->counters =
            xReallocArray(this->counters, (size_t)this->capacity, sizeof(TrafficCounter));
   }
   TrafficCounter* c = &this->counters[this->count++];
   *c = (TrafficCounter){.pid = pid, .startTicks = startTicks, .value = -1};
   return c;
}

bool TrafficCounters_advance(TrafficCounters* this, pid_t pid, unsigned long long startTicks,
                             double value, double* delta) {
   TrafficCounter* c = TrafficCounters_find(this, pid, startTicks);
   bool baseline = c->value >= 0;
   *delta = baseline ? TrafficParse_counterDelta(c->value, value) : 0;
   c->value = value;
   c->tick = this->tick;
   return baseline;
}

void TrafficCounters_prune(TrafficCounters* this) {
   int kept = 0;
   for (int i = 0; i < this->count; i++)
      if (this->counters[i].tick == this->tick)
         this->counters[kept++] = this->counters[i];
   this->count = kept;
}

void TrafficCounters_done(TrafficCounters* this) {
   free(this->counters);
   *this = (TrafficCounters){0};
}
