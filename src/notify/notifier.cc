#include "notify/notifier.h"

#include <curl/curl.h>

#include <cstring>

#include "common/json_escape.h"
#include "common/redact.h"
#include "common/time_format.h"
#include "common/uuid.h"

namespace lakestream::notify {
namespace {

struct Payload {
  std::string data;
  size_t pos = 0;
};

size_t ReadPayload(char* buf, size_t size, size_t n, void* user) {
  auto* p = static_cast<Payload*>(user);
  size_t room = size * n;
  size_t len = std::min(room, p->data.size() - p->pos);
  std::memcpy(buf, p->data.data() + p->pos, len);
  p->pos += len;
  return len;
}

// "Tue, 24 Nov 2026 22:00:00 +0000"
std::string RfcDate(int64_t ms) {
  time_t t = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// Header values must not carry line breaks (header injection).
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

std::string Crlf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

}  // namespace

Notifier::Notifier(NotifierOptions options) : options_(std::move(options)) {
  options_.clock = ClockOrReal(options_.clock);
  if (options_.http == nullptr) {
    owned_http_ = io::MakeCurlHttpClient();
    options_.http = owned_http_.get();
  }
}

Result<std::unique_ptr<Notifier>> Notifier::Make(NotifierOptions options) {
  if (options.email) {
    const EmailConfig& e = *options.email;
    if (!(e.smtp_url.starts_with("smtp://") || e.smtp_url.starts_with("smtps://"))) {
      return Status::InvalidArgument("notify: email.smtp_url '" + e.smtp_url +
                                     "': expected smtp://host:port or smtps://host:port");
    }
    if (e.from.empty() || e.to.empty()) {
      return Status::InvalidArgument("notify: email needs from and at least one to address");
    }
    if (UrlHasUserInfo(e.smtp_url)) {
      return Status::InvalidArgument(
          "notify: email.smtp_url must not carry credentials (user:password@); set "
          "email.username and email.password instead (docs/security.md)");
    }
    RegisterSecret(e.password);
  }
  if (options.webhook) {
    // A webhook URL's path and query are its secret: never printed whole.
    const std::string& url = options.webhook->url;
    if (!(url.starts_with("http://") || url.starts_with("https://"))) {
      return Status::InvalidArgument("notify: webhook.url '" + RedactUrlPath(url) +
                                     "': expected http:// or https://");
    }
    if (UrlHasUserInfo(url)) {
      return Status::InvalidArgument(
          "notify: webhook.url must not carry credentials (user:password@): put the secret in "
          "the URL's path or query, which lakestream never prints (docs/security.md)");
    }
    size_t path = url.find_first_of("/?#", url.find("://") + 3);
    if (path != std::string::npos) RegisterSecret(url.substr(path));
  }
  io::InitCurlOnce();
  auto n = std::unique_ptr<Notifier>(new Notifier(std::move(options)));
  if (n->options_.registry) {
    ASSIGN_OR_RETURN(n->sent_, n->options_.registry->AddCounter(
                                   "lakestream_notifications_total",
                                   "Direct notifications by channel and result (sent, failed, "
                                   "suppressed by the rate limit)",
                                   {"channel", "result"}));
  }
  return n;
}

void Notifier::Count(const std::string& channel, const std::string& result) {
  if (sent_) sent_->WithLabels({channel, result}).Inc();
}

std::string Notifier::RunbookLink(const Alert& alert) const {
  return options_.runbook_url + (alert.runbook_anchor.empty() ? "" : "#" + alert.runbook_anchor);
}

std::string Notifier::EmailMessage(const Alert& alert, int64_t suppressed) const {
  const EmailConfig& e = *options_.email;
  std::string to;
  for (size_t i = 0; i < e.to.size(); ++i) to += (i ? ", " : "") + OneLine(e.to[i]);
  std::string m;
  m += "Date: " + RfcDate(options_.clock->NowMillis()) + "\n";
  m += "From: " + OneLine(e.from) + "\n";
  m += "To: " + to + "\n";
  m += "Message-ID: <" + NewUuid() + "@lakestream>\n";
  m += "Subject: [lakestream " + OneLine(alert.severity) + "] " + OneLine(alert.summary) + "\n";
  m += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n";
  m += alert.name + ": " + OneLine(alert.summary) + "\n\n";
  if (!alert.detail.empty()) m += alert.detail + "\n\n";
  if (suppressed > 0) {
    m += std::to_string(suppressed) +
         " more alerts like this one were suppressed since the "
         "last message (rate limit).\n\n";
  }
  m += "Runbook: " + RunbookLink(alert) + "\n";
  // SMTP: a line with a lone "." ends the message; curl dot-stuffs, but keep
  // lines CRLF-terminated.
  return Crlf(m);
}

std::string Notifier::WebhookJson(const Alert& alert, int64_t suppressed) const {
  std::string text = "[lakestream " + alert.severity + "] " + alert.summary;
  if (!alert.detail.empty()) text += "\n" + alert.detail;
  if (suppressed > 0) text += "\n(" + std::to_string(suppressed) + " similar alerts suppressed)";
  text += "\nRunbook: " + RunbookLink(alert);
  std::string j = "{\"text\":";
  AppendJsonString(text, &j);
  auto field = [&](const char* k, const std::string& v) {
    j += ",\"";
    j += k;
    j += "\":";
    AppendJsonString(v, &j);
  };
  field("alert", alert.name);
  field("key", alert.key);
  field("severity", alert.severity);
  field("summary", alert.summary);
  field("detail", alert.detail);
  field("runbook", RunbookLink(alert));
  field("time", FormatTimestampMicros(options_.clock->NowMillis() * 1000));
  j += ",\"suppressed\":" + std::to_string(suppressed) + "}";
  return j;
}

Status Notifier::SendEmail(const Alert& alert, int64_t suppressed) {
  const EmailConfig& e = *options_.email;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("notify: curl_easy_init failed");
  Payload p{EmailMessage(alert, suppressed), 0};
  struct curl_slist* rcpt = nullptr;
  for (const std::string& t : e.to) rcpt = curl_slist_append(rcpt, ("<" + t + ">").c_str());
  const std::string from = "<" + e.from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, e.smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &p);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (e.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (e.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!e.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, e.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, e.password.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Status::Unavailable("notify: email via " + e.smtp_url + ": " + curl_easy_strerror(rc));
  }
  return Status::OK();
}

Status Notifier::SendWebhook(const Alert& alert, int64_t suppressed) {
  const std::string& url = options_.webhook->url;
  const std::string body = WebhookJson(alert, suppressed);
  io::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body;
  req.timeout_ms = options_.timeout_ms;
  const std::string redacted = RedactUrlPath(url);
  Result<io::HttpResponse> r = options_.http->Send(req, redacted);
  if (!r.ok()) return Status::Unavailable("notify: webhook " + r.status().message());
  if (r->status < 200 || r->status >= 300) {
    return Status::Unavailable("notify: webhook " + redacted + ": HTTP " +
                               std::to_string(r->status));
  }
  return Status::OK();
}

Status Notifier::Notify(const Alert& alert) {
  if (!enabled()) return Status::OK();
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& ks = keys_[alert.key];
  const int64_t now = options_.clock->NowMillis();
  if (ks.last_sent_ms >= 0 && now - ks.last_sent_ms < options_.min_interval_ms) {
    ++ks.suppressed;
    Count("any", "suppressed");
    return Status::OK();
  }
  // Every channel's failure is reported (the caller logs the result), not only the first:
  // when email and webhook both fail, the operator needs both reasons.
  Status failed;
  bool any_sent = false;
  auto note = [&](const Status& st) {
    if (st.ok()) return;
    failed = failed.ok() ? st : Status(failed.code(), failed.message() + "; and " + st.message());
  };
  if (options_.email) {
    Status st = SendEmail(alert, ks.suppressed);
    Count("email", st.ok() ? "sent" : "failed");
    any_sent |= st.ok();
    note(st);
  }
  if (options_.webhook) {
    Status st = SendWebhook(alert, ks.suppressed);
    Count("webhook", st.ok() ? "sent" : "failed");
    any_sent |= st.ok();
    note(st);
  }
  if (any_sent) {
    ks.last_sent_ms = now;
    ks.suppressed = 0;
  }
  return failed;
}

}  // namespace lakestream::notify
