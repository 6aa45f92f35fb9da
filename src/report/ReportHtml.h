#ifndef HEADER_ReportHtml
#define HEADER_ReportHtml
/* The report as one self-contained HTML file: no script and no network
   reference (a Content-Security-Policy that allows only the inline style
   sheet says so to the browser), readable as it is and printing to PDF
   with vector text. Sections in the order postmortems use: the header
   (window in UTC, host, leaktop's version), per tree its summary, the
   timeline of events, a chart per process (RSS and traffic on one time
   axis, idle time shaded, its events marked; inline SVG with a title, a
   text summary and the data table behind a details element), the verdicts
   with their next steps, the host and cgroup context, and the provenance.
   Charts for at most REPORT_HTML_CHARTS processes per tree (those that
   grew first, then the largest): a chart is at most REPORT_POINTS buckets
   whatever the recording's length. Past REPORT_HTML_BUDGET bytes the
   report lowers its resolution (fewer steps per chart, shorter data
   tables, smaller flame graphs, then fewer charts) rather than fail, and
   says so at its top and in its provenance. */

#include <stdbool.h>
#include <stdio.h>

#include "report/ReportModel.h"

#define REPORT_HTML_CHARTS 60
/* 50 workers over 6 hours fit at full resolution (bench/report.sh). */
#define REPORT_HTML_BUDGET (2u << 20)

/* redact: command lines lose their arguments. Within REPORT_HTML_BUDGET. */
void ReportHtml_write(const ReportModel* model, bool redact, FILE* out);

/* The same within budget bytes where the lowest resolution allows it;
   returns the resolution taken, 0 the finest. */
int ReportHtml_writeWithin(const ReportModel* model, bool redact, size_t budget, FILE* out);

#endif
