#ifndef HEADER_LiveSource
#define HEADER_LiveSource
/* The live SampleSource: the host's /proc (ProcSampler, ProcFiles, through
   libproc2 where it serves), its cgroups and meminfo, and the traffic
   sources that read logs, commands and sockets now. */

#include "sample/SampleSource.h"

SampleSource* LiveSource_new(void);

#endif
