#!/bin/sh
# csp-hash.sh NAME FILE: a C definition of the string NAME as the
# Content-Security-Policy source of FILE's text as an inline script
# ('sha256-' and the base64 of its SHA-256), so that the report's policy
# allows that script and no other. Coreutils only: sha256sum's hex is
# turned into bytes with printf's octal escapes.
set -eu
hex=$(sha256sum <"$2" | cut -c1-64)
bytes=
while [ -n "$hex" ]; do
   pair=${hex%"${hex#??}"}
   hex=${hex#??}
   bytes="$bytes$(printf '\\%03o' "$((0x$pair))")"
done
printf 'const char %s[] = "'"'"'sha256-%s'"'"'";\n' "$1" "$(printf "$bytes" | base64 -w0)"
