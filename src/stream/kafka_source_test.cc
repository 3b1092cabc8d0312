// KafkaSource without a broker: what it survives is reported, not only printed
// (tests/kafka_source_test.cc covers a real broker).
#include "stream/kafka_source.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

namespace lakestream::stream {
namespace {

class CountingObserver final : public StreamObserver {
 public:
  void OnCheckpointFailed(const std::string&, const std::string&) override {}
  void OnDimensionMergeFailed(const std::string&, const Status&) override {}
  void OnConsumerError(std::string_view code, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++errors_[std::string(code)];
  }
  std::map<std::string, int> errors() const {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int> errors_;
};

TEST(KafkaSourceTest, AnUnreachableBrokerIsCountedAsATransientConsumerError) {
  CountingObserver observer;
  KafkaSourceOptions o;
  o.connection.brokers = "127.0.0.1:1";  // nothing listens on port 1
  o.connection.properties["reconnect.backoff.ms"] = "10";
  o.group_id = "kafka-source-test";
  o.observer = &observer;
  auto source = NewKafkaSource(o);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_TRUE((*source)->Subscribe({"clicks"}).ok());
  std::vector<SourceRecord> records;
  // Each Poll waits up to 200 ms for the client's error callbacks; 100 of them
  // bound the test if librdkafka never reports the refused connection.
  for (int i = 0; i < 100 && observer.errors().empty(); ++i) {
    Result<size_t> n = (*source)->Poll(10, 200, &records);
    ASSERT_TRUE(n.ok()) << "a refused connection is not fatal: " << n.status().ToString();
    EXPECT_EQ(*n, 0u);
  }
  std::map<std::string, int> errors = observer.errors();
  ASSERT_FALSE(errors.empty()) << "no consumer error reported";
  EXPECT_TRUE(errors.count("_TRANSPORT") || errors.count("_ALL_BROKERS_DOWN"))
      << errors.begin()->first;
}

}  // namespace
}  // namespace lakestream::stream
