#!/usr/bin/env bash
# deploy/prometheus: the alert rules parse and pass their promtool unit tests,
# the example Prometheus and Alertmanager configs are valid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init prometheus_config_test
cd "$(dirname "${BASH_SOURCE[0]}")/../deploy/prometheus"
promtool check rules lakestream-rules.yml
promtool test rules tests/lakestream-rules.test.yml
promtool check config prometheus.yml
amtool check-config alertmanager.yml
echo "prometheus_config_test: OK"
