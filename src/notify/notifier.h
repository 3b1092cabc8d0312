// Notifier: direct alerts for setups without Alertmanager. On a job failure
// or a stream stall, `lakestream serve` sends an email (SMTP through
// libcurl: smtp:// with optional STARTTLS, or smtps://; optional login)
// and/or a webhook (JSON POST, shaped for Slack/Teams incoming webhooks:
// a "text" field plus the structured alert). Each message links the
// alert's section of the runbook (docs/runbook.md#<anchor>).
//
// Rate limiting: at most one message per alert key per min_interval_ms
// (default 30 min); alerts suppressed in between are counted and reported
// in the next message for that key, so a failure loop sends one message,
// not one per retry.
//
// Thread-safety: Notify() may be called from any thread; sends are
// serialised (one mutex). Ownership: borrows the optional registry and
// HttpClient; webhooks go through io::HttpClient, email through libcurl SMTP.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "io/http_client.h"
#include "metrics/registry.h"

namespace lakestream::notify {

struct EmailConfig {
  std::string smtp_url;  // smtp://host:587 or smtps://host:465
  std::string from;
  std::vector<std::string> to;
  std::string username;  // empty: no login
  std::string password;
  bool starttls = false;              // smtp:// only: require STARTTLS
  bool insecure_skip_verify = false;  // tests with self-signed certs only
};

struct WebhookConfig {
  std::string url;
};

struct NotifierOptions {
  std::optional<EmailConfig> email;
  std::optional<WebhookConfig> webhook;
  // Base of the runbook links, e.g. https://git.example/lakestream/blob/main/docs/runbook.md
  std::string runbook_url = "docs/runbook.md";
  int64_t min_interval_ms = 30 * 60 * 1000;
  int64_t timeout_ms = 15000;
  Clock* clock = RealClock();             // wall time (borrowed)
  // Webhook transport (borrowed); null: a pooled libcurl client the notifier owns.
  io::HttpClient* http = nullptr;
  metrics::Registry* registry = nullptr;  // lakestream_notifications_total when set
};

struct Alert {
  std::string key;             // rate-limit key, e.g. "job_failed:vacuum-events"
  std::string name;            // alert name as in deploy/prometheus, e.g. LakestreamJobFailed
  std::string severity;        // "critical" | "warning"
  std::string summary;         // one line
  std::string detail;          // more lines (the error)
  std::string runbook_anchor;  // section id in docs/runbook.md
};

class Notifier {
 public:
  static Result<std::unique_ptr<Notifier>> Make(NotifierOptions options);

  // Sends on every configured channel unless rate-limited (then OK and
  // nothing sent). Returns the first channel's error when a send fails (the
  // other channel is still tried); when every channel failed the key is not
  // marked sent, so the next alert tries again.
  Status Notify(const Alert& alert);

  bool enabled() const { return options_.email || options_.webhook; }
  // The runbook link of an alert.
  std::string RunbookLink(const Alert& alert) const;
  // The RFC 5322 message and the webhook JSON (exposed for tests).
  std::string EmailMessage(const Alert& alert, int64_t suppressed) const;
  std::string WebhookJson(const Alert& alert, int64_t suppressed) const;

 private:
  explicit Notifier(NotifierOptions options);
  Status SendEmail(const Alert& alert, int64_t suppressed);
  Status SendWebhook(const Alert& alert, int64_t suppressed);
  void Count(const std::string& channel, const std::string& result);

  NotifierOptions options_;
  std::unique_ptr<io::HttpClient> owned_http_;
  std::mutex mu_;
  struct KeyState {
    int64_t last_sent_ms = -1;
    int64_t suppressed = 0;
  };
  std::map<std::string, KeyState> keys_;
  metrics::CounterFamily* sent_ = nullptr;
};

}  // namespace lakestream::notify
