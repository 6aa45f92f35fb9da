#include "config.h"

#include "model/SumHistory.h"

#include <math.h>
#include <string.h>

void SumHistory_init(SumHistory* this, const History* shape) {
   memset(this, 0, sizeof(*this));
   float* next = this->storage;
   for (int i = 0; i < HISTORY_TIERS; i++) {
      SumTier* tier = &this->tiers[i];
      tier->step = shape->tiers[i].step;
      tier->rows = shape->tiers[i].rows;
      tier->head = -1;
      tier->sums = next;
      next += tier->rows;
   }
}

static void SumTier_push(SumTier* tier, float value) {
   tier->head = (tier->head + 1) % tier->rows;
   tier->sums[tier->head] = value;
   if (tier->count < tier->rows)
      tier->count++;
}

static void SumTier_record(SumTier* tier, long long number, bool known, double delta) {
   if (tier->head < 0 || number > tier->current) {
      /* Buckets no tick fell into are unknown: a sum is never carried over. */
      long long skipped = tier->head < 0 ? 0 : number - tier->current - 1;
      if (skipped > tier->rows)
         skipped = tier->rows;
      for (long long i = 0; i < skipped; i++)
         SumTier_push(tier, NAN);
      SumTier_push(tier, NAN);
      tier->current = number;
   }
   /* Same bucket, or a clock step backwards: fold into the newest bucket. */
   if (!known)
      return;
   float* sum = &tier->sums[tier->head];
   *sum = isnan(*sum) ? (float)delta : *sum + (float)delta;
}

void SumHistory_copy(SumHistory* this, const SumHistory* from) {
   *this = *from;
   for (int i = 0; i < HISTORY_TIERS; i++)
      this->tiers[i].sums = this->storage + (from->tiers[i].sums - from->storage);
}

void SumHistory_add(SumHistory* this, double now, bool known, double delta) {
   for (int i = 0; i < HISTORY_TIERS; i++) {
      SumTier* tier = &this->tiers[i];
      SumTier_record(tier, (long long)floor(now / tier->step), known, delta);
   }
}

double SumHistory_bucket(const SumHistory* this, int tier, int age) {
   if (tier < 0 || tier >= HISTORY_TIERS)
      return NAN;
   const SumTier* t = &this->tiers[tier];
   if (age < 0 || age >= t->count)
      return NAN;
   return t->sums[(t->head - age + t->rows) % t->rows];
}
