#include "config.h"

#include "ui/ReplayPace.h"

#include <string.h>

const int ReplayPace_speeds[REPLAY_SPEED_COUNT] = {1, 10, 60};

int ReplayRepeat_steps(ReplayRepeat* this, int key, double now) {
   bool repeats =
         key == this->key && now - this->at >= 0 && now - this->at <= REPLAY_REPEAT_SECONDS;
   this->streak = repeats ? this->streak + 1 : 0;
   this->key = key;
   this->at = now;
   int steps = 1;
   for (int doublings = this->streak / REPLAY_REPEAT_DOUBLING;
        doublings > 0 && steps < REPLAY_REPEAT_MOST; doublings--)
      steps *= 2;
   return steps < REPLAY_REPEAT_MOST ? steps : REPLAY_REPEAT_MOST;
}

void ReplayPace_init(ReplayPace* this) {
   memset(this, 0, sizeof(*this));
}

void ReplayPace_toggle(ReplayPace* this, double now) {
   this->playing = !this->playing;
   this->lastAt = now;
   this->carry = 0;
}

void ReplayPace_pause(ReplayPace* this) {
   this->playing = false;
   this->carry = 0;
}

void ReplayPace_nextSpeed(ReplayPace* this) {
   this->speed = (this->speed + 1) % REPLAY_SPEED_COUNT;
}

int ReplayPace_factor(const ReplayPace* this) {
   return ReplayPace_speeds[this->speed];
}

int ReplayPace_due(ReplayPace* this, double now, double tickSeconds, int most) {
   if (!this->playing || !(tickSeconds > 0))
      return 0;
   double elapsed = now - this->lastAt;
   if (elapsed < 0)
      elapsed = 0;
   this->lastAt = now;
   this->carry += elapsed * ReplayPace_factor(this);
   /* A hair over, so that ten frames of 0.1 s make a whole second, not
      0.999999 of one to be made up a frame late. */
   double ticks = this->carry / tickSeconds + 1e-9;
   if (ticks >= most) {
      this->carry = 0;
      return most;
   }
   int due = (int)ticks;
   this->carry -= due * tickSeconds;
   if (this->carry < 0)
      this->carry = 0;
   return due;
}

double ReplayPace_nextWake(const ReplayPace* this, double tickSeconds) {
   if (!this->playing)
      return -1;
   double owed = tickSeconds - this->carry;
   return this->lastAt + (owed > 0 ? owed : 0) / ReplayPace_factor(this);
}
