# Every target bootstraps first: Node >= 22, npm dependencies and the pinned Pulumi CLI (all cached).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&
SERVER_ARGS ?= --port 8787 --data-dir .data --api-key local-key
# make bench BENCH_SIZES=10 (CI) or the default 100,1000
BENCH_SIZES ?= 100,1000

.PHONY: bootstrap build plugins postgres test lint fuzz demo server bench bench-limitry clean

bootstrap:
	@scripts/bootstrap.sh

# PostgreSQL server binaries for the state-backend tests and bench (apt-get, only when missing). Each test
# file and the bench start their own cluster on loopback and stop it afterwards.
postgres:
	@scripts/postgres.sh

build: bootstrap
	@rm -rf dist && $(ENV) npx tsc -p tsconfig.build.json && $(ENV) scripts/policy-pack.sh

# The provider plugins, payi and limitry, as tarballs in dist/plugins (scripts/plugins.sh):
#   pulumi plugin install resource payi <version> --file dist/plugins/pulumi-resource-payi-v<version>-linux-amd64.tar.gz
plugins: build
	@$(ENV) scripts/plugins.sh

# Type-check everything (the type-level tests live there), vitest's unit tests, the e2e suites against the real
# service (both profiles) and engine (scripts/e2e.sh), then the official Python client's conformance suite against the service's default and strict profiles.
test: build plugins lint postgres
	@$(ENV) npx tsc -p tsconfig.json --noEmit
	@$(ENV) npx vitest run --project unit
	@$(ENV) scripts/e2e.sh
	@$(ENV) scripts/conformance.sh
	@$(ENV) PULUMI_LIMITS_SERVICE_PROFILE=strict scripts/conformance.sh

# Biome (lint + format check) and knip (unused files, exports and dependencies).
lint: bootstrap
	@$(ENV) npx biome ci .
	@$(ENV) npx knip

# The service fuzz tests alone (Pay-i's and Limitry's), longer than in `make test` (10,000): make fuzz FUZZ_REQUESTS=100000 FUZZ_SEED=7
FUZZ_REQUESTS ?= 50000
fuzz: build
	@$(ENV) FUZZ_REQUESTS=$(FUZZ_REQUESTS) npx vitest run test/unit/fuzz.test.ts test/unit/limitry-fuzz.test.ts

demo: build
	@$(ENV) scripts/demo.sh

server: build
	@$(ENV) node bin/pulumi-limits.js serve $(SERVER_ARGS)

bench: build postgres
	@$(ENV) BENCH_SIZES=$(BENCH_SIZES) node dist/bench/run.js

# Only the Limitry part of the bench: event recording with 10 and 10,000 limits (throughput, p50, p99).
bench-limitry: build
	@$(ENV) BENCH_SIZES=$(BENCH_SIZES) node dist/bench/limitry-run.js

clean:
	rm -rf dist .pulumi-state .data
