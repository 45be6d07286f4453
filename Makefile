# Two commands on a fresh Debian 12 machine: `make run` and `make test`.
SHELL := /bin/bash
NPM ?= npm

.PHONY: run test build lint deps addon bench clean

deps: node_modules/.installed

.deps-apt.stamp: scripts/install-deps.sh
	scripts/install-deps.sh
	@touch $@

node_modules/.installed: package.json package-lock.json binding.gyp .deps-apt.stamp
	$(NPM) ci --no-audit --no-fund
	@touch $@

# The addon is built by `npm ci` (binding.gyp); rebuild only when its C++ changes.
build/Release/vrouterd_yang.node: binding.gyp $(wildcard src/validation/native/*.cc src/validation/native/*.h) | node_modules/.installed
	$(NPM) run --silent build:addon
	@touch $@

addon: build/Release/vrouterd_yang.node

build: addon
	npx tsc -p tsconfig.build.json

lint: deps
	npx tsc -p tsconfig.json --noEmit
	npx eslint .

test: build
	scripts/run-tests.sh

run: build
	node dist/main.js --state-dir state --init-admin --port 8830 $(ARGS)

bench: build
	npx tsx bench/yang-codec.bench.ts

# Needs root: 10k routes into network namespaces, vrouterd vs `ip -batch` (bench/README.md).
.PHONY: bench-linux
bench-linux: build
	npx tsx bench/linux-routes/run.ts $(ARGS)

clean:
	rm -rf build dist coverage node_modules .deps-apt.stamp
