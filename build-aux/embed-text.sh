#!/bin/sh
# embed-text.sh NAME HEADER FILE: a C source on stdout that defines the
# string NAME (declared in HEADER) as the text of FILE, so that a file of
# the tree (the collector, the report's style sheet) is part of the binary
# wherever it is built (VPATH, distcheck). Each line is quoted: backslash,
# double quote and question mark (no trigraphs) escaped, a newline
# appended.
set -eu
printf '/* Generated from %s by build-aux/embed-text.sh: do not edit. */\n' "$(basename "$3")"
printf '#include "%s"\nconst char %s[] =\n' "$2" "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/   "/' -e 's/$/\\n"/' "$3"
echo '   ;'
