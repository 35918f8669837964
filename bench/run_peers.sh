#!/usr/bin/env bash
# Runs the shared peer harness (../shared/bench) with stubforge added as a target, writing
# results to bench/results/. All arguments go to the harness, e.g.
#   bench/run_peers.sh --targets stubforge,wiremock,mountebank,py-raw-stubs --scenarios S1,S2,S3
# See ../shared/bench/README.md for the method and docs/benchmarks.md for our results.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${STUBFORGE_SHARED_BENCH:-$here/../../shared/bench}"
exec python3 "$shared/bench.py" --extra-targets "$here/peers_target.py" --out "$here/results" "$@"
