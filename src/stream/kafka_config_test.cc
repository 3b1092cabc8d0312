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

TEST(KafkaConfigTest, EventHubsProducerSendsGzipAndAtMostOneMebibyte) {
  KafkaConnection conn;
  conn.event_hubs_connection_string = kConn;
  Result<KafkaProperties> p = BuildProducerProperties(conn);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("compression.type"), "gzip");
  EXPECT_EQ(p->at("message.max.bytes"), "1048576");
  EXPECT_EQ(p->at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(p->count("transactional.id"), 0u);

  conn.properties["compression.type"] = "none";
  conn.properties["message.max.bytes"] = "500000";
  p = BuildProducerProperties(conn);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("compression.type"), "none");
  EXPECT_EQ(p->at("message.max.bytes"), "500000");
}

TEST(KafkaConfigTest, EventHubsProducerRefusesOtherCodecsAndBiggerRequests) {
  for (const char* name : {"compression.type", "compression.codec"}) {
    for (const char* codec : {"lz4", "zstd", "snappy"}) {
      KafkaConnection conn;
      conn.event_hubs_connection_string = kConn;
      conn.properties[name] = codec;
      Result<KafkaProperties> p = BuildProducerProperties(conn);
      ASSERT_TRUE(p.status().IsInvalidArgument()) << name << "=" << codec;
      EXPECT_NE(p.status().message().find(name), std::string::npos) << p.status().message();
      EXPECT_NE(p.status().message().find("gzip"), std::string::npos) << p.status().message();
    }
  }
  for (const char* bytes : {"1048577", "10000000", "abc", "0"}) {
    KafkaConnection conn;
    conn.event_hubs_connection_string = kConn;
    conn.properties["message.max.bytes"] = bytes;
    Result<KafkaProperties> p = BuildProducerProperties(conn);
    ASSERT_TRUE(p.status().IsInvalidArgument()) << bytes;
    EXPECT_NE(p.status().message().find("message.max.bytes"), std::string::npos);
    EXPECT_EQ(p.status().message().find("SharedAccessKey"), std::string::npos);
  }
}

TEST(KafkaConfigTest, PlainKafkaProducerKeepsLz4AndUserSettingsWin) {
  KafkaConnection conn;
  conn.brokers = "a:9092";
  Result<KafkaProperties> p = BuildProducerProperties(conn);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("compression.type"), "lz4");
  EXPECT_EQ(p->count("message.max.bytes"), 0u);
  conn.properties["compression.type"] = "zstd";
  EXPECT_EQ(BuildProducerProperties(conn)->at("compression.type"), "zstd");
}

TEST(KafkaConfigTest, NoProducerIsEverTransactional) {
  for (bool event_hubs : {false, true}) {
    KafkaConnection conn;
    if (event_hubs) {
      conn.event_hubs_connection_string = kConn;
    } else {
      conn.brokers = "a:9092";
    }
    conn.properties["transactional.id"] = "t1";
    Result<KafkaProperties> p = BuildProducerProperties(conn);
    ASSERT_TRUE(p.status().IsInvalidArgument()) << event_hubs;
    EXPECT_NE(p.status().message().find("transactional.id"), std::string::npos);
  }
}

}  // namespace
}  // namespace lakestream::stream
