# Every target bootstraps first: Node >= 22, npm dependencies and the pinned Pulumi CLI (all cached).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&

.PHONY: bootstrap build test test-unit test-e2e demo server bench clean

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@$(ENV) npx tsc -p tsconfig.build.json

# vitest (unit + e2e against the real service and engine), then the official Python client's conformance suite.
test: build
	@$(ENV) npx vitest run
	@$(ENV) scripts/conformance.sh

demo: build
	@$(ENV) scripts/demo.sh

server: build
	@$(ENV) node bin/pulumi-limits.js serve $(SERVER_ARGS)

bench: build
	@$(ENV) node dist/bench/run.js

clean:
	rm -rf dist .pulumi-state .data
