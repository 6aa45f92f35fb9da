#!/bin/bash
# The shipped Prometheus alert rules (doc/prometheus/): Debian's promtool
# checks them and runs their unit tests (each alert fires where it should,
# the traps fire nothing), every alert has a test where it fires, and copies
# broken on purpose (a syntax error; a page threshold ten times too far)
# fail, so these checks can fail.
. "$(dirname "$0")/lib.sh"

plan 6

command -v promtool >/dev/null || bail "promtool is missing: apt-get install prometheus (README's test line)"
RULES_DIR=$(dirname "$TESTS_SRCDIR")/doc/prometheus
RULES=$RULES_DIR/leaktop.rules.yml
RULE_TESTS=$RULES_DIR/leaktop.rules.test.yml
if [ ! -r "$RULES" ] || [ ! -r "$RULE_TESTS" ]; then bail "no rules in $RULES_DIR"; fi

# From another directory: the test file names its rules relative to itself.
cd "$TEST_TMP" || bail "cannot enter $TEST_TMP"

out=$(promtool check rules "$RULES" 2>&1)
rc=$?
[ $rc -eq 0 ] && [[ $out == *"SUCCESS: 9 rules found"* ]] && rc=0 || rc=1
ok $rc "promtool check rules: the 9 rules are valid"
[ $rc -eq 0 ] || diag "$out"

check "promtool test rules: every unit test passes" promtool test rules "$RULE_TESTS"

# Each alert is expected to fire somewhere: an alert_rule_test naming it
# whose exp_alerts has labels.
untested=$(awk '/^ *- alert: / { names[$3] = 1 } END { for (n in names) print n }' "$RULES" |
   while read -r name; do
      awk -v n="$name" '/alertname: / { cur = $0 ~ "alertname: " n "([ ,}]|$)" } /exp_labels/ && cur { found = 1 }
         END { exit !found }' "$RULE_TESTS" || echo "$name"
   done)
ok "$([ -z "$untested" ] && echo 0 || echo 1)" "every alert has a unit test where it fires"
[ -z "$untested" ] || diag "never expected to fire: $untested"

# Broken copies, beside a copy of the tests that points at them.
mkdir -p "$TEST_TMP/broken"
cp "$RULE_TESTS" "$TEST_TMP/broken/"
sed 's/ > 0.9$/ > (0.9/' "$RULES" >"$TEST_TMP/broken/leaktop.rules.yml"
cmp -s "$RULES" "$TEST_TMP/broken/leaktop.rules.yml" && bail "the syntax break did not apply"
refuses "promtool check rules fails on an unbalanced parenthesis" 1 "*unclosed left parenthesis*" \
   promtool check rules "$TEST_TMP/broken/leaktop.rules.yml"

sed 's/leaktop_worker_time_to_limit_seconds < 3600$/leaktop_worker_time_to_limit_seconds < 36000/' \
   "$RULES" >"$TEST_TMP/broken/leaktop.rules.yml"
cmp -s "$RULES" "$TEST_TMP/broken/leaktop.rules.yml" && bail "the threshold change did not apply"
check "the changed page still passes promtool check rules" \
   promtool check rules "$TEST_TMP/broken/leaktop.rules.yml"
refuses "promtool test rules fails when the page's horizon is 10 h (the slow leak pages)" 1 \
   "*unsure growth is quiet, a slow leak only warns*LeaktopWorkerOOMImminent*" \
   promtool test rules "$TEST_TMP/broken/leaktop.rules.test.yml"

done_testing
