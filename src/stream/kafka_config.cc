#include "stream/kafka_config.h"

#include <algorithm>
#include <cstdlib>

#include "stream/source.h"

namespace lakestream::stream {

std::string TopicPartition::ToString() const {
  return topic + "[" + std::to_string(partition) + "]";
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<std::string> EventHubsHost(std::string_view cs) {
  // Parts are "Key=Value" separated by ';'; keys are case-insensitive.
  size_t pos = 0;
  while (pos <= cs.size()) {
    size_t end = cs.find(';', pos);
    if (end == std::string_view::npos) end = cs.size();
    std::string_view part = cs.substr(pos, end - pos);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && Lower(part.substr(0, eq)) == "endpoint") {
      std::string_view v = part.substr(eq + 1);
      size_t scheme = v.find("://");
      if (scheme != std::string_view::npos) v.remove_prefix(scheme + 3);
      while (!v.empty() && v.back() == '/') v.remove_suffix(1);
      size_t slash = v.find('/');
      if (slash != std::string_view::npos) v = v.substr(0, slash);
      size_t colon = v.find(':');
      if (colon != std::string_view::npos) v = v.substr(0, colon);
      if (v.empty()) break;
      return std::string(v);
    }
    pos = end + 1;
  }
  return Status::InvalidArgument(
      "kafka: Event Hubs connection string has no Endpoint=sb://<namespace>.servicebus.windows.net/"
      " part (value not shown)");
}

Result<KafkaProperties> BuildKafkaProperties(const KafkaConnection& conn) {
  KafkaProperties props;
  if (!conn.event_hubs_connection_string.empty()) {
    ASSIGN_OR_RETURN(std::string host, EventHubsHost(conn.event_hubs_connection_string));
    props["bootstrap.servers"] = host + ":9093";
    props["security.protocol"] = "SASL_SSL";
    props["sasl.mechanisms"] = "PLAIN";
    props["sasl.username"] = "$ConnectionString";
    props["sasl.password"] = conn.event_hubs_connection_string;
  } else if (!conn.brokers.empty()) {
    props["bootstrap.servers"] = conn.brokers;
  }
  for (const auto& [k, v] : conn.properties) props[k] = v;
  if (props.find("bootstrap.servers") == props.end() &&
      props.find("metadata.broker.list") == props.end()) {
    return Status::InvalidArgument(
        "kafka: no brokers: set brokers, an Event Hubs connection string, or bootstrap.servers");
  }
  return props;
}

Result<KafkaProperties> BuildProducerProperties(const KafkaConnection& conn) {
  ASSIGN_OR_RETURN(KafkaProperties user, BuildKafkaProperties(conn));
  const bool event_hubs = !conn.event_hubs_connection_string.empty();
  KafkaProperties props = {{"client.id", "lakestream"},
                           {"linger.ms", "20"},
                           {"compression.type", event_hubs ? "gzip" : "lz4"},
                           {"enable.idempotence", "true"}};
  if (event_hubs) props["message.max.bytes"] = std::to_string(kEventHubsMaxMessageBytes);
  for (auto& [k, v] : user) props[k] = std::move(v);

  for (const char* name : {"transactional.id", "transactional.id.expiration.ms"}) {
    if (props.count(name)) {
      return Status::InvalidArgument(
          std::string("kafka producer: property ") + name +
          ": lakestream does not use Kafka transactions (Event Hubs offers them only in preview "
          "on some tiers); exactly once comes from Delta transaction ids");
    }
  }
  if (!event_hubs) return props;
  // librdkafka spells it compression.codec too; both must respect Event Hubs' rule.
  for (const char* name : {"compression.type", "compression.codec"}) {
    auto it = props.find(name);
    if (it == props.end()) continue;
    const std::string codec = Lower(it->second);
    if (codec != "gzip" && codec != "none") {
      return Status::InvalidArgument(std::string("kafka producer: property ") + name + "=" +
                                     it->second +
                                     ": Event Hubs accepts only gzip-compressed or uncompressed "
                                     "batches (use gzip or none)");
    }
  }
  auto max = props.find("message.max.bytes");
  char* end = nullptr;
  const long long bytes = std::strtoll(max->second.c_str(), &end, 10);
  if (end == max->second.c_str() || *end != '\0' || bytes <= 0 ||
      bytes > kEventHubsMaxMessageBytes) {
    return Status::InvalidArgument("kafka producer: property message.max.bytes=" + max->second +
                                   ": Event Hubs takes requests of at most " +
                                   std::to_string(kEventHubsMaxMessageBytes) + " bytes");
  }
  return props;
}

bool IsSecretProperty(std::string_view name) {
  std::string n = Lower(name);
  for (std::string_view w : {"password", "secret", "key.pem", "private", "token", "jaas"}) {
    if (n.find(w) != std::string::npos) return true;
  }
  return n == "ssl.key.password" || n.ends_with(".key");
}

std::string RedactedProperties(const KafkaProperties& props) {
  std::string out;
  for (const auto& [k, v] : props) {
    if (!out.empty()) out += ", ";
    out += k;
    out += '=';
    out += IsSecretProperty(k) ? "***" : v;
  }
  return out;
}

}  // namespace lakestream::stream
