#ifndef HEADER_TrafficParse
#define HEADER_TrafficParse
/* Parsers behind the traffic sources. Pure: text in, values out, so they
   are tested on recorded inputs. */

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum TrafficLogLine {
   TRAFFIC_LOG_SKIP, /* not counted: the regex does not match */
   TRAFFIC_LOG_TREE, /* counted, with no PID: for the tree */
   TRAFFIC_LOG_PID,  /* counted, served by *pid */
} TrafficLogLine;

/* Classifies one access-log line (no newline). With a regex, lines that
   match count, and the first capture group, if any, is the PID. Without,
   every line counts and the PID is the first "<digits>" field, the form of
   gunicorn's %(p)s atom. */
TrafficLogLine TrafficParse_logLine(const char* line, const regex_t* re, pid_t* pid);

/* One line of a counter command's output: "PID COUNT" (returns 2) or a lone
   "COUNT" for the whole tree (returns 1); 0 when malformed. */
int TrafficParse_counterLine(const char* line, pid_t* pid, double* count);

/* Traffic between two readings of a counter; a counter that went back was
   reset (the service restarted), so all of the new value is new traffic. */
double TrafficParse_counterDelta(double previous, double current);

/* The read syscalls a process made, "syscr: N" of /proc/PID/io; false when
   the text has no such line. */
bool TrafficParse_ioReads(const char* text, double* reads);

typedef struct TrafficWorkerCount {
   pid_t pid;
   double requests;
} TrafficWorkerCount;

/* The requests every worker served so far, from the JSON document uwsgi's
   stats server sends (--stats): its "workers" array, each with "pid" and
   "requests". Workers not running (pid 0) are left out. The count, with the
   array in *workers (free() it), or -1 when json is no such document. */
int TrafficParse_uwsgiStats(const char* json, TrafficWorkerCount** workers);

/* Splits the next line off *text (up to '\n' or the end) into line (at most
   size-1 bytes kept, NUL-terminated); false at the end of text. */
bool TrafficParse_nextLine(const char** text, char* line, size_t size);

#endif
