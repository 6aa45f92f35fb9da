#ifndef HEADER_Batch
#define HEADER_Batch
/* --batch: one JSON object per tick on stdout (JSON Lines), with every field
   the table shows, for scripts and incident logs. */

#include <stdio.h>

#include "model/Machine.h"

/* Runs ticks until opts->iterations or until every target has ended;
   returns the exit status. */
int Batch_run(Machine* machine, const Options* opts, FILE* out);

/* Writes one tick's JSON object (one line) to out. */
void Batch_writeTick(const Machine* machine, FILE* out);

#endif
