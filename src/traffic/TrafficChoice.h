#ifndef HEADER_TrafficChoice
#define HEADER_TrafficChoice
/* The traffic source leaktop picks when --traffic is not given, once it
   knows what it watches: a celery prefork child reads each task from its
   pipe (two read syscalls a task, none while idle), so io counts tasks
   per child; a uwsgi master started with --stats serves each worker's
   request count, so uwsgi:ADDRESS counts requests per worker. Anything
   else, or trees that do not agree, keeps CPU time, the default that
   always exists. Pure: names and command lines in. */

#include <stdbool.h>
#include <stddef.h>

/* names[i] and rootCmdlines[i]: tree i's name ("celery", "uwsgi") and its
   root's printable command line. True with the spec in out when one
   source fits them all. */
bool TrafficChoice_spec(const char* const* names, const char* const* rootCmdlines, int count,
                        char* out, size_t size);

#endif
