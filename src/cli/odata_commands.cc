// `lakestream sources add|list|disable|enable` and `lakestream load`: the OData
// metadata store and loads (src/odata). Thin: the work is in the library.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/redact.h"
#include "odata/dataflow.h"
#include "odata/load_job.h"
#include "odata/metadata_store.h"

namespace lakestream::cli {
namespace {

std::string DefaultStore() {
  const char* env = std::getenv("LAKESTREAM_METADATA");
  return env ? env : "lakestream_meta.db";
}

nlohmann::json SourceJson(const odata::SourceConfig& s) {
  return {{"id", s.id},
          {"service_url", Redact(s.service_url)},  // rows added before URLs were checked
          {"entity_set", s.entity_set},
          {"odata_version", s.version == odata::ODataVersion::kV2 ? "v2" : "v4"},
          {"filter", s.filter},
          {"select", s.select},
          {"page_size", s.page_size},
          {"paging", s.paging == odata::PagingMode::kClient ? "client" : "server"},
          {"top", s.top},
          {"skip", s.skip},
          {"target_table", s.target_table},
          {"change_capture", s.change_capture},
          {"change_capture_column", s.change_capture_column},
          {"key_columns", s.key_columns},
          {"active", s.active},
          {"schedule", s.schedule},
          {"credential", s.credential},
          {"load_attempts", s.load_attempts}};
}

nlohmann::json ReportJson(const odata::LoadReport& r, const std::string& source) {
  return {{"source", source},
          {"run_id", r.run_id},
          {"succeeded", r.succeeded},
          {"mode", r.mode},
          {"error", r.error},
          {"rows_read", r.rows_read},
          {"rows_upserted", r.rows_upserted},
          {"rows_deleted", r.rows_deleted},
          {"rows_quarantined", r.rows_quarantined},
          {"pages", r.pages},
          {"http_retries", r.http_retries},
          {"attempts", r.attempts},
          {"silver_version", r.silver_version},
          {"watermark", r.watermark}};
}

struct SourceArgs {
  odata::SourceConfig s;
  std::string version = "v4", paging = "server", keys, select;
};

}  // namespace

void AddODataCommands(CLI::App& app) {
  auto store_url = std::make_shared<std::string>(DefaultStore());
  auto* sources = app.add_subcommand("sources", "manage OData sources in the metadata store");
  sources->require_subcommand(1);
  sources->add_option("--store", *store_url,
                      "metadata store: sqlite:PATH, PATH or postgresql://... "
                      "(default $LAKESTREAM_METADATA or lakestream_meta.db)");

  auto a = std::make_shared<SourceArgs>();
  auto* add = sources->add_subcommand("add", "add a source (one OData entity set)");
  add->add_option("id", a->s.id, "source id")->required();
  add->add_option("--url", a->s.service_url, "service root URL")->required();
  add->add_option("--entity-set", a->s.entity_set, "entity set name")->required();
  add->add_option("--target", a->s.target_table, "silver Delta table path")->required();
  add->add_option("--keys", a->keys, "key columns, comma-separated")->required();
  add->add_option("--odata-version", a->version, "v4 or v2")->check(CLI::IsMember({"v4", "v2"}));
  add->add_option("--filter", a->s.filter, "$filter");
  add->add_option("--select", a->select, "$select, comma-separated");
  add->add_option("--page-size", a->s.page_size, "rows per page");
  add->add_option("--paging", a->paging, "server (next links) or client ($top/$skip)")
      ->check(CLI::IsMember({"server", "client"}));
  add->add_option("--top", a->s.top, "load at most this many rows");
  add->add_option("--skip", a->s.skip, "skip this many rows");
  add->add_option("--change-column", a->s.change_capture_column,
                  "change-capture column: enables incremental loads");
  add->add_option("--schedule", a->s.schedule, "schedule text (e.g. \"daily 02:00\")");
  add->add_option("--credential", a->s.credential, "credential name (env or secrets file)");
  add->add_option("--load-attempts", a->s.load_attempts, "whole-load attempts");
  add->add_flag(
      "--inactive", [a](int64_t) { a->s.active = false; }, "add disabled");
  add->callback([a, store_url] {
    a->s.version = a->version == "v2" ? odata::ODataVersion::kV2 : odata::ODataVersion::kV4;
    a->s.paging = a->paging == "client" ? odata::PagingMode::kClient : odata::PagingMode::kServer;
    a->s.key_columns = SplitCommas(a->keys);
    a->s.select = SplitCommas(a->select);
    a->s.change_capture = !a->s.change_capture_column.empty();
    auto store = odata::MetadataStore::Open(*store_url);
    if (!store.ok()) return Fail(store.status());
    Status s = (*store)->AddSource(a->s);
    if (!s.ok()) return Fail(s);
    std::cout << "added source " << a->s.id << "\n";
  });

  auto* list = sources->add_subcommand("list", "list sources as NDJSON");
  list->callback([store_url] {
    auto store = odata::MetadataStore::Open(*store_url);
    if (!store.ok()) return Fail(store.status());
    auto all = (*store)->ListSources();
    if (!all.ok()) return Fail(all.status());
    for (const auto& s : *all) {
      nlohmann::json j = SourceJson(s);
      auto wm = (*store)->GetWatermark(s.id);
      if (wm.ok() && wm->has_value()) j["watermark"] = **wm;
      std::cout << j.dump() << "\n";
    }
  });

  for (bool enable : {false, true}) {
    auto id = std::make_shared<std::string>();
    auto* cmd = sources->add_subcommand(enable ? "enable" : "disable",
                                        enable ? "mark a source active" : "mark a source inactive");
    cmd->add_option("id", *id, "source id")->required();
    cmd->callback([id, store_url, enable] {
      auto store = odata::MetadataStore::Open(*store_url);
      if (!store.ok()) return Fail(store.status());
      Status s = (*store)->SetActive(*id, enable);
      if (!s.ok()) return Fail(s);
      std::cout << (enable ? "enabled " : "disabled ") << *id << "\n";
    });
  }

  auto* runs = sources->add_subcommand("runs", "list recent load runs as NDJSON");
  auto runs_source = std::make_shared<std::string>();
  auto runs_limit = std::make_shared<int>(20);
  runs->add_option("--source", *runs_source, "only this source");
  runs->add_option("--limit", *runs_limit, "at most this many runs");
  runs->callback([store_url, runs_source, runs_limit] {
    auto store = odata::MetadataStore::Open(*store_url);
    if (!store.ok()) return Fail(store.status());
    auto all = (*store)->ListRuns(*runs_source, *runs_limit);
    if (!all.ok()) return Fail(all.status());
    for (const auto& r : *all) {
      std::cout << nlohmann::json{{"id", r.id},
                                  {"source", r.source_id},
                                  {"state", std::string(odata::RunStateName(r.state))},
                                  {"reason", r.reason},
                                  {"mode", r.mode},
                                  {"rows_read", r.rows_read},
                                  {"rows_written", r.rows_written},
                                  {"rows_quarantined", r.rows_quarantined},
                                  {"attempt", r.attempt}}
                       .dump()
                << "\n";
    }
  });

  struct LoadArgs {
    std::string store = DefaultStore(), source;
    bool all = false, full = false;
    int64_t backoff_ms = 500;
    int64_t timeout_ms = 60000;
  };
  auto l = std::make_shared<LoadArgs>();
  auto* load = app.add_subcommand("load", "load OData sources into Delta (bronze/silver)");
  load->add_option("--store", l->store, "metadata store (as `sources --store`)");
  load->add_option("--source", l->source, "the source to load");
  load->add_flag("--all", l->all, "every active source");
  load->add_flag("--full", l->full, "ignore the watermark: full load");
  load->add_option("--retry-backoff-ms", l->backoff_ms, "initial HTTP retry backoff");
  load->add_option("--http-timeout-ms", l->timeout_ms, "per-request timeout");
  load->callback([l] {
    if (l->all == !l->source.empty()) {
      return Fail(Status::InvalidArgument("load: give exactly one of --source ID and --all"));
    }
    auto store = odata::MetadataStore::Open(l->store);
    if (!store.ok()) return Fail(store.status());
    std::vector<odata::SourceConfig> todo;
    if (l->all) {
      auto all = (*store)->ListSources(true);
      if (!all.ok()) return Fail(all.status());
      todo = *all;
    } else {
      auto s = (*store)->GetSource(l->source);
      if (!s.ok()) return Fail(s.status());
      todo.push_back(*s);
    }
    auto http = odata::MakeCurlHttpClient();
    odata::LoadOptions o;
    o.force_full = l->full;
    o.retry.initial_backoff_ms = l->backoff_ms;
    o.request_timeout_ms = l->timeout_ms;
    o.whole_load_backoff_ms = l->backoff_ms;
    o.progress = [](int64_t run, const std::string& note) {
      std::fprintf(stderr, "load: run %lld: %s\n", static_cast<long long>(run), note.c_str());
    };
    bool failed = false;
    for (const auto& s : todo) {
      auto r = odata::RunLoad(**store, *http, s, 0, o);
      if (!r.ok()) return Fail(r.status());
      std::cout << ReportJson(*r, s.id).dump() << "\n";
      failed = failed || !r->succeeded;
    }
    if (failed) Fail(Status::Unavailable("load: at least one source failed (see runs)"));
  });

  auto cfg = std::make_shared<std::string>();
  auto only = std::make_shared<std::string>();
  auto* transform = app.add_subcommand("transform", "run dataflows: gold tables from silver");
  transform->add_option("--config", *cfg, "dataflow config (JSON)")->required();
  transform->add_option("--name", *only, "run only this dataflow");
  transform->callback([cfg, only] {
    auto flows = odata::LoadDataflows(*cfg);
    if (!flows.ok()) return Fail(flows.status());
    for (const auto& f : *flows) {
      if (!only->empty() && f.name != *only) continue;
      auto r = odata::RunDataflow(f);
      if (!r.ok()) return Fail(r.status());
      std::cout << nlohmann::json{{"dataflow", f.name},
                                  {"rows_in", r->rows_in},
                                  {"rows_out", r->rows_out},
                                  {"version", r->version}}
                       .dump()
                << "\n";
    }
  });
}

}  // namespace lakestream::cli
