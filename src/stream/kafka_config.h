// Kafka client settings: how lakestream turns a connection description
// (brokers, or an Azure Event Hubs connection string, plus free-form
// librdkafka properties) into the property map a client is built from, and how
// a property map is printed with secrets masked. The connection string itself
// is found by the credentials resolver (io/credentials.h, CredentialResolver::Secret).
//
// Azure Event Hubs speaks Kafka on port 9093: bootstrap
// "<namespace>.servicebus.windows.net:9093", security.protocol SASL_SSL,
// sasl.mechanism PLAIN, username "$ConnectionString", password the whole
// connection string ("Endpoint=sb://<ns>.servicebus.windows.net/;
// SharedAccessKeyName=...;SharedAccessKey=...[;EntityPath=...]").
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::stream {

using KafkaProperties = std::map<std::string, std::string>;

struct KafkaConnection {
  // "host:port,...". Ignored when an Event Hubs connection string is set.
  std::string brokers;
  // The Event Hubs connection string itself (a secret: io/credentials.h finds it).
  std::string event_hubs_connection_string;
  // Any librdkafka property, applied last (they win over what lakestream sets).
  KafkaProperties properties;
};

// The namespace host of an Event Hubs connection string
// ("<ns>.servicebus.windows.net"). InvalidArgument (without echoing the
// secret) when there is no "Endpoint=sb://host/" part.
Result<std::string> EventHubsHost(std::string_view connection_string);

// The client properties for `conn`: bootstrap.servers and, for Event Hubs, the
// SASL settings; then conn.properties. InvalidArgument when neither brokers
// nor a connection string (nor bootstrap.servers in properties) is given.
Result<KafkaProperties> BuildKafkaProperties(const KafkaConnection& conn);

// Event Hubs' limits for what a Kafka producer may send: a batch (and so a single
// record) of at most 1 MiB, compressed with gzip or not at all.
inline constexpr int64_t kEventHubsMaxMessageBytes = 1048576;

// The properties of a producer for `conn`: BuildKafkaProperties plus lakestream's
// producer defaults (lz4 batches, linger 20 ms, idempotence), under the user's
// properties. For Event Hubs the defaults are gzip and a 1 MiB request cap, and a
// compression.type other than gzip/none, a message.max.bytes above 1 MiB or any
// transactional.id is InvalidArgument naming the property. lakestream never uses
// Kafka transactions (exactly once comes from Delta txn ids, docs/streaming.md), so
// transactional.id is refused for every broker.
Result<KafkaProperties> BuildProducerProperties(const KafkaConnection& conn);

// True for properties whose values must not be printed (passwords, keys,
// secrets, tokens, sasl.jaas.config).
bool IsSecretProperty(std::string_view name);
// "k=v, k=***, ..." for logs.
std::string RedactedProperties(const KafkaProperties& props);

}  // namespace lakestream::stream
