# Sourced by corpus/install-runtimes and corpus/run-go (after real/cache.sh): find_go prints a go
# command of at least real/versions.env's GO_TOOLCHAIN, the machine's, else the toolchain
# real/install fetched into the cache; it fails when there is neither.
# shellcheck source=../real/versions.env
source "$(dirname "${BASH_SOURCE[0]}")/../real/versions.env"
find_go() {
  local have
  if command -v go >/dev/null; then
    have=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null | sed 's/^go//')
    if [[ "$(printf '%s\n%s\n' "$GO_TOOLCHAIN" "$have" | sort -V | head -1)" == "$GO_TOOLCHAIN" ]]; then
      command -v go
      return
    fi
  fi
  [[ -x "$real_tier_cache/go-$GO_TOOLCHAIN/bin/go" ]] || return 1
  echo "$real_tier_cache/go-$GO_TOOLCHAIN/bin/go"
}
