#include "config.h"

#include "model/SmapsHistory.h"

#include <math.h>
#include <string.h>

#include "model/History.h"

void SmapsHistory_init(SmapsHistory* this, double origin) {
   memset(this, 0, sizeof(*this));
   this->origin = origin;
   this->head = -1;
}

/* HISTORY_UNKNOWN marks a gap on a chart: a real value never takes it. */
static uint32_t SmapsHistory_clamp(uint64_t kib) {
   return kib >= HISTORY_UNKNOWN ? HISTORY_UNKNOWN - 1 : (uint32_t)kib;
}

void SmapsHistory_add(SmapsHistory* this, double now, uint64_t ussKiB, uint64_t pssKiB) {
   double tenths = floor((now - this->origin) * 10 + 0.5);
   if (!(tenths >= 0))
      tenths = 0;
   if (tenths > UINT32_MAX)
      tenths = UINT32_MAX;
   this->head = (this->head + 1) % SMAPS_HISTORY_ROWS;
   this->tenths[this->head] = (uint32_t)tenths;
   this->ussKiB[this->head] = SmapsHistory_clamp(ussKiB);
   this->pssKiB[this->head] = SmapsHistory_clamp(pssKiB);
   if (this->count < SMAPS_HISTORY_ROWS)
      this->count++;
}

bool SmapsHistory_reading(const SmapsHistory* this, int age, SmapsReading* out) {
   if (age < 0 || age >= this->count)
      return false;
   int i = (this->head - age + SMAPS_HISTORY_ROWS) % SMAPS_HISTORY_ROWS;
   out->time = this->origin + this->tenths[i] / 10.0;
   out->ussKiB = this->ussKiB[i];
   out->pssKiB = this->pssKiB[i];
   return true;
}
