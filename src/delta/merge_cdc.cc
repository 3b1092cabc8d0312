// SCD type 1 and type 2 resolvers for the merge engine (delta/merge.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "delta/merge.h"
#include "delta/merge_internal.h"

namespace lakestream::delta {
namespace {

using parquet::CompareValues;
using merge_internal::FieldIndex;
using merge_internal::KeyOutcome;
using merge_internal::Resolver;
using merge_internal::SourceRow;
using merge_internal::KeyName;
using parquet::Value;

Status NullSequence(const std::string& table, const std::string& column, const std::string& key) {
  return Status::InvalidArgument("merge: " + table + ": source row (" + key +
                                 ") has a null sequence column " + column);
}

merge_internal::EngineSpec CdcEngineSpec(const LogStore& store, const CdcSpec& spec,
                                         const char* mode) {
  merge_internal::EngineSpec es;
  es.table = store.table_root();
  es.keys = spec.keys;
  es.source_columns = spec.source_columns;
  es.delete_column = spec.delete_column;
  es.parameters = {{"mergeKeys", nlohmann::json(spec.keys).dump()},
                   {"mode", mode},
                   {"sequenceBy", spec.sequence_by}};
  return es;
}

// The columns an event copies onto a version: those the source has, minus
// `skip`.
void ApplyColumns(const SourceRow& s, const std::vector<int>& cols, Value* row) {
  for (int i : cols) {
    if (s.present[i]) row->items[i] = s.row.items[i];
  }
}

}  // namespace

Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store, const std::vector<Value>& source,
                              const CdcSpec& spec, const MergeOptions& options) {
  return MergeScd1(std::move(store), merge_internal::SourceRows{&source, nullptr}, spec, options);
}

Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store, std::vector<Value>&& source,
                              const CdcSpec& spec, const MergeOptions& options) {
  return MergeScd1(std::move(store), merge_internal::SourceRows{&source, &source}, spec, options);
}

Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                              const CdcSpec& spec, const MergeOptions& options) {
  merge_internal::EngineSpec es = CdcEngineSpec(*store, spec, "scd1");
  const std::string table = es.table;
  auto factory = [&spec, table](const Snapshot& snap) -> Result<Resolver> {
    ASSIGN_OR_RETURN(int seq,
                     FieldIndex(snap.schema(), spec.sequence_by, "sequence column", table));
    std::vector<int> cols;
    for (size_t i = 0; i < snap.schema().fields.size(); ++i) cols.push_back(static_cast<int>(i));
    return Resolver(
        [seq, cols, table, &spec](const KeyName& key, std::vector<Value> target,
                                  const std::vector<const SourceRow*>& src) -> Result<KeyOutcome> {
          KeyOutcome o;
          const SourceRow* best = nullptr;
          for (const SourceRow* s : src) {
            if (s->row.items[seq].is_null()) return NullSequence(table, spec.sequence_by, key());
            if (!best || CompareValues(s->row.items[seq], best->row.items[seq]) >= 0) best = s;
          }
          if (!best) return o;
          const Value* cur = nullptr;
          for (const auto& t : target) {
            if (!cur || CompareValues(t.items[seq], cur->items[seq]) > 0) cur = &t;
          }
          if (cur && CompareValues(best->row.items[seq], cur->items[seq]) <= 0) return o;  // stale
          if (best->is_delete) {
            if (target.empty()) return o;
            o.changed = true;
            o.deleted = static_cast<int64_t>(target.size());
            return o;
          }
          Value row = cur ? *cur : Value::Struct(std::vector<Value>(best->row.items.size()));
          ApplyColumns(*best, cols, &row);
          o.changed = true;
          if (cur) {
            o.updated = 1;
            o.deleted = static_cast<int64_t>(target.size()) - 1;
          } else {
            o.inserted = 1;
          }
          o.rows.push_back(std::move(row));
          return o;
        });
  };
  return merge_internal::RunMerge(std::move(store), source, es, factory, options);
}

Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store, const std::vector<Value>& source,
                              const CdcSpec& spec, const MergeOptions& options) {
  return MergeScd2(std::move(store), merge_internal::SourceRows{&source, nullptr}, spec, options);
}

Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store, std::vector<Value>&& source,
                              const CdcSpec& spec, const MergeOptions& options) {
  return MergeScd2(std::move(store), merge_internal::SourceRows{&source, &source}, spec, options);
}

Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                              const CdcSpec& spec, const MergeOptions& options) {
  merge_internal::EngineSpec es = CdcEngineSpec(*store, spec, "scd2");
  const std::string table = es.table;
  auto factory = [&spec, table](const Snapshot& snap) -> Result<Resolver> {
    const DeltaType& schema = snap.schema();
    ASSIGN_OR_RETURN(int seq, FieldIndex(schema, spec.sequence_by, "sequence column", table));
    ASSIGN_OR_RETURN(int from, FieldIndex(schema, spec.valid_from, "valid_from column", table));
    ASSIGN_OR_RETURN(int to, FieldIndex(schema, spec.valid_to, "valid_to column", table));
    ASSIGN_OR_RETURN(int cur, FieldIndex(schema, spec.is_current, "is_current column", table));
    if (schema.fields[cur].type.kind != DeltaType::Kind::kBoolean ||
        !(schema.fields[from].type == schema.fields[seq].type) ||
        !(schema.fields[to].type == schema.fields[seq].type)) {
      return Status::InvalidArgument("merge: " + table + ": " + spec.is_current +
                                     " must be boolean and " + spec.valid_from + "/" +
                                     spec.valid_to + " of the type of " + spec.sequence_by);
    }
    std::vector<bool> is_key(schema.fields.size(), false);
    for (const auto& k : spec.keys) {
      ASSIGN_OR_RETURN(int i, FieldIndex(schema, k, "key column", table));
      is_key[i] = true;
    }
    std::vector<int> data;  // columns events write (not history columns)
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      int ii = static_cast<int>(i);
      if (ii != from && ii != to && ii != cur) data.push_back(ii);
    }
    std::vector<int> tracked;
    if (spec.track_columns.empty()) {
      for (int i : data) {
        if (i != seq && !is_key[i]) tracked.push_back(i);
      }
    } else {
      for (const auto& c : spec.track_columns) {
        ASSIGN_OR_RETURN(int i, FieldIndex(schema, c, "tracked column", table));
        tracked.push_back(i);
      }
    }
    std::vector<int> untracked;
    for (int i : data) {
      if (std::find(tracked.begin(), tracked.end(), i) == tracked.end()) untracked.push_back(i);
    }
    return Resolver([=, &spec](const KeyName& key, std::vector<Value> target,
                               const std::vector<const SourceRow*>& src) -> Result<KeyOutcome> {
      KeyOutcome o;
      // Versions sorted by valid_from; orig[i] is the target row it came from or -1.
      std::vector<std::pair<Value, int>> vers;
      for (size_t i = 0; i < target.size(); ++i) vers.push_back({target[i], static_cast<int>(i)});
      auto by_from = [&](const auto& a, const auto& b) {
        return CompareValues(a.first.items[from], b.first.items[from]) < 0;
      };
      std::sort(vers.begin(), vers.end(), by_from);
      std::vector<const SourceRow*> events;
      for (const SourceRow* s : src) {
        if (s->row.items[seq].is_null()) return NullSequence(table, spec.sequence_by, key());
        events.push_back(s);
      }
      std::stable_sort(events.begin(), events.end(), [&](const SourceRow* a, const SourceRow* b) {
        return CompareValues(a->row.items[seq], b->row.items[seq]) < 0;
      });
      for (size_t ei = 0; ei < events.size(); ++ei) {
        const SourceRow& e = *events[ei];
        if (ei + 1 < events.size() &&
            CompareValues(events[ei + 1]->row.items[seq], e.row.items[seq]) == 0) {
          continue;  // same sequence in the batch: the later row wins
        }
        const Value& s = e.row.items[seq];
        bool applied = false;
        for (const auto& v : vers) {
          if (CompareValues(v.first.items[from], s) == 0) applied = true;
        }
        if (applied) continue;  // replay of an event that starts a version
        int covering = -1;
        int next = -1;
        for (size_t i = 0; i < vers.size(); ++i) {
          const Value& vf = vers[i].first.items[from];
          const Value& vt = vers[i].first.items[to];
          if (CompareValues(vf, s) < 0 && (vt.is_null() || CompareValues(s, vt) < 0)) {
            covering = static_cast<int>(i);
          }
          if (next < 0 && CompareValues(vf, s) > 0) next = static_cast<int>(i);
        }
        if (e.is_delete) {
          // Closes the version covering the delete (the current one when in order).
          if (covering < 0) continue;
          Value& c = vers[covering].first;
          c.items[to] = s;
          c.items[cur] = Value::Bool(false);
          continue;
        }
        if (covering >= 0) {
          Value& c = vers[covering].first;
          bool same = true;
          for (int i : tracked) {
            if (e.present[i] && !(c.items[i] == e.row.items[i])) same = false;
          }
          if (same) {
            // Untracked change: in place, unless the version already holds a
            // newer (or this) event.
            if (CompareValues(s, c.items[seq]) > 0) ApplyColumns(e, untracked, &c);
            continue;
          }
          // Split at s. When the covering version already folded in a newer
          // event (its sequence value v is past s), that event had the old
          // tracked values: the event's version runs [s, v) and the old
          // values resume at v; the covering version keeps v as its
          // sequence value (an upper bound, so replays of what it folded in
          // stay no-ops).
          const Value v = c.items[seq];
          bool resume = CompareValues(v, s) > 0 &&
                        (c.items[to].is_null() || CompareValues(v, c.items[to]) < 0);
          Value n = c;
          ApplyColumns(e, data, &n);
          n.items[from] = s;
          Value rest = c;
          rest.items[from] = v;
          n.items[to] = resume ? v : c.items[to];
          n.items[cur] = resume ? Value::Bool(false) : c.items[cur];
          c.items[to] = s;
          c.items[cur] = Value::Bool(false);
          vers.insert(vers.begin() + covering + 1, {std::move(n), -1});
          if (resume) vers.insert(vers.begin() + covering + 2, {std::move(rest), -1});
          continue;
        }
        if (next >= 0) {
          Value& nx = vers[next].first;
          bool same = true;
          for (int i : tracked) {
            if (e.present[i] && !(nx.items[i] == e.row.items[i])) same = false;
          }
          if (same) {  // the next version simply started earlier
            nx.items[from] = s;
            continue;
          }
          Value n = Value::Struct(std::vector<Value>(e.row.items.size()));
          ApplyColumns(e, data, &n);
          n.items[from] = s;
          n.items[to] = nx.items[from];
          n.items[cur] = Value::Bool(false);
          vers.insert(vers.begin() + next, {std::move(n), -1});
          continue;
        }
        Value n = Value::Struct(std::vector<Value>(e.row.items.size()));
        ApplyColumns(e, data, &n);
        n.items[from] = s;
        n.items[to] = Value::Null();
        n.items[cur] = Value::Bool(true);
        vers.push_back({std::move(n), -1});
      }
      // Adjacent versions with equal tracked columns (a late event can end
      // one where the next begins) become one.
      for (size_t i = 1; i < vers.size();) {
        Value& p = vers[i - 1].first;
        const Value& n = vers[i].first;
        bool same = !p.items[to].is_null() && CompareValues(p.items[to], n.items[from]) == 0;
        for (int c : tracked) {
          if (!(p.items[c] == n.items[c])) same = false;
        }
        if (!same) {
          ++i;
          continue;
        }
        if (CompareValues(n.items[seq], p.items[seq]) >= 0) {
          for (int c : untracked) p.items[c] = n.items[c];
        }
        p.items[to] = n.items[to];
        p.items[cur] = n.items[cur];
        if (vers[i - 1].second < 0 && vers[i].second >= 0)
          std::swap(vers[i - 1].second, vers[i].second);
        vers.erase(vers.begin() + static_cast<std::ptrdiff_t>(i));
      }
      int64_t kept = 0;
      for (auto& [row, orig] : vers) kept += orig >= 0;
      o.deleted = static_cast<int64_t>(target.size()) - kept;
      for (auto& [row, orig] : vers) {
        if (orig < 0) {
          ++o.inserted;
        } else if (!(row == target[orig])) {
          ++o.updated;
        }
      }
      o.changed = o.inserted > 0 || o.updated > 0 || o.deleted > 0;
      for (auto& v : vers) o.rows.push_back(std::move(v.first));
      return o;
    });
  };
  return merge_internal::RunMerge(std::move(store), source, es, factory, options);
}

}  // namespace lakestream::delta
