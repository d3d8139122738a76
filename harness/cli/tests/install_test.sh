#!/usr/bin/env bash
# The installed harness, outside the source tree: `cmake --install` into a temporary prefix, a
# local stack brought up from there (every service a binary of the install), the isolation
# family run against it, and the .deb CPack builds from the same install.
#   install_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(realpath "$1")
work=$(mktemp -d)
chmod o+x "$work"  # PostgreSQL, run as its own user when the tests run as root, passes through to the run directory
prefix=$work/prefix
harness=$prefix/bin/mcp-harness
cleanup() {
  [[ -x $harness && -f $work/run/stack.json ]] && "$harness" down --run-dir "$work/run" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "install_test: $*" >&2; exit 1; }
# Nothing may point it at the source tree.
unset MCPH_SCENARIOS_DIR MCPH_FIXTURES_DIR MCPH_BIN_DIR MCPH_DOCKER_DIR

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install failed"; }
for path in bin/mcp-harness libexec/mcp-harness/mock-keycloak libexec/mcp-harness/jira-mcp \
            share/mcp-harness/scenarios/isolation.yaml share/mcp-harness/fixtures/secrets.json \
            share/mcp-harness/docker/compose.yaml; do
  [[ -e $prefix/$path ]] || fail "the install has no $path"
done
[[ ! -e $prefix/share/mcp-harness/scenarios/tests ]] || fail "the scenarios' C++ tests were installed"

mkdir "$work/elsewhere"
cd "$work/elsewhere"
listed=$("$harness" run --list --family isolation)
grep -qF "$prefix/share/mcp-harness/scenarios/isolation.yaml" <<<"$listed" ||
  fail "run --list does not take the installed scenarios: $listed"

"$harness" up --run-dir "$work/run" >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "up from the install failed"; }
# Every service process of the stack runs a binary of the install, a system server the package
# depends on (PostgreSQL, nginx), or the real tier's OPA (the workload design's optional row, run
# when `scripts/bootstrap --real` installed it).
for pid in $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join(str(e["pid"]) for e in s["services"].values() if "pid" in e))' "$work/run/stack.json"); do
  exe=$(readlink "/proc/$pid/exe")
  case $exe in
    "$prefix"/*|/usr/lib/postgresql/*|/usr/sbin/nginx|*/opa-[0-9]*/opa) ;;
    *) fail "service pid $pid runs $exe, not a binary of the install" ;;
  esac
done
"$harness" run --run-dir "$work/run" --family isolation --junit "$work/junit.xml" >"$work/run.log" 2>&1 ||
  { cat "$work/run.log"; fail "the isolation family failed from the install"; }
grep -q 'failures="0"' "$work/junit.xml" || fail "junit.xml reports failures"

# The .deb: the same files under /usr, and Debian's packages as dependencies.
(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1) ||
  { tail -20 "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/deb/mcp-harness_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for wanted in libssl3 libpq5 postgresql nginx; do
  grep -q "$wanted" <<<"$depends" || fail "the .deb does not depend on $wanted: $depends"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/mcp-harness ./usr/libexec/mcp-harness/mock-vault ./usr/share/mcp-harness/scenarios/jwt_attacks.yaml; do
  grep -qF " $path" <<<"$contents" || fail "the .deb has no $path"
done

# The GitHub Action's steps (scripts/github-action, what action.yml runs) against the same stack:
# the harness from the .deb, the stack from a secret, the reports, and the exit code of new
# findings only.
action() {
  env -u MCPH_ARGS -u MCPH_BASELINE -u MCPH_FAMILIES MCPH_DEB="$deb" MCPH_STACK="$(cat "$work/run/stack.json")" \
    MCPH_TOOL_DIR="$work/action-tool" MCPH_REPORTS_DIR="$work/action-reports" GITHUB_OUTPUT="$work/action-output" "$@" \
    "$source_dir/scripts/github-action" >"$work/action.log" 2>&1
}
source_dir=$(cd "$(dirname "$0")/../../.." && pwd)
action MCPH_FAMILIES=isolation || { cat "$work/action.log"; fail "the action failed on the isolation family"; }
[[ -x $work/action-tool/usr/bin/mcp-harness ]] || fail "the action did not unpack the .deb"
for report in findings.sarif report.html junit.xml; do
  [[ -s $work/action-reports/$report ]] || fail "the action wrote no $report"
done
grep -qx "exit-code=0" "$work/action-output" || fail "the action's outputs: $(cat "$work/action-output")"
if grep -rqF "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["services"]["vault"]["token"])' "$work/run/stack.json")" \
     "$work/action-reports" "$work/action.log"; then
  fail "Vault's root token, from the stack secret, is in the action's reports or log"
fi
cat >"$work/finding.yaml" <<'YAML'
suite: action_check
family: missing credentials
scenarios:
  - name: bob is expected to read Jira without a credential
    steps:
      - as: bob
        call: jira.list_issues
        expect: {ok: true}
        property: missing-credential-falls-back
YAML
if action MCPH_ARGS="$work/finding.yaml"; then fail "the action passed a run with a new finding"; fi
"$harness" run --stack "$work/run/stack.json" "$work/finding.yaml" --write-baseline "$work/baseline.json" \
  --accepted-by ci >/dev/null 2>&1 || true
action MCPH_ARGS="$work/finding.yaml" MCPH_BASELINE="$work/baseline.json" ||
  { cat "$work/action.log"; fail "the action failed on a finding its baseline accepts"; }
grep -q '"baselineState": "unchanged"' "$work/action-reports/findings.sarif" || fail "the SARIF has no baselineState"
# A server by its URL alone: probed, the probed stack file kept with the reports; as probed it
# names no identity, so nothing applies, and a run that tested nothing ends the step with 5.
jira_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["services"]["jira-mcp"]["url"])' "$work/run/stack.json")
rm -rf "$work/action-reports" "$work/action-output"
status=0
action MCPH_STACK= MCPH_TARGET="$jira_url" MCPH_FAIL_ON_INCONCLUSIVE=false || status=$?
((status == 5)) || { cat "$work/action.log"; fail "the action against a URL alone exited $status, not 5 (nothing ran)"; }
grep -qF "nothing ran: every scenario selected was skipped" "$work/action.log" || { cat "$work/action.log"; fail "the action did not say that nothing ran"; }
grep -qF "exit-code=5" "$work/action-output" || fail "the action's exit-code output is not 5"
[[ $(stat -c %a "$work/action-reports/probed.stack.json") == 600 ]] || fail "the probed stack file is not kept, its owner's alone"
grep -qF "$jira_url" "$work/action-reports/probed.stack.json" || fail "the probed stack file does not name $jira_url"
"$harness" down --run-dir "$work/run" >/dev/null
echo "install_test: installed, ran the isolation family from $prefix, built $(basename "$deb"), and ran the action's steps with it"
