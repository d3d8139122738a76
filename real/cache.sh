# Sourced (real/install, docker/check-compose-file): sets real_tier_cache, the directory the real
# tier is installed into — $MCPH_CACHE_DIR, else $XDG_CACHE_HOME/mcp-harness, else
# ~/.cache/mcp-harness. harness/stack/src/real_tier.cpp finds it the same way.
# shellcheck shell=bash
real_tier_cache=${MCPH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mcp-harness}
