#include "notify/notifier.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/manual_clock.h"

namespace lakestream::notify {
namespace {

// A local webhook receiver on a free port.
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      bodies_.push_back(req.body);
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

Alert JobFailed() {
  Alert a;
  a.key = "job_failed:vacuum";
  a.name = "LakestreamJobFailed";
  a.severity = "critical";
  a.summary = "job vacuum failed";
  a.detail = "IOError: disk full";
  a.runbook_anchor = "lakestreamjobfailed";
  return a;
}

TEST(NotifierTest, AFailureLoopSendsOneWebhookThenReportsWhatWasSuppressed) {
  Receiver rx;
  ManualClock clock(int64_t{1'000'000} * 1000);
  metrics::Registry reg;
  NotifierOptions o;
  o.webhook = WebhookConfig{rx.url()};
  o.runbook_url = "https://example.test/runbook.md";
  o.min_interval_ms = 60000;
  o.clock = &clock;
  o.registry = &reg;
  auto n = Notifier::Make(o);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*n)->Notify(JobFailed()).ok());
  ASSERT_EQ(rx.bodies().size(), 1u);
  auto j = nlohmann::json::parse(rx.bodies()[0]);
  EXPECT_EQ(j["alert"], "LakestreamJobFailed");
  EXPECT_EQ(j["runbook"], "https://example.test/runbook.md#lakestreamjobfailed");
  EXPECT_NE(j["text"].get<std::string>().find("IOError: disk full"), std::string::npos);
  // Another key is not held back by the first.
  Alert other = JobFailed();
  other.key = "job_failed:checkpoint";
  ASSERT_TRUE((*n)->Notify(other).ok());
  EXPECT_EQ(rx.bodies().size(), 2u);
  clock.AdvanceMillis(60000);
  ASSERT_TRUE((*n)->Notify(JobFailed()).ok());
  ASSERT_EQ(rx.bodies().size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(rx.bodies()[2])["suppressed"], 4);
  EXPECT_NE(
      reg.Expose().find("lakestream_notifications_total{channel=\"any\",result=\"suppressed\"} 4"),
      std::string::npos);
}

TEST(NotifierTest, AnUnreachableChannelFailsAndDoesNotConsumeTheRateLimit) {
  NotifierOptions o;
  o.email = EmailConfig{};
  o.email->smtp_url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  o.email->from = "lakestream@example.test";
  o.email->to = {"ops@example.test"};
  o.timeout_ms = 5000;
  auto n = Notifier::Make(o);
  ASSERT_TRUE(n.ok());
  Status st = (*n)->Notify(JobFailed());
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_TRUE((*n)->Notify(JobFailed()).IsUnavailable());  // tried again, not suppressed
}

// Both channels failing: both reasons are in the result (and so in the log), secrets not.
TEST(NotifierTest, WhenEmailAndWebhookBothFailBothErrorsAreReported) {
  NotifierOptions o;
  o.email = EmailConfig{};
  o.email->smtp_url = "smtp://127.0.0.1:1";
  o.email->from = "lakestream@example.test";
  o.email->to = {"ops@example.test"};
  o.webhook = WebhookConfig{};
  o.webhook->url = "http://127.0.0.1:1/hooks/SECRETTOKEN";
  o.timeout_ms = 5000;
  auto n = Notifier::Make(o);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  Status st = (*n)->Notify(JobFailed());
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_NE(st.message().find("notify: email via"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("notify: webhook"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("SECRETTOKEN"), std::string::npos) << st.ToString();
}

TEST(NotifierTest, EmailMessageHasHeadersRunbookAndNoInjectedHeaders) {
  NotifierOptions o;
  o.email = EmailConfig{
      "smtp://127.0.0.1:25", "lakestream@example.test", {"a@example.test", "b@example.test"}};
  ManualClock clock(int64_t{1764021600000} * 1000);
  o.clock = &clock;
  auto n = Notifier::Make(o);
  ASSERT_TRUE(n.ok());
  Alert a = JobFailed();
  a.summary = "bad\r\nBcc: evil@example.test";
  std::string m = (*n)->EmailMessage(a, 2);
  EXPECT_NE(m.find("To: a@example.test, b@example.test\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Date: Mon, 24 Nov 2025 22:00:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos) << m;
  EXPECT_NE(m.find("Runbook: docs/runbook.md#lakestreamjobfailed\r\n"), std::string::npos);
  EXPECT_NE(m.find("2 more alerts"), std::string::npos);
}

// Issue 14, item 6: a webhook URL's path and query are the secret.
TEST(NotifierTest, AFailingWebhookNamesItsHostButNeverItsSecretPath) {
  httplib::Server failing;
  failing.Post(R"(/.*)", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  int port = failing.bind_to_any_port("127.0.0.1");
  std::thread t([&] { failing.listen_after_bind(); });
  while (!failing.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  NotifierOptions o;
  o.webhook = WebhookConfig{"http://127.0.0.1:" + std::to_string(port) +
                            "/services/T0HIDDEN/B0HIDDEN/hiddenToken42?sig=hiddenSig"};
  auto n = Notifier::Make(o);
  ASSERT_TRUE(n.ok());
  Status st = (*n)->Notify(JobFailed());
  failing.stop();
  t.join();
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(port)), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("HTTP 500"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("hidden"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("HIDDEN"), std::string::npos) << st.ToString();
}

TEST(NotifierTest, CredentialsInNotificationUrlsAreRefusedWithWhereToPutThem) {
  NotifierOptions o;
  o.email = EmailConfig{"smtp://alerts:MailPass9@127.0.0.1:25", "a@b", {"c@d"}};
  Status st = Notifier::Make(o).status();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("email.username"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find("MailPass9"), std::string::npos) << st.ToString();
  NotifierOptions w;
  w.webhook = WebhookConfig{"https://user:HookPass9@hooks.example/x"};
  st = Notifier::Make(w).status();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(st.message().find("HookPass9"), std::string::npos) << st.ToString();
}

TEST(NotifierTest, BadConfigsAreRefused) {
  NotifierOptions o;
  o.email = EmailConfig{"http://x", "a@b", {"c@d"}};
  EXPECT_TRUE(Notifier::Make(o).status().IsInvalidArgument());
  o.email->smtp_url = "smtp://x:25";
  o.email->to.clear();
  EXPECT_TRUE(Notifier::Make(o).status().IsInvalidArgument());
  NotifierOptions w;
  w.webhook = WebhookConfig{"ftp://x"};
  EXPECT_TRUE(Notifier::Make(w).status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::notify
