#ifndef HEADER_ReportAssets
#define HEADER_ReportAssets
/* The report's style sheet, data/report.css, which make turns into
   ReportAssets.c (build-aux/embed-text.sh): an ordinary file of the tree,
   inlined into every HTML report. */

extern const char ReportAssets_css[];

#endif
