#!/usr/bin/env bash
# Serves the playground: installs what is missing, builds the web package into www/pkg, and serves
# www/ on http://127.0.0.1:$PORT (default 8080) until interrupted. `PORT=9000 make play` changes the port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

PORT=${PORT:-8080}
bash scripts/setup.sh
bash scripts/build.sh web # the wasm package (www/pkg) and the page's vendor bundles (www/vendor)
echo
echo "asl-sim playground: http://127.0.0.1:$PORT/   (Ctrl-C stops it)"
echo
# python3's http.server serves .wasm as application/wasm and .js as text/javascript, as browsers need.
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory www
