#include "collect/collect_config.h"

#include <unistd.h>

#include "common/config_values.h"
#include "common/redact.h"
#include "io/config_yaml.h"
#include "io/credentials.h"

namespace lakestream::collect {
namespace {

struct Parser {
  io::ConfigReader r;

  Result<std::string> Secret(const YAML::Node& n, const std::string& at, const std::string& key) {
    if (n[key]) return r.String(n[key], io::ConfigKey(at, key));
    std::string var, file;
    if (n[key + "_env"]) {
      ASSIGN_OR_RETURN(var, r.String(n[key + "_env"], io::ConfigKey(at, key + "_env")));
    }
    if (n[key + "_file"]) {
      ASSIGN_OR_RETURN(file, r.String(n[key + "_file"], io::ConfigKey(at, key + "_file")));
    }
    if (var.empty() && file.empty()) return std::string();
    Result<std::string> v = io::CredentialResolver().Secret(io::ConfigKey(at, key), var, file);
    if (!v.ok()) return r.Bad(io::ConfigKey(at, key + (var.empty() ? "_file" : "_env")), v.status().message());
    return v;
  }

  Status Timeouts(const YAML::Node& n, CollectConfig* c) {
    RETURN_IF_ERROR(r.CheckKeys(n, "timeouts", {"header", "body", "idle", "ack"}));
    if (n["header"]) {
      ASSIGN_OR_RETURN(c->header_timeout_ms, r.DurationMs(n["header"], "timeouts.header"));
    }
    if (n["body"]) {
      ASSIGN_OR_RETURN(c->body_timeout_ms, r.DurationMs(n["body"], "timeouts.body"));
    }
    if (n["idle"]) {
      ASSIGN_OR_RETURN(c->idle_timeout_ms, r.DurationMs(n["idle"], "timeouts.idle"));
    }
    if (n["ack"]) {
      ASSIGN_OR_RETURN(c->ack_timeout_ms, r.DurationMs(n["ack"], "timeouts.ack"));
    }
    for (auto [v, k] : {std::pair{c->header_timeout_ms, "timeouts.header"}, {c->body_timeout_ms, "timeouts.body"},
                        {c->idle_timeout_ms, "timeouts.idle"}, {c->ack_timeout_ms, "timeouts.ack"}}) {
      if (v <= 0) return r.Bad(k, "must be positive");
    }
    return Status::OK();
  }

  Status Limits(const YAML::Node& n, CollectConfig* c) {
    RETURN_IF_ERROR(r.CheckKeys(n, "limits", {"batch", "event", "events", "decompression_ratio"}));
    if (n["batch"]) {
      ASSIGN_OR_RETURN(c->max_batch_bytes, r.Size(n["batch"], "limits.batch"));
    }
    if (n["event"]) {
      ASSIGN_OR_RETURN(c->max_event_bytes, r.Size(n["event"], "limits.event"));
    }
    if (n["events"]) {
      ASSIGN_OR_RETURN(c->max_events, r.Int(n["events"], "limits.events"));
    }
    if (n["decompression_ratio"]) {
      ASSIGN_OR_RETURN(c->max_decompression_ratio,
                       r.Int(n["decompression_ratio"], "limits.decompression_ratio"));
    }
    if (c->max_batch_bytes <= 0) return r.Bad("limits.batch", "must be positive");
    if (c->max_event_bytes <= 0 || c->max_event_bytes > c->max_batch_bytes) {
      return r.Bad("limits.event", "must be positive and at most limits.batch");
    }
    if (c->max_events <= 0) return r.Bad("limits.events", "must be positive");
    if (c->max_decompression_ratio < 1) return r.Bad("limits.decompression_ratio", "must be >= 1");
    return Status::OK();
  }

  Status Kafka(const YAML::Node& n, CollectConfig* c) {
    RETURN_IF_ERROR(r.CheckKeys(n, "kafka", {"brokers", "event_hubs", "properties"}));
    if (n["brokers"]) {
      ASSIGN_OR_RETURN(c->kafka.brokers, r.String(n["brokers"], "kafka.brokers"));
    }
    if (const YAML::Node eh = n["event_hubs"]) {
      RETURN_IF_ERROR(r.CheckKeys(eh, "kafka.event_hubs", {"connection_string_env", "connection_string_file"}));
      ASSIGN_OR_RETURN(c->kafka.event_hubs_connection_string, Secret(eh, "kafka.event_hubs", "connection_string"));
      if (c->kafka.event_hubs_connection_string.empty()) {
        return r.Bad("kafka.event_hubs", "needs connection_string_env or connection_string_file");
      }
      RegisterSecret(c->kafka.event_hubs_connection_string);
      if (!c->kafka.brokers.empty()) return r.Bad("kafka.brokers", "not allowed together with kafka.event_hubs");
    }
    if (const YAML::Node p = n["properties"]) {
      if (!p.IsMap()) return r.Bad("kafka.properties", "expected a mapping of librdkafka properties");
      for (const auto& kv : p) {
        std::string k = kv.first.as<std::string>();
        ASSIGN_OR_RETURN(c->kafka.properties[k], r.String(kv.second, "kafka.properties." + k));
      }
    }
    if (c->kafka.brokers.empty() && c->kafka.event_hubs_connection_string.empty() &&
        !c->kafka.properties.count("bootstrap.servers")) {
      return r.Bad("kafka", "names no brokers: add brokers: host:port or event_hubs");
    }
    return Status::OK();
  }

  Status Sources(const YAML::Node& n, CollectConfig* c) {
    if (!n.IsSequence()) return r.Bad("sources", "expected a list of sources");
    for (size_t i = 0; i < n.size(); ++i) {
      std::string at = io::ConfigIndex("sources", i);
      const YAML::Node s = n[i];
      RETURN_IF_ERROR(r.CheckKeys(s, at, {"name", "key", "key_env", "key_file", "topic", "origins",
                                          "rate_limit", "burst"}));
      Source src;
      if (!s["name"]) return r.Bad(at + ".name", "required");
      ASSIGN_OR_RETURN(src.name, r.String(s["name"], at + ".name"));
      ASSIGN_OR_RETURN(src.key, Secret(s, at, "key"));
      if (src.key.size() < 8) return r.Bad(at + ".key", "required: key_env, key_file or key, at least 8 characters");
      RegisterSecret(src.key);
      if (!s["topic"]) return r.Bad(at + ".topic", "required");
      ASSIGN_OR_RETURN(src.topic, r.String(s["topic"], at + ".topic"));
      if (s["origins"]) {
        ASSIGN_OR_RETURN(src.origins, r.StringList(s["origins"], at + ".origins", true));
      }
      if (s["rate_limit"]) {
        ASSIGN_OR_RETURN(src.rate_per_second, r.Double(s["rate_limit"], at + ".rate_limit"));
      }
      if (s["burst"]) {
        ASSIGN_OR_RETURN(src.burst, r.Double(s["burst"], at + ".burst"));
      }
      if (src.rate_per_second < 0) return r.Bad(at + ".rate_limit", "must be >= 0 (0: unlimited)");
      for (const auto& other : c->sources) {
        if (other.key == src.key) return r.Bad(at + ".key", "the same key as source " + other.name);
        if (other.name == src.name) return r.Bad(at + ".name", "two sources named " + src.name);
      }
      c->sources.push_back(std::move(src));
    }
    return Status::OK();
  }
};

}  // namespace

Result<CollectConfig> ParseCollectConfig(const std::string& text, const std::string& what) {
  ASSIGN_OR_RETURN(YAML::Node root, io::LoadYaml(text, what));
  Parser p{io::ConfigReader(what + ": collect config")};
  auto& r = p.r;
  CollectConfig c;
  RETURN_IF_ERROR(r.CheckKeys(root, "", {"listen", "collector_id", "threads", "max_connections",
                                          "timeouts", "limits", "client_ip", "kafka", "spool", "sources"}));
  if (root["listen"]) {
    ASSIGN_OR_RETURN(std::string listen, r.String(root["listen"], "listen"));
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return r.Bad("listen", "expected host:port, got '" + listen + "'");
    c.listen_host = listen.substr(0, colon);
    auto port = ParseInt64(listen.substr(colon + 1));
    if (!port.ok() || *port < 0 || *port > 65535) return r.Bad("listen", "bad port in '" + listen + "'");
    c.listen_port = static_cast<int>(*port);
  }
  if (root["collector_id"]) {
    ASSIGN_OR_RETURN(c.collector_id, r.String(root["collector_id"], "collector_id"));
  } else {
    char host[256] = {0};
    ::gethostname(host, sizeof(host) - 1);
    c.collector_id = host;
  }
  if (root["threads"]) {
    ASSIGN_OR_RETURN(int64_t t, r.Int(root["threads"], "threads"));
    if (t < 1 || t > 64) return r.Bad("threads", "must be 1..64");
    c.threads = static_cast<int>(t);
  }
  if (root["max_connections"]) {
    ASSIGN_OR_RETURN(c.max_connections, r.Int(root["max_connections"], "max_connections"));
  }
  if (root["timeouts"]) RETURN_IF_ERROR(p.Timeouts(root["timeouts"], &c));
  if (root["limits"]) RETURN_IF_ERROR(p.Limits(root["limits"], &c));
  if (const YAML::Node ip = root["client_ip"]) {
    RETURN_IF_ERROR(r.CheckKeys(ip, "client_ip", {"mode", "hash_key_env", "hash_key_file", "trusted_proxy_hops"}));
    if (ip["mode"]) {
      ASSIGN_OR_RETURN(c.client_ip_mode, r.String(ip["mode"], "client_ip.mode"));
    }
    ASSIGN_OR_RETURN(c.client_ip_hash_key, p.Secret(ip, "client_ip", "hash_key"));
    if (!c.client_ip_hash_key.empty()) RegisterSecret(c.client_ip_hash_key);
    if (ip["trusted_proxy_hops"]) {
      ASSIGN_OR_RETURN(int64_t h, r.Int(ip["trusted_proxy_hops"], "client_ip.trusted_proxy_hops"));
      c.trusted_proxy_hops = static_cast<int>(h);
    }
  }
  if (!root["kafka"]) return r.Bad("kafka", "required");
  RETURN_IF_ERROR(p.Kafka(root["kafka"], &c));
  if (!c.kafka.event_hubs_connection_string.empty() && c.max_event_bytes > stream::kEventHubsMaxMessageBytes) {
    return r.Bad("limits.event", "Event Hubs takes messages of at most 1 MiB");
  }
  if (const YAML::Node s = root["spool"]) {
    RETURN_IF_ERROR(r.CheckKeys(s, "spool", {"dir", "max_bytes", "segment_bytes"}));
    if (s["dir"]) {
      ASSIGN_OR_RETURN(c.spool_dir, r.String(s["dir"], "spool.dir"));
    }
    if (s["max_bytes"]) {
      ASSIGN_OR_RETURN(c.spool_max_bytes, r.Size(s["max_bytes"], "spool.max_bytes"));
    }
    if (s["segment_bytes"]) {
      ASSIGN_OR_RETURN(c.spool_segment_bytes, r.Size(s["segment_bytes"], "spool.segment_bytes"));
    }
  }
  if (c.spool_dir.empty()) return r.Bad("spool.dir", "required: where requests wait while the broker is away");
  if (!root["sources"]) return r.Bad("sources", "required: at least one source with a write key");
  RETURN_IF_ERROR(p.Sources(root["sources"], &c));
  return c;
}

Result<CollectConfig> LoadCollectConfig(io::FileSystem* fs, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, io::ReadConfigFile(fs, path));
  return ParseCollectConfig(text, path);
}

}  // namespace lakestream::collect
