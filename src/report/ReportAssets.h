#ifndef HEADER_ReportAssets
#define HEADER_ReportAssets
/* The report's style sheet and optional script, data/report.css and
   data/report.js, which make turns into ReportAssets.c
   (build-aux/embed-text.sh): ordinary files of the tree, inlined into
   every HTML report; and the script's hash for the page's
   Content-Security-Policy (build-aux/csp-hash.sh), "'sha256-...'". */

extern const char ReportAssets_css[];
extern const char ReportAssets_js[];
extern const char ReportAssets_jsHash[];

#endif
