#ifndef HEADER_ReplayPace
#define HEADER_ReplayPace
/* The pure logic of replay's time cursor keys, apart from curses and the
   recording so it is unit-tested: how many ticks a held `t` or `T` moves
   (more the longer it is held), and playing and pausing at x1, x10 or
   x60 recorded time per wall second (how many recorded ticks are due).
   Times are monotonic seconds. */

#include <stdbool.h>

/* A key repeats when it comes again this soon: terminals autorepeat at 25
   to 40 keys a second, while a person tapping stays above 150 ms. */
#define REPLAY_REPEAT_SECONDS 0.15
/* The ticks a press moves double every so many repeats, up to the most:
   a second of holding moves about a hundred ticks a key, and the 1 s
   tier's day is crossed in a minute or so of holding. */
#define REPLAY_REPEAT_DOUBLING 4
#define REPLAY_REPEAT_MOST     64

typedef struct ReplayRepeat {
   int key;    /* the last key counted, 0 for none */
   double at;  /* when it came */
   int streak; /* how many times it repeated in a row */
} ReplayRepeat;

/* The ticks this press of key moves: 1, or more while it repeats. */
int ReplayRepeat_steps(ReplayRepeat* this, int key, double now);

/* The speeds space plays at and `x` cycles through. */
#define REPLAY_SPEED_COUNT 3
extern const int ReplayPace_speeds[REPLAY_SPEED_COUNT];

typedef struct ReplayPace {
   bool playing;
   int speed;     /* index into ReplayPace_speeds */
   double lastAt; /* when due ticks were last counted (or play began) */
   double carry;  /* recorded seconds owed that make less than a tick */
} ReplayPace;

/* Paused, at x1. */
void ReplayPace_init(ReplayPace* this);
/* Space: playing from now, or paused. */
void ReplayPace_toggle(ReplayPace* this, double now);
void ReplayPace_pause(ReplayPace* this);
/* x: the next speed, x60 back to x1; a playing cursor keeps its time owed. */
void ReplayPace_nextSpeed(ReplayPace* this);
int ReplayPace_factor(const ReplayPace* this);

/* The recorded ticks of tickSeconds due by now while playing (0 when
   paused), at most most: the rest of a long stall is dropped rather than
   owed, so a slow jump does not make the screen race afterwards. */
int ReplayPace_due(ReplayPace* this, double now, double tickSeconds, int most);
/* When the next tick falls due; negative when paused. */
double ReplayPace_nextWake(const ReplayPace* this, double tickSeconds);

#endif
