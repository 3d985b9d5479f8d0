#!/usr/bin/env bash
# CI: scale-out for real (README "Scale-out"). Starts a PostgreSQL 15 cluster (Debian's, as the
# postgres user, on 127.0.0.1, in a temporary folder), a Prefect server on it and two process
# workers; runs the offline nightly across them on a DuckLake and compares it with the embedded
# single-process run; then 4 writer processes x 25 loads and a reader on one DuckLake.
# Everything it starts is stopped again (tests/services.py). Bounded: 5 minutes at most.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo "scale-out: installing PostgreSQL 15 (Debian's package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-15 > /dev/null
fi
.venv/bin/deflator extensions install > /dev/null  # offline, from the pinned packages
# each test may take minutes (it starts PostgreSQL, a Prefect server and workers): the
# per-test limit of pyproject.toml (for `make test`) would cut it short
DEFLATOR_SCALE_OUT=1 PYTEST_TIMEOUT=470 timeout --signal=INT --kill-after=30 480 \
    .venv/bin/pytest -q -s -p no:cacheprovider tests/test_scale_out.py
