#include "stream/kafka_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lakestream::stream {
namespace {

constexpr const char* kConn =
    "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=send;"
    "SharedAccessKey=c2VjcmV0;EntityPath=clicks";

TEST(KafkaConfigTest, EventHubsConnectionStringBecomesSaslPlainOn9093) {
  KafkaConnection conn;
  conn.event_hubs_connection_string = kConn;
  conn.properties["socket.timeout.ms"] = "30000";
  Result<KafkaProperties> p = BuildKafkaProperties(conn);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("bootstrap.servers"), "myns.servicebus.windows.net:9093");
  EXPECT_EQ(p->at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(p->at("sasl.mechanisms"), "PLAIN");
  EXPECT_EQ(p->at("sasl.username"), "$ConnectionString");
  EXPECT_EQ(p->at("sasl.password"), kConn);
  EXPECT_EQ(p->at("socket.timeout.ms"), "30000");
  // Printing never shows the secret.
  std::string printed = RedactedProperties(*p);
  EXPECT_EQ(printed.find("SharedAccessKey"), std::string::npos) << printed;
  EXPECT_NE(printed.find("sasl.password=***"), std::string::npos);
}

TEST(KafkaConfigTest, BadConnectionStringErrorDoesNotEchoIt) {
  KafkaConnection conn;
  conn.event_hubs_connection_string = "SharedAccessKey=topsecret";
  Result<KafkaProperties> p = BuildKafkaProperties(conn);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().find("topsecret"), std::string::npos);
}

TEST(KafkaConfigTest, PassThroughPropertiesWinAndBrokersAreRequired) {
  KafkaConnection conn;
  conn.brokers = "a:9092";
  conn.properties["bootstrap.servers"] = "b:9092";
  EXPECT_EQ(BuildKafkaProperties(conn)->at("bootstrap.servers"), "b:9092");
  EXPECT_TRUE(BuildKafkaProperties(KafkaConnection{}).status().IsInvalidArgument());
}

TEST(KafkaConfigTest, SecretComesFromEnvironmentThenFile) {
  ::setenv("LS_TEST_SECRET", "s3cret", 1);
  EXPECT_EQ(*ReadSecret("LS_TEST_SECRET", ""), "s3cret");
  ::unsetenv("LS_TEST_SECRET");
  Result<std::string> missing = ReadSecret("LS_TEST_SECRET", "");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("LS_TEST_SECRET"), std::string::npos);
  std::string path = ::testing::TempDir() + "/ls_secret";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("from-file\n", f);
  std::fclose(f);
  EXPECT_EQ(*ReadSecret("LS_TEST_SECRET", path), "from-file");
}

}  // namespace
}  // namespace lakestream::stream
