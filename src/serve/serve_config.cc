#include "serve/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "io/config_yaml.h"
#include "io/credentials.h"

namespace lakestream::serve {
namespace {

const io::ConfigReader& R() {
  static const io::ConfigReader reader("serve config");
  return reader;
}

Status Bad(const std::string& key, const std::string& why) { return R().Bad(key, why); }

Status CheckKeys(const YAML::Node& n, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
  return R().CheckKeys(n, where, allowed);
}

Result<std::string> Str(const YAML::Node& n, const std::string& key) { return R().String(n, key); }
Result<int64_t> Duration(const YAML::Node& n, const std::string& key) {
  return R().DurationMs(n, key);
}
Result<int64_t> Int(const YAML::Node& n, const std::string& key) { return R().Int(n, key); }
Result<double> Double(const YAML::Node& n, const std::string& key) { return R().Double(n, key); }
Result<bool> Bool(const YAML::Node& n, const std::string& key) { return R().Bool(n, key); }

// `schedule: "daily 02:00"` (common/schedule.h), or the older keys `every: 1h`
// (+ run_at_start) and `daily_at: "02:00"`; exactly one of the three.
Result<Schedule> ParseJobSchedule(const YAML::Node& n, const std::string& at) {
  int given = static_cast<int>(static_cast<bool>(n["schedule"])) +
              static_cast<int>(static_cast<bool>(n["every"])) +
              static_cast<int>(static_cast<bool>(n["daily_at"]));
  if (given != 1) {
    return Bad(at, "give exactly one of schedule (e.g. \"daily 02:00\", \"every 1h\"), every or "
                   "daily_at");
  }
  Schedule sch;
  if (n["schedule"]) {
    ASSIGN_OR_RETURN(std::string t, Str(n["schedule"], at + ".schedule"));
    Result<Schedule> parsed = ParseSchedule(t);
    if (!parsed.ok()) return Bad(at + ".schedule", parsed.status().message());
    if (parsed->kind == Schedule::Kind::kNever) {
      return Bad(at + ".schedule", "\"" + t + "\" never runs; run it with POST /api/jobs/run "
                                   "instead of scheduling it");
    }
    sch = *parsed;
  } else if (n["every"]) {
    sch.kind = Schedule::Kind::kInterval;
    ASSIGN_OR_RETURN(sch.interval_ms, Duration(n["every"], at + ".every"));
    if (sch.interval_ms <= 0) return Bad(at + ".every", "must be positive");
  } else {
    sch.kind = Schedule::Kind::kDaily;
    ASSIGN_OR_RETURN(std::string t, Str(n["daily_at"], at + ".daily_at"));
    Result<int64_t> ms = ParseTimeOfDay(t);
    if (!ms.ok()) return Bad(at + ".daily_at", ms.status().message());
    sch.daily_at_ms = *ms;
  }
  if (n["run_at_start"]) {
    if (sch.kind != Schedule::Kind::kInterval) {
      return Bad(at + ".run_at_start", "only for interval schedules (every)");
    }
    ASSIGN_OR_RETURN(sch.run_at_start, Bool(n["run_at_start"], at + ".run_at_start"));
  }
  return sch;
}

Result<JobConfig> ParseJob(const YAML::Node& n, size_t i) {
  const std::string at = "jobs[" + std::to_string(i) + "]";
  RETURN_IF_ERROR(CheckKeys(
      n, at,
      {"name", "type", "table", "schedule", "every", "daily_at", "run_at_start", "retention",
       "archive_table", "older_than", "partition_column", "recent", "zorder_by",
       "target_file_size"}));
  JobConfig j;
  if (!n["type"]) return Bad(at + ".type", "required (vacuum, log_cleanup or checkpoint)");
  ASSIGN_OR_RETURN(j.type, Str(n["type"], at + ".type"));
  if (j.type != "vacuum" && j.type != "log_cleanup" && j.type != "checkpoint" &&
      j.type != "archive" && j.type != "optimize") {
    return Bad(at + ".type",
               "'" + j.type + "' is not vacuum, log_cleanup, checkpoint, archive or optimize");
  }
  auto only = [&](const char* key, const char* type) -> Status {
    if (n[key] && j.type != type)
      return Bad(at + "." + key, std::string("only for ") + type + " jobs");
    return Status::OK();
  };
  RETURN_IF_ERROR(only("archive_table", "archive"));
  RETURN_IF_ERROR(only("older_than", "archive"));
  RETURN_IF_ERROR(only("recent", "optimize"));
  RETURN_IF_ERROR(only("zorder_by", "optimize"));
  RETURN_IF_ERROR(only("target_file_size", "optimize"));
  if (j.type == "archive") {
    if (!n["archive_table"]) return Bad(at + ".archive_table", "required for archive jobs");
    ASSIGN_OR_RETURN(j.archive_table, Str(n["archive_table"], at + ".archive_table"));
    if (n["older_than"]) {
      ASSIGN_OR_RETURN(j.older_than_ms, Duration(n["older_than"], at + ".older_than"));
    }
  }
  if (n["partition_column"]) {
    ASSIGN_OR_RETURN(j.partition_column, Str(n["partition_column"], at + ".partition_column"));
  }
  if (n["recent"]) {
    ASSIGN_OR_RETURN(j.recent_ms, Duration(n["recent"], at + ".recent"));
  }
  if (n["zorder_by"]) {
    ASSIGN_OR_RETURN(j.zorder_by, R().StringList(n["zorder_by"], at + ".zorder_by"));
  }
  if (n["target_file_size"]) {
    ASSIGN_OR_RETURN(j.target_file_size, R().Size(n["target_file_size"], at + ".target_file_size"));
    if (j.target_file_size <= 0) return Bad(at + ".target_file_size", "must be positive");
  }
  if (!n["table"]) return Bad(at + ".table", "required");
  ASSIGN_OR_RETURN(j.table, Str(n["table"], at + ".table"));
  if (n["name"]) {
    ASSIGN_OR_RETURN(j.name, Str(n["name"], at + ".name"));
  } else {
    j.name = j.type + ":" + j.table;
  }
  ASSIGN_OR_RETURN(j.schedule, ParseJobSchedule(n, at));
  if (n["retention"]) {
    if (j.type != "vacuum" && j.type != "log_cleanup") {
      return Bad(at + ".retention", "only for vacuum and log_cleanup jobs");
    }
    ASSIGN_OR_RETURN(int64_t r, Duration(n["retention"], at + ".retention"));
    j.retention_ms = r;
  }
  return j;
}

Result<std::string> Secret(const YAML::Node& n, const std::string& at, const std::string& key) {
  if (n[key]) return Str(n[key], at + "." + key);
  if (n[key + "_env"]) {
    ASSIGN_OR_RETURN(std::string var, Str(n[key + "_env"], at + "." + key + "_env"));
    Result<std::string> v = io::CredentialResolver().Secret("the " + key, var);
    if (!v.ok()) return Bad(at + "." + key + "_env", v.status().message());
    return v;
  }
  return std::string();
}

Status ParseNotify(const YAML::Node& n, notify::NotifierOptions* o) {
  RETURN_IF_ERROR(CheckKeys(n, "notify", {"runbook_url", "min_interval", "email", "webhook"}));
  if (n["runbook_url"]) {
    ASSIGN_OR_RETURN(o->runbook_url, Str(n["runbook_url"], "notify.runbook_url"));
  }
  if (n["min_interval"]) {
    ASSIGN_OR_RETURN(o->min_interval_ms, Duration(n["min_interval"], "notify.min_interval"));
  }
  if (const YAML::Node e = n["email"]) {
    RETURN_IF_ERROR(CheckKeys(e, "notify.email",
                              {"smtp_url", "from", "to", "username", "password", "password_env",
                               "starttls", "insecure_skip_verify"}));
    notify::EmailConfig ec;
    if (!e["smtp_url"]) return Bad("notify.email.smtp_url", "required");
    ASSIGN_OR_RETURN(ec.smtp_url, Str(e["smtp_url"], "notify.email.smtp_url"));
    if (!e["from"]) return Bad("notify.email.from", "required");
    ASSIGN_OR_RETURN(ec.from, Str(e["from"], "notify.email.from"));
    if (!e["to"]) return Bad("notify.email.to", "required: an address or a list of them");
    ASSIGN_OR_RETURN(ec.to, R().StringList(e["to"], "notify.email.to", /*scalar_ok=*/true));
    if (e["username"]) {
      ASSIGN_OR_RETURN(ec.username, Str(e["username"], "notify.email.username"));
    }
    ASSIGN_OR_RETURN(ec.password, Secret(e, "notify.email", "password"));
    if (e["starttls"]) {
      ASSIGN_OR_RETURN(ec.starttls, Bool(e["starttls"], "notify.email.starttls"));
    }
    if (e["insecure_skip_verify"]) {
      ASSIGN_OR_RETURN(ec.insecure_skip_verify,
                       Bool(e["insecure_skip_verify"], "notify.email.insecure_skip_verify"));
    }
    o->email = std::move(ec);
  }
  if (const YAML::Node w = n["webhook"]) {
    RETURN_IF_ERROR(CheckKeys(w, "notify.webhook", {"url", "url_env"}));
    if (!w["url"] == !w["url_env"]) {
      return Bad("notify.webhook.url",
                 "give exactly one of url and url_env (the variable, or secrets-file entry, "
                 "holding the URL: its path is the secret)");
    }
    notify::WebhookConfig wc;
    ASSIGN_OR_RETURN(wc.url, Secret(w, "notify.webhook", "url"));
    o->webhook = std::move(wc);
  }
  return Status::OK();
}

}  // namespace

Result<ServeConfig> ParseServeConfig(std::string_view yaml, const std::string& base_dir,
                                     io::FileSystem* fs) {
  ASSIGN_OR_RETURN(YAML::Node root, io::LoadYaml(yaml, "serve config"));
  RETURN_IF_ERROR(CheckKeys(
      root, "",
      {"pipeline", "state_dir", "refresh", "collect", "http", "log", "stream", "run_log", "jobs", "notify"}));
  ServeConfig c;
  if (root["pipeline"]) {
    ASSIGN_OR_RETURN(std::string p, Str(root["pipeline"], "pipeline"));
    if (!p.empty() && p[0] != '/' && !base_dir.empty()) p = base_dir + "/" + p;
    Result<stream::PipelineConfig> pc = stream::LoadPipelineConfig(p, fs);
    if (!pc.ok()) return pc.status().WithContext("serve config: pipeline " + p);
    if (pc->source.uses_embedded_broker()) {
      return Status::InvalidArgument(
          "serve config: pipeline " + p +
          ": source.embedded: serve does not run the embedded mock broker (dev only, its data "
          "lives only as long as the process); name the Kafka brokers (source.brokers) or "
          "source.event_hubs");
    }
    c.pipeline = std::move(*pc);
  }
  if (root["collect"]) {
    ASSIGN_OR_RETURN(c.collect, Str(root["collect"], "collect"));
    if (c.collect.empty()) return Bad("collect", "must name the collector's config file");
    if (c.collect[0] != '/' && !base_dir.empty()) c.collect = base_dir + "/" + c.collect;
  }
  if (root["refresh"]) {
    ASSIGN_OR_RETURN(c.refresh, Str(root["refresh"], "refresh"));
    if (c.refresh.empty()) return Bad("refresh", "must name the refresh config file");
    if (c.refresh[0] != '/' && !base_dir.empty()) c.refresh = base_dir + "/" + c.refresh;
  }
  if (!root["state_dir"]) return Bad("state_dir", "required (the run log lives there)");
  ASSIGN_OR_RETURN(c.state_dir, Str(root["state_dir"], "state_dir"));
  if (root["http"]) {
    ASSIGN_OR_RETURN(c.http, Str(root["http"], "http"));
  }
  if (const YAML::Node l = root["log"]) {
    RETURN_IF_ERROR(CheckKeys(l, "log", {"format", "level"}));
    if (l["format"]) {
      ASSIGN_OR_RETURN(std::string f, Str(l["format"], "log.format"));
      c.log_format = ParseLogFormat(f);
      if (!c.log_format) return Bad("log.format", "'" + f + "' is not json or text");
    }
    if (l["level"]) {
      ASSIGN_OR_RETURN(std::string v, Str(l["level"], "log.level"));
      c.log_level = ParseLogLevel(v);
      if (!c.log_level) return Bad("log.level", "'" + v + "' is not debug, info, warn or error");
    }
  }
  if (const YAML::Node s = root["stream"]) {
    RETURN_IF_ERROR(
        CheckKeys(s, "stream", {"restart", "max_commit_age", "lag_interval", "generate"}));
    if (s["generate"]) {
      // It fed the embedded broker, which serve no longer runs; against a real
      // broker every stream restart would produce the events again.
      return Bad("stream.generate",
                 "no longer supported: serve ingests from a real broker only; produce test "
                 "events with `lakestream generate --topic T --brokers B`");
    }
    if (const YAML::Node r = s["restart"]) {
      RETURN_IF_ERROR(CheckKeys(r, "stream.restart",
                                {"initial_backoff", "max_backoff", "jitter", "reset_after"}));
      if (r["initial_backoff"]) {
        ASSIGN_OR_RETURN(c.restart.initial_backoff_ms,
                         Duration(r["initial_backoff"], "stream.restart.initial_backoff"));
      }
      if (r["max_backoff"]) {
        ASSIGN_OR_RETURN(c.restart.max_backoff_ms,
                         Duration(r["max_backoff"], "stream.restart.max_backoff"));
      }
      if (r["jitter"]) {
        ASSIGN_OR_RETURN(c.restart.jitter, Double(r["jitter"], "stream.restart.jitter"));
        if (c.restart.jitter < 0 || c.restart.jitter >= 1) {
          return Bad("stream.restart.jitter", "must be in [0, 1)");
        }
      }
      if (r["reset_after"]) {
        ASSIGN_OR_RETURN(c.restart.reset_after_ms,
                         Duration(r["reset_after"], "stream.restart.reset_after"));
      }
      if (c.restart.initial_backoff_ms <= 0 ||
          c.restart.max_backoff_ms < c.restart.initial_backoff_ms) {
        return Bad("stream.restart", "need 0 < initial_backoff <= max_backoff");
      }
    }
    if (s["max_commit_age"]) {
      ASSIGN_OR_RETURN(c.max_commit_age_ms, Duration(s["max_commit_age"], "stream.max_commit_age"));
    }
    if (s["lag_interval"]) {
      ASSIGN_OR_RETURN(c.lag_interval_ms, Duration(s["lag_interval"], "stream.lag_interval"));
      if (c.lag_interval_ms <= 0) return Bad("stream.lag_interval", "must be positive");
    }
  }
  if (const YAML::Node r = root["run_log"]) {
    RETURN_IF_ERROR(CheckKeys(r, "run_log", {"keep", "group_rows", "group_interval"}));
    if (r["keep"]) {
      ASSIGN_OR_RETURN(c.run_log_keep_ms, Duration(r["keep"], "run_log.keep"));
    }
    if (r["group_rows"]) {
      ASSIGN_OR_RETURN(c.run_log_group_rows, Int(r["group_rows"], "run_log.group_rows"));
      if (c.run_log_group_rows <= 0) return Bad("run_log.group_rows", "must be positive");
    }
    if (r["group_interval"]) {
      ASSIGN_OR_RETURN(c.run_log_group_ms, Duration(r["group_interval"], "run_log.group_interval"));
    }
  }
  if (const YAML::Node j = root["jobs"]) {
    if (!j.IsSequence()) return Bad("jobs", "expected a list");
    std::set<std::string> names;
    for (size_t i = 0; i < j.size(); ++i) {
      ASSIGN_OR_RETURN(JobConfig jc, ParseJob(j[i], i));
      if (!names.insert(jc.name).second)
        return Bad("jobs[" + std::to_string(i) + "].name", "duplicate '" + jc.name + "'");
      c.jobs.push_back(std::move(jc));
    }
  }
  if (const YAML::Node n = root["notify"]) RETURN_IF_ERROR(ParseNotify(n, &c.notify));
  return c;
}

Result<ServeConfig> LoadServeConfig(const std::string& path, io::FileSystem* fs) {
  ASSIGN_OR_RETURN(std::string text, io::ReadConfigFile(fs, path));
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  Result<ServeConfig> c = ParseServeConfig(text, dir, fs);
  if (!c.ok()) return c.status().WithContext(path);
  return c;
}

}  // namespace lakestream::serve
