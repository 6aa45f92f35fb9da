#ifndef HEADER_SelfMemory
#define HEADER_SelfMemory
/* The bench's own memory, from /proc/self/status. */

/* A field of status in KiB ("VmRSS", "VmHWM"), -1 when unreadable. */
long SelfMemory_kib(const char* key);

#endif
