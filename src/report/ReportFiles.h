#ifndef HEADER_ReportFiles
#define HEADER_ReportFiles
/* The dashboard's report key: the report of one service tree, from a
   recording, written as HTML and Markdown into the private reports
   directory, $XDG_STATE_HOME/leaktop/reports (else
   ~/.local/state/leaktop/reports; 0700, files 0600 written whole and never
   through a link: util/PrivateStore), named by the tree's master
   (PID-TICKS-N.html and .md). The window is the REPORT_FILES_SPAN before
   its end, or the recording's start when that is later. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REPORT_FILES_SPAN (24 * 3600 * INT64_C(1000000))
/* Reports of one tree kept: the newest. */
#define REPORT_FILES_KEEP 20

/* From the recording at path, up to toUs (INT64_MAX: its newest data).
   True with where it went in said ("report of gunicorn (master PID 4242),
   14:02:10 to 14:32:10 UTC: /root/.local/state/leaktop/reports/4242-...-1.html
   and .md"); false with why not (the recording does not hold the tree,
   cannot be read, the directory is refused). */
bool ReportFiles_write(const char* path, pid_t root, unsigned long long rootStart, int64_t toUs,
                       char* said, size_t saidSize);

/* The same from the recording of the tree that a `leaktop record` of this
   host keeps (record/RecordingFinder.h), up to its newest data; false,
   saying what to do, when none holds it. */
bool ReportFiles_writeFromHost(pid_t root, unsigned long long rootStart, char* said,
                               size_t saidSize);

#endif
