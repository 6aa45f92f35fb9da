#ifndef HEADER_CollectorSource
#define HEADER_CollectorSource
/* The text of python/leaktop_collector.py, which make turns into
   CollectorSource.c, so an injected bootstrap can exec the very collector
   that is installed beside the agent. */

extern const char CollectorSource_text[];

#endif
