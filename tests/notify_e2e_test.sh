#!/usr/bin/env bash
# Notifications end to end: `lakestream serve` with a scheduled job that fails
# every second (vacuum of a table that does not exist: a real failure) sends
# exactly ONE email to a local SMTP sink (aiosmtpd, requiring STARTTLS and
# AUTH) and ONE webhook call, with
# the runbook link, despite the failure loop (rate limit). The failures are in
# the run log (`lakestream runs --failed`), the metrics say so, and SIGTERM
# stops serve with exit code 0.
set -euo pipefail
LAKESTREAM="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
lib_init notify_e2e_test
WORK=$TMP

# Debian's python3 (python3-aiosmtpd), not one earlier on PATH. It writes the ports it bound.
start_bg "$WORK/sinks.log" /usr/bin/python3 "$HERE/notify_sinks.py" "$WORK" --tls-auth "lakestream:s3cret pass"
SINK_PID=$BG_PID
wait_until 20 "the sinks' ports file" test -s "$WORK/ports"
SMTP_PORT=$(sed -E 's/.*smtp=([0-9]+).*/\1/' "$WORK/ports")
HOOK_PORT=$(sed -E 's/.*webhook=([0-9]+).*/\1/' "$WORK/ports")

cat > "$WORK/serve.yaml" <<YAML
state_dir: $WORK/state
http: 127.0.0.1:0
log: {format: json}
run_log: {group_rows: 1000, group_interval: 1h}
jobs:
  - {name: vacuum-missing, type: vacuum, table: $WORK/no-such-table, every: 1s, run_at_start: true}
notify:
  runbook_url: https://runbooks.example.test/runbook.md
  min_interval: 1h
  email: {smtp_url: "smtp://127.0.0.1:$SMTP_PORT", from: lakestream@example.test, to: [ops@example.test],
          starttls: true, insecure_skip_verify: true, username: lakestream,
          password_env: LAKESTREAM_TEST_SMTP_PASSWORD}
  webhook: {url: "http://127.0.0.1:$HOOK_PORT/hook"}
YAML

start_bg "$WORK/serve.log" env LAKESTREAM_TEST_SMTP_PASSWORD="s3cret pass" \
  "$LAKESTREAM" serve --config "$WORK/serve.yaml" --port-file "$WORK/serve.port"
SERVE_PID=$BG_PID
wait_port_file "$WORK/serve.port" "$SERVE_PID"

# Wait until the job has failed at least 4 times (the loop the rate limit absorbs).
n=""
failed_4_times() {
  n=$(curl -sf "http://127.0.0.1:$PORT/metrics" |
      sed -n 's/^lakestream_job_runs_total{job_name="vacuum-missing",status="failed"} //p')
  [ -n "$n" ] && [ "$n" -ge 4 ]
}
wait_until 60 "the job to fail 4 times (got '$n')" failed_4_times
curl -sf "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt"
grep -q '^lakestream_job_last_run_failed{job_name="vacuum-missing"} 1$' "$WORK/metrics.txt" ||
  fail "lakestream_job_last_run_failed is not 1"
grep -q '^lakestream_notifications_total{channel="any",result="suppressed"} [1-9]' "$WORK/metrics.txt" ||
  fail "no suppressed notifications counted"

stop_pid "$SERVE_PID" TERM
[ "$STOP_RC" = 0 ] || fail "serve exited $STOP_RC after SIGTERM"

mails=$(grep -c '^----- message -----$' "$WORK/mail.txt" 2>/dev/null || true)
hooks=$(wc -l < "$WORK/webhook.jsonl" 2>/dev/null || echo 0)
[ "$mails" = 1 ] || fail "expected exactly 1 email, got $mails"
[ "$hooks" = 1 ] || fail "expected exactly 1 webhook call, got $hooks"
grep -q '^Subject: \[lakestream critical\] scheduled job vacuum-missing failed' "$WORK/mail.txt" ||
  fail "email subject"
grep -q 'X-Envelope-To: ops@example.test' "$WORK/mail.txt" || fail "email recipient"
grep -q '^X-Auth-User: lakestream$' "$WORK/mail.txt" || fail "email was not sent with AUTH"
grep -q '^X-TLS: yes$' "$WORK/mail.txt" || fail "email was not sent over STARTTLS"
grep -q 'Runbook: https://runbooks.example.test/runbook.md#lakestreamjobfailed' "$WORK/mail.txt" ||
  fail "email runbook link"
grep -q 'not a Delta table' "$WORK/mail.txt" || fail "email carries the error"
python3 - "$WORK/webhook.jsonl" <<'PY' || fail "webhook body"
import json, sys
j = json.loads(open(sys.argv[1]).readline())
assert j["alert"] == "LakestreamJobFailed", j
assert j["runbook"] == "https://runbooks.example.test/runbook.md#lakestreamjobfailed", j
assert "not a Delta table" in j["detail"], j
PY

# Every failure is in the run log (the failure rows are committed at once).
failed=$("$LAKESTREAM" runs --state-dir "$WORK/state" --failed 2>/dev/null | grep -c 'vacuum-missing *failed' || true)
[ "$failed" -ge 4 ] || fail "run log holds $failed failed rows, expected >= 4"
"$LAKESTREAM" runs --state-dir "$WORK/state" --since 1h > "$WORK/runs.txt" 2>/dev/null
grep -q "runlog-retention *ok" "$WORK/runs.txt" ||
  fail "run log retention job row missing"
echo "notify_e2e_test: OK ($n failures -> 1 email, 1 webhook; $failed failed rows in the run log)"
