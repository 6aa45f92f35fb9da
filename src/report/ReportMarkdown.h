#ifndef HEADER_ReportMarkdown
#define HEADER_ReportMarkdown
/* The report as Markdown for a ticket: per tree its summary and the
   impact table, the verdicts with their next steps, a text sparkline of
   each process's RSS, the top lines (or types) of each heap diff, the timeline of events and where
   the facts came from. At most REPORT_MD_PROCESSES processes per tree are listed (those that grow
   first, then the largest), which keeps it under 60 KB. */

#include <stdbool.h>
#include <stdio.h>

#include "report/ReportModel.h"

#define REPORT_MD_PROCESSES 40
/* Heap diffs listed at most, and rows of what grew in each. */
#define REPORT_MD_HEAPS     8
#define REPORT_MD_HEAP_ROWS 5
/* Characters of a sparkline: the model's buckets, a few merged in each. */
#define REPORT_MD_STEPS 48

/* redact: command lines lose their arguments. */
void ReportMarkdown_write(const ReportModel* model, bool redact, FILE* out);

#endif
