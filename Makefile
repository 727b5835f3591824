# The two commands of the README, and their parts. Every target installs what it needs first
# (scripts/setup.sh: quick when everything is present).
#   make play   build the web package into www/pkg and serve www/ on http://127.0.0.1:$(PORT)
#   make test   run every test; ends with a line "N passed, M failed"
#   make bench  the benchmark table: native, wasm through the JS API, and the peer aws-local-stepfunctions

PORT ?= 8080
export PORT

.PHONY: play test bench setup build package clean

play:
	@bash scripts/play.sh

test:
	@python3 scripts/test.py

bench: setup
	@node scripts/bench.mjs

setup:
	@bash scripts/setup.sh

# The wasm builds of wasm-pack.toml: www/pkg (web, the playground's), pkg/node (nodejs), www/pkg-lite
# (web-lite: no JSONata).
build: setup
	@bash scripts/build.sh

# The npm package asl-sim: dist/asl-sim-<version>.tgz, assembled from the three builds and npm/.
package: setup
	@bash scripts/build.sh web nodejs web-lite
	@node scripts/package.mjs

clean:
	rm -rf www/pkg www/pkg-lite pkg dist
