#!/usr/bin/env bash
# scripts/skipped-tests on a ctest run of its own: a label whose every test was skipped fails the
# check, naming the label and the reason the tests gave; a label only partly skipped, or one
# allowed with --allow, does not.
set -euo pipefail
script="$(cd "$(dirname "$0")/.." && pwd)/skipped-tests"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "skipped_tests_test: $*" >&2; exit 1; }

cat >"$work/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(skips NONE)
enable_testing()
add_test(NAME vanished COMMAND sh -c "printf 'x.cpp:1: Skipped\nOPA 1.22.2 is not installed\n'")
set_tests_properties(vanished PROPERTIES LABELS "dpop;scenario" SKIP_REGULAR_EXPRESSION "Skipped")
add_test(NAME partly_skipped COMMAND sh -c "echo 'not run: the stack has no keycloak'; exit 77")
set_tests_properties(partly_skipped PROPERTIES LABELS "cross-subject;scenario" SKIP_RETURN_CODE 77)
add_test(NAME ran COMMAND true)
set_tests_properties(ran PROPERTIES LABELS "cross-subject;scenario")
CMAKE
cmake -S "$work" -B "$work/build" -G Ninja >/dev/null
(cd "$work/build" && ctest --output-junit "$work/junit.xml" >/dev/null)

status=0
output=$("$script" "$work/build" "$work/junit.xml" 2>&1) || status=$?
[[ $status -eq 1 ]] || fail "a label skipped whole passed the check (exit $status): $output"
[[ "$output" == *"dpop: 1 of 1 — skipped whole"* ]] || fail "the whole label is not named: $output"
[[ "$output" == *"1 × OPA 1.22.2 is not installed"* ]] || fail "the reason is not given: $output"
[[ "$output" == *"cross-subject: 1 of 2"$'\n'* ]] || fail "the partly skipped label is not counted: $output"
[[ "$output" == *"nothing of them was tested: dpop "* ]] || fail "the failing labels are not listed: $output"

status=0
output=$("$script" --allow "dpop=no engine here" "$work/build" "$work/junit.xml" 2>&1) || status=$?
[[ $status -eq 0 ]] || fail "an allowed label failed the check (exit $status): $output"
[[ "$output" == *"skipped whole (allowed: no engine here)"* ]] || fail "the allowance is not shown: $output"

status=0
"$script" "$work/build" "$work/missing.xml" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "a missing JUnit file gave exit $status, not 2"
echo "skipped_tests_test: passed"
