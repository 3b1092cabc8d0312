#include "delta/merge.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "common/time_format.h"
#include "delta/change_data.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/merge_internal.h"
#include "delta/predicate.h"
#include "delta/row_reader.h"

namespace lakestream::delta {
namespace merge_internal {
namespace {

using parquet::Value;
using VK = parquet::Value::Kind;
using DK = DeltaType::Kind;

// Appends a nested value faithfully: a tag per kind, lengths before
// variable-size parts, nulls as their own tag, so two values encode alike
// exactly when they are equal (numbers: -0.0 as 0.0, one NaN).
void AppendValue(const Value& v, std::string* out) {
  auto raw = [out](const void* p, size_t n) { out->append(static_cast<const char*>(p), n); };
  switch (v.kind) {
    case VK::kNull:
      out->push_back('n');
      return;
    case VK::kInt32:
    case VK::kInt64: {
      int64_t x = v.kind == VK::kInt32 ? v.i32 : v.i64;
      out->push_back('i');
      raw(&x, sizeof x);
      return;
    }
    case VK::kBool:
      out->push_back(v.b ? 'T' : 'F');
      return;
    case VK::kFloat:
    case VK::kDouble: {
      double d = v.kind == VK::kFloat ? v.f32 : v.f64;
      if (d == 0) d = 0.0;  // -0.0 == 0.0
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      out->push_back('d');
      raw(&d, sizeof d);
      return;
    }
    case VK::kInt96:
      out->push_back('t');
      raw(&v.i96, sizeof v.i96);
      return;
    case VK::kBytes: {
      uint64_t n = v.bytes.size();
      out->push_back('s');
      raw(&n, sizeof n);
      out->append(v.bytes);
      return;
    }
    case VK::kList:
    case VK::kMap:
    case VK::kStruct: {
      uint64_t n = v.items.size();
      out->push_back(v.kind == VK::kList ? 'L' : v.kind == VK::kMap ? 'M' : 'S');
      raw(&n, sizeof n);
      for (const Value& item : v.items) AppendValue(item, out);
      return;
    }
  }
}

}  // namespace

bool AppendKeyPart(const Value& v, std::string* out) {
  if (v.is_null()) return false;
  AppendValue(v, out);
  return true;
}

bool EncodeKey(const Value& row, const std::vector<int>& idx, std::string* out) {
  out->clear();
  for (int i : idx) {
    if (!AppendKeyPart(row.items[i], out)) return false;
  }
  return true;
}

namespace {

std::string ValueText(const Value& v) {
  switch (v.kind) {
    case VK::kNull:
      return "null";
    case VK::kInt32:
      return std::to_string(v.i32);
    case VK::kInt64:
      return std::to_string(v.i64);
    case VK::kBool:
      return v.b ? "true" : "false";
    case VK::kFloat:
      return std::to_string(v.f32);
    case VK::kDouble:
      return std::to_string(v.f64);
    case VK::kInt96:
      return "int96(" + std::to_string(v.i96.words[2]) + ")";
    case VK::kBytes:
      return v.bytes;
    case VK::kList:
    case VK::kMap:
    case VK::kStruct: {
      std::string s = v.kind == VK::kList ? "[" : "{";
      for (size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + ValueText(v.items[i]);
      return s + (v.kind == VK::kList ? "]" : "}");
    }
  }
  return "?";
}

}  // namespace

std::string KeyText(const DeltaType& schema, const Value& row, const std::vector<int>& idx) {
  std::string s;
  for (int i : idx) {
    if (!s.empty()) s += ", ";
    s += schema.fields[i].name + "=" + ValueText(row.items[i]);
  }
  return s;
}

namespace {

// The literal text of a key value for a predicate, or nullopt when the type
// is not one we filter on.
std::optional<Expr::Literal> KeyLiteral(const DeltaType& t, const Value& v) {
  Expr::Literal lit;
  int64_t x = v.kind == VK::kInt32 ? v.i32 : v.i64;
  bool integral = v.kind == VK::kInt32 || v.kind == VK::kInt64;
  switch (t.kind) {
    case DK::kString:
      if (v.kind != VK::kBytes) return std::nullopt;
      lit.kind = Expr::Literal::Kind::kString;
      lit.text = v.bytes;
      return lit;
    case DK::kLong:
    case DK::kInteger:
    case DK::kShort:
    case DK::kByte:
      if (!integral) return std::nullopt;
      lit.kind = Expr::Literal::Kind::kNumber;
      lit.text = std::to_string(x);
      return lit;
    case DK::kDate:
      if (!integral) return std::nullopt;
      lit.text = FormatDate(x);
      return lit;
    case DK::kTimestamp:
    case DK::kTimestampNtz:
      if (!integral) return std::nullopt;
      lit.text = FormatTimestampMicros(x);
      return lit;
    default:
      return std::nullopt;
  }
}

// Per key column, IN (values) or a [min, max] range; nullopt when no key
// column can be filtered on (then every file is a candidate).
std::optional<Expr> KeyPredicate(const DeltaType& schema, const std::vector<int>& key_idx,
                                 const std::vector<const SourceRow*>& rows) {
  Expr all;
  all.kind = Expr::Kind::kAnd;
  for (int k : key_idx) {
    const StructField& f = schema.fields[k];
    // Distinct values are collected only up to the IN-set limit; past it the range alone.
    std::unordered_map<std::string, const Value*> distinct;
    bool many = false;
    const Value* lo = nullptr;
    const Value* hi = nullptr;
    std::string enc;
    for (const SourceRow* r : rows) {
      const Value* v = &r->row.items[k];
      if (v->is_null()) continue;
      if (!lo || parquet::CompareValues(*v, *lo) < 0) lo = v;
      if (!hi || parquet::CompareValues(*v, *hi) > 0) hi = v;
      if (many) continue;
      enc.clear();
      AppendKeyPart(*v, &enc);
      distinct.emplace(enc, v);
      if (distinct.size() > kMaxInSetValues) {
        many = true;
        distinct.clear();
      }
    }
    if (!lo) continue;
    if (many) {
      auto lo_lit = KeyLiteral(f.type, *lo);
      auto hi_lit = KeyLiteral(f.type, *hi);
      if (!lo_lit || !hi_lit) continue;
      Expr ge, le;
      ge.column = le.column = f.name;
      ge.op = Expr::Op::kGe;
      le.op = Expr::Op::kLe;
      ge.literals = {*lo_lit};
      le.literals = {*hi_lit};
      all.children.push_back(std::move(ge));
      all.children.push_back(std::move(le));
      continue;
    }
    std::vector<std::pair<std::string, const Value*>> sorted(distinct.begin(), distinct.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const Value*> values;
    for (const auto& [e, v] : sorted) values.push_back(v);
    Expr in;
    in.kind = Expr::Kind::kIn;
    in.column = f.name;
    bool ok = true;
    for (const Value* v : values) {
      auto lit = KeyLiteral(f.type, *v);
      if (!lit) {
        ok = false;
        break;
      }
      in.literals.push_back(std::move(*lit));
    }
    if (ok) all.children.push_back(std::move(in));
  }
  if (all.children.empty()) return std::nullopt;
  return all;
}

bool TruthyFlag(const Value& v) {
  if (v.kind == VK::kBool) return v.b;
  if (v.kind == VK::kBytes) {
    std::string s = v.bytes;
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s == "delete" || s == "true";
  }
  return false;
}

// Converts the source into the target's layout.
Status ConvertSource(const DeltaType& schema, const EngineSpec& spec, SourceRows src,
                     std::vector<SourceRow>* out) {
  const std::vector<Value>& source = *src.rows;
  size_t n = schema.fields.size();
  std::vector<int> to_target;  // per source column: table field or -1
  int delete_src = -1;
  if (spec.source_columns.empty()) {
    for (size_t i = 0; i < n; ++i) to_target.push_back(static_cast<int>(i));
  } else {
    for (size_t c = 0; c < spec.source_columns.size(); ++c) {
      const std::string& name = spec.source_columns[c];
      int idx = -1;
      for (size_t i = 0; i < n; ++i) {
        if (schema.fields[i].name == name) idx = static_cast<int>(i);
      }
      if (spec.delete_column && name == *spec.delete_column) delete_src = static_cast<int>(c);
      if (idx < 0 && delete_src != static_cast<int>(c)) {
        return Status::InvalidArgument("merge: " + spec.table + ": source column " + name +
                                       " is not a column of the table");
      }
      to_target.push_back(idx);
    }
  }
  if (spec.delete_column && delete_src < 0) {
    for (size_t c = 0; c < to_target.size(); ++c) {
      int t = to_target[c];
      if (t >= 0 && schema.fields[t].name == *spec.delete_column) delete_src = static_cast<int>(c);
    }
    if (delete_src < 0) {
      return Status::InvalidArgument("merge: " + spec.table + ": delete column " +
                                     *spec.delete_column + " is not a source column");
    }
  }
  out->clear();
  out->reserve(source.size());
  for (size_t r = 0; r < source.size(); ++r) {
    const Value& in = source[r];
    if (in.kind != VK::kStruct || in.items.size() != to_target.size()) {
      return Status::InvalidArgument("merge: " + spec.table + ": source row " + std::to_string(r) +
                                     " has " + std::to_string(in.items.size()) +
                                     " values, expected " + std::to_string(to_target.size()));
    }
    SourceRow s;
    s.row = Value::Struct(std::vector<Value>(n));
    s.present.assign(n, false);
    for (size_t c = 0; c < to_target.size(); ++c) {
      if (static_cast<int>(c) == delete_src) s.is_delete = TruthyFlag(in.items[c]);
      if (to_target[c] < 0) continue;
      if (src.owned) {
        s.row.items[to_target[c]] = std::move((*src.owned)[r].items[c]);
      } else {
        s.row.items[to_target[c]] = in.items[c];
      }
      s.present[to_target[c]] = true;
    }
    if (src.owned) std::vector<Value>().swap((*src.owned)[r].items);
    out->push_back(std::move(s));
  }
  return Status::OK();
}

// The source in the table's layout, kept across attempts.
struct ConvertedSource {
  bool done = false;
  DeltaType schema;  // converted for
  std::vector<SourceRow> rows;
};

// One planned merge and commit against the latest snapshot.
Result<MergeResult> RunOnce(const std::shared_ptr<LogStore>& store, SourceRows source,
                            ConvertedSource* converted, const EngineSpec& spec,
                            const ResolverFactory& make_resolver, const MergeOptions& options,
                            int attempt, std::vector<std::string>* written) {
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), store->table_root()));
  if (options.app_id) {
    std::optional<int64_t> done = snap->TransactionVersion(*options.app_id);
    if (done && *done >= options.app_version) {
      MergeResult skipped;
      skipped.skipped = true;
      skipped.attempts = attempt;
      return skipped;
    }
  }
  const DeltaType& schema = snap->schema();
  std::vector<int> key_idx;
  if (spec.keys.empty()) {
    return Status::InvalidArgument("merge: " + spec.table + ": no key columns");
  }
  for (const auto& k : spec.keys) {
    ASSIGN_OR_RETURN(int i, FieldIndex(schema, k, "key column", spec.table));
    key_idx.push_back(i);
  }
  if (!converted->done || !(converted->schema == schema)) {
    if (converted->done && source.owned) {
      return Status::Conflict("merge: " + spec.table +
                              ": the table's schema changed during the merge, after its source "
                              "rows were consumed; merge them again");
    }
    converted->rows.clear();
    RETURN_IF_ERROR(ConvertSource(schema, spec, source, &converted->rows));
    converted->schema = schema;
    converted->done = true;
  }
  const std::vector<SourceRow>& rows = converted->rows;
  for (size_t i = 0; i < key_idx.size(); ++i) {
    if (!spec.source_columns.empty() && rows.size() > 0 && !rows[0].present[key_idx[i]]) {
      return Status::InvalidArgument("merge: " + spec.table + ": key column " + spec.keys[i] +
                                     " is not a source column");
    }
  }
  ASSIGN_OR_RETURN(Resolver resolve, make_resolver(*snap));

  // Source rows by key; rows with a null key component each stand alone.
  std::unordered_map<std::string, std::vector<const SourceRow*>> by_key;
  by_key.reserve(rows.size());
  std::vector<const SourceRow*> null_keyed;
  std::vector<const SourceRow*> keyed;
  std::string enc;
  for (const auto& r : rows) {
    if (EncodeKey(r.row, key_idx, &enc)) {
      by_key[enc].push_back(&r);
      keyed.push_back(&r);
    } else {
      null_keyed.push_back(&r);
    }
  }

  Transaction txn(store, snap, options.commit);
  std::optional<BoundPredicate> pred;
  bool read_whole = spec.read_all;
  if (!read_whole && !keyed.empty()) {
    std::optional<Expr> e = KeyPredicate(schema, key_idx, keyed);
    if (e) {
      ASSIGN_OR_RETURN(BoundPredicate p,
                       BoundPredicate::Bind(*e, schema, snap->partition_columns()));
      pred = std::move(p);
    } else {
      read_whole = true;
    }
  }
  if (read_whole) {
    txn.ReadWholeTable();
  } else if (pred) {
    txn.ReadPredicate(*pred);
  }

  // The candidate files, in snapshot order; each is read in the passes below.
  struct FileRows {
    const AddFile* add;
    std::vector<Value> rows;     // empty unless kept
    std::vector<bool> replaced;  // row belongs to a key that changed
    bool kept = false;
    bool dirty = false;
    bool counted = false;  // replaced is sized (the file was read once)
    // The file row index of each row read, for files with a deletion vector (without one,
    // a row's position is its index).
    std::vector<uint64_t> row_index;
  };
  struct TargetRow {
    size_t file;
    size_t row;
    Value value;
  };
  std::vector<FileRows> files;
  MergeResult result;
  result.attempts = attempt;
  result.source_rows = static_cast<int64_t>(source.rows->size());
  if (read_whole || pred) {
    for (const AddFile& f : snap->files()) {
      if (!read_whole && pred->EvalFile(f) == Tri::kFalse) continue;
      txn.ReadFile(f.path);
      result.bytes_read += f.size;
      FileRows fr;
      fr.add = &f;
      files.push_back(std::move(fr));
    }
  }
  result.files_read = static_cast<int64_t>(files.size());

  ASSIGN_OR_RETURN(auto writer, TableWriter::Make(store->shared_fs(), store->table_root(), schema,
                                                  snap->partition_columns(), options.writer));
  // With the change data feed on, each changed key's rows go to _change_data too.
  std::unique_ptr<ChangeDataWriter> cdc;
  if (ChangeDataFeedEnabled(snap->metadata())) {
    ASSIGN_OR_RETURN(cdc, ChangeDataWriter::Make(store->shared_fs(), store->table_root(), schema,
                                                 snap->partition_columns(), options.writer));
  }
  std::vector<std::string> dv_paths;  // deletion vector files written
  struct WrittenSync {  // reports the files written on every way out
    TableWriter* w;
    const ChangeDataWriter* cdc;
    const std::vector<std::string>* dvs;
    std::vector<std::string>* out;
    ~WrittenSync() {
      *out = w->written_paths();
      if (cdc) out->insert(out->end(), cdc->written_paths().begin(), cdc->written_paths().end());
      out->insert(out->end(), dvs->begin(), dvs->end());
    }
  } sync{writer.get(), cdc.get(), &dv_paths, written};

  // The key space is cut into partitions by key hash (mod, residue); a pass
  // reads every candidate file and holds the target rows of its partition's
  // keys only. A pass holding more than max_buffered_rows stops and its
  // partition is split in two, so target rows held never exceed the bound
  // (MergeResult::peak_buffered_rows). Whole files are kept for the rewrite
  // only in a single pass with room left under the bound.
  const int64_t bound = std::max<int64_t>(1, options.max_buffered_rows);
  std::vector<std::pair<uint64_t, uint64_t>> work = {{1, 0}};
  // With deletion vectors, a keyed merge matches keys on the key columns alone and reads
  // only the matched rows (merge_key_scan.cc); past the bound it falls back to the passes.
  const bool use_dvs = DeletionVectorsEnabled(snap->protocol(), snap->metadata());
  std::vector<ScanFile> scanned;
  if (use_dvs && !spec.read_all) {
    for (const FileRows& f : files) scanned.push_back({f.add, 0, {}});
    ASSIGN_OR_RETURN(bool done, ResolveByKeyScan(*snap, key_idx, by_key, null_keyed, resolve,
                                                 bound, &scanned, writer.get(), cdc.get(),
                                                 &result));
    if (done) {
      work.clear();
    } else {
      scanned.clear();
    }
  }
  bool null_keyed_done = false;
  std::vector<Value> out_rows;
  std::vector<Value> file_rows;
  auto apply = [&](const std::string& key_text, std::vector<TargetRow>* locs,
                   const std::vector<const SourceRow*>& src) -> Status {
    std::vector<Value> target;
    if (locs) {
      for (TargetRow& t : *locs) target.push_back(std::move(t.value));
    }
    std::vector<Value> before;
    if (cdc) before = target;
    ASSIGN_OR_RETURN(KeyOutcome o,
                     resolve([&key_text] { return key_text; }, std::move(target), src));
    if (!o.changed) return Status::OK();
    if (cdc) RETURN_IF_ERROR(WriteKeyChanges(before, o.rows, o.origin, cdc.get()));
    if (locs) {
      for (const TargetRow& t : *locs) {
        files[t.file].replaced[t.row] = true;
        files[t.file].dirty = true;
      }
    }
    result.rows_inserted += o.inserted;
    result.rows_updated += o.updated;
    result.rows_deleted += o.deleted;
    for (auto& r : o.rows) out_rows.push_back(std::move(r));
    return Status::OK();
  };
  while (!work.empty()) {
    auto [mod, residue] = work.back();
    work.pop_back();
    auto in_part = [mod = mod, residue = residue](const std::string& k) {
      return mod == 1 || std::hash<std::string>{}(k) % mod == residue;
    };
    std::unordered_map<std::string, std::vector<TargetRow>> target_by_key;
    int64_t held = 0, kept = 0;
    bool overflow = false;
    for (size_t fi = 0; fi < files.size() && !overflow; ++fi) {
      FileRows& fr = files[fi];
      file_rows.clear();
      const bool want_index = !fr.counted && fr.add->deletion_vector.has_value();
      RETURN_IF_ERROR(ReadFileRows(*snap, *fr.add, &file_rows, want_index ? &fr.row_index : nullptr));
      if (!fr.counted) {
        fr.replaced.assign(file_rows.size(), false);
        fr.counted = true;
      } else if (file_rows.size() != fr.replaced.size()) {
        return Status::Corruption("merge: " + spec.table + ": " + fr.add->path +
                                  " changed between two reads");
      }
      for (size_t ri = 0; ri < file_rows.size(); ++ri) {
        if (!EncodeKey(file_rows[ri], key_idx, &enc)) continue;
        if (!spec.read_all && !by_key.count(enc)) continue;
        if (!in_part(enc)) continue;
        target_by_key[enc].push_back({fi, ri, file_rows[ri]});
        if (++held + kept > bound) {
          overflow = true;
          break;
        }
      }
      const auto n = static_cast<int64_t>(file_rows.size());
      if (!overflow && mod == 1 && held + kept + n <= bound) {
        kept += n;
        fr.rows = std::move(file_rows);
        file_rows = {};
        fr.kept = true;
      }
    }
    if (overflow) {
      for (auto& f : files) {
        f.rows = {};
        f.kept = false;
      }
      if (target_by_key.size() <= 1 || mod >= (uint64_t{1} << 40)) {
        const auto& locs = target_by_key.begin()->second;
        return Status::InvalidArgument(
            "merge: " + spec.table + ": key " + KeyText(schema, locs[0].value, key_idx) +
            " has more target rows than MergeOptions::max_buffered_rows (" +
            std::to_string(bound) + "); raise it");
      }
      work.push_back({mod * 2, residue + mod});
      work.push_back({mod * 2, residue});
      continue;
    }
    ++result.passes;
    result.peak_buffered_rows = std::max(result.peak_buffered_rows, held + kept);
    for (const auto& [k, src] : by_key) {
      if (!in_part(k)) continue;
      auto it = target_by_key.find(k);
      RETURN_IF_ERROR(apply(KeyText(schema, src[0]->row, key_idx),
                            it == target_by_key.end() ? nullptr : &it->second, src));
    }
    if (!null_keyed_done) {
      null_keyed_done = true;
      for (const SourceRow* r : null_keyed) {
        RETURN_IF_ERROR(apply(KeyText(schema, r->row, key_idx), nullptr, {r}));
      }
    }
    if (spec.read_all) {
      for (auto& [k, locs] : target_by_key) {
        if (by_key.count(k)) continue;
        std::string text = KeyText(schema, locs[0].value, key_idx);
        RETURN_IF_ERROR(apply(text, &locs, {}));
      }
    }
    RETURN_IF_ERROR(writer->Write(out_rows));
    out_rows.clear();
  }

  bool any_dirty = false;
  for (const auto& f : files) any_dirty = any_dirty || f.dirty;
  for (const auto& f : scanned) any_dirty = any_dirty || !f.replaced.empty();
  bool txn_moves = false;
  for (const auto& [app, version] : options.set_transactions) {
    std::optional<int64_t> have = txn.TransactionVersion(app);
    txn_moves = txn_moves || !have || *have < version;
    txn.SetTransaction(app, have ? std::max(*have, version) : version);
  }
  if (!any_dirty && writer->rows_written() == 0 && !txn_moves) {
    result.commit.version = -1;
    return result;
  }
  // With deletion vectors enabled, a changed file that keeps rows gets a DV marking its
  // replaced rows instead of a copy of the others.
  // A changed file either keeps its other rows behind a deletion vector marking `gone`,
  // or is removed whole (its other rows copied by the caller).
  auto mark_deleted = [&](const AddFile& add, const std::vector<uint64_t>& gone) -> Status {
    ASSIGN_OR_RETURN(AddFile marked,
                     AddDeletionVector(store->fs(), store->table_root(), add, gone, &dv_paths));
    txn.Remove(add);
    txn.AddFiles({std::move(marked)});
    ++result.deletion_vectors_added;
    return Status::OK();
  };
  auto remove_whole = [&](const AddFile& add) {
    txn.Remove(add);
    ++result.files_removed;
    result.bytes_removed += add.size;
    result.removed_paths.push_back(add.path);
  };
  Status s;
  for (auto& f : scanned) {  // the key scan's changed files (none when it did not run)
    if (!s.ok()) break;
    if (f.replaced.empty()) continue;
    if (f.add->NumRecords() && static_cast<int64_t>(f.replaced.size()) < f.live) {
      s = mark_deleted(*f.add, f.replaced);
      continue;
    }
    remove_whole(*f.add);
    std::vector<Value> rows;
    std::vector<uint64_t> index;
    s = ReadFileRows(*snap, *f.add, &rows, &index);
    for (size_t ri = 0; ri < rows.size() && s.ok(); ++ri) {
      if (std::binary_search(f.replaced.begin(), f.replaced.end(), index[ri])) continue;
      ++result.rows_copied;
      s = writer->Write(rows[ri]);
    }
  }
  for (auto& f : files) {
    if (!s.ok()) break;
    if (!f.dirty) continue;
    if (use_dvs && f.add->NumRecords()) {
      std::vector<uint64_t> gone;
      for (size_t ri = 0; ri < f.replaced.size(); ++ri) {
        if (f.replaced[ri]) gone.push_back(f.row_index.empty() ? ri : f.row_index[ri]);
      }
      if (gone.size() < f.replaced.size()) {
        s = mark_deleted(*f.add, gone);
        continue;
      }
    }
    remove_whole(*f.add);
    std::vector<Value> reread;
    if (!f.kept) {
      s = ReadFileRows(*snap, *f.add, &reread);
      if (s.ok() && reread.size() != f.replaced.size()) {
        s = Status::Corruption("merge: " + spec.table + ": " + f.add->path +
                               " changed between two reads");
      }
      if (!s.ok()) break;
    }
    const std::vector<Value>& rows = f.kept ? f.rows : reread;
    for (size_t ri = 0; ri < rows.size() && s.ok(); ++ri) {
      if (f.replaced[ri]) continue;
      ++result.rows_copied;
      s = writer->Write(rows[ri]);
    }
  }
  Result<std::vector<AddFile>> adds = s.ok() ? writer->Finish() : Result<std::vector<AddFile>>(s);
  if (!adds.ok()) return adds.status();
  result.files_added = static_cast<int64_t>(adds->size());
  for (const AddFile& a : *adds) result.bytes_added += a.size;
  txn.AddFiles(std::move(adds).value());
  if (cdc) {
    ASSIGN_OR_RETURN(std::vector<AddCdcFile> changes, cdc->Finish());
    txn.AddCdcFiles(std::move(changes));
  }
  txn.SetOperation("MERGE", spec.parameters);
  txn.SetMetric("numSourceRows", result.source_rows);
  txn.SetMetric("numTargetRowsInserted", result.rows_inserted);
  txn.SetMetric("numTargetRowsUpdated", result.rows_updated);
  txn.SetMetric("numTargetRowsDeleted", result.rows_deleted);
  txn.SetMetric("numTargetRowsCopied", result.rows_copied);
  txn.SetMetric("numTargetFilesAdded", result.files_added);
  txn.SetMetric("numTargetFilesRemoved", result.files_removed);
  txn.SetMetric("numTargetDeletionVectorsAdded", result.deletion_vectors_added);
  if (options.app_id) txn.SetTransaction(*options.app_id, options.app_version);
  ASSIGN_OR_RETURN(result.commit, txn.Commit());
  return result;
}

}  // namespace

Result<int> FieldIndex(const DeltaType& schema, const std::string& name, const std::string& what,
                       const std::string& table) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name == name) return static_cast<int>(i);
  }
  return Status::InvalidArgument("merge: " + table + ": " + what + " " + name +
                                 " is not a column of the table");
}

Result<MergeResult> RunMerge(std::shared_ptr<LogStore> store, SourceRows source,
                             const EngineSpec& spec, const ResolverFactory& make_resolver,
                             const MergeOptions& options) {
  Status last;
  int attempts = std::max(1, options.max_attempts);
  ConvertedSource converted;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::vector<std::string> written;
    Result<MergeResult> r =
        RunOnce(store, source, &converted, spec, make_resolver, options, attempt, &written);
    if (r.ok()) return r;
    last = r.status();
    CleanUpAfterFailedCommit(store->fs(), written, last);
    if (!last.IsConflict()) break;
  }
  return last;
}

}  // namespace merge_internal

namespace {

using merge_internal::KeyOutcome;
using merge_internal::SourceRow;
using parquet::Value;

// Applies the source's columns (all it has, or `only`) to `target`.
void SetFromSource(const SourceRow& s, const std::vector<int>& only, Value* target) {
  if (only.empty()) {
    for (size_t i = 0; i < s.present.size(); ++i) {
      if (s.present[i]) target->items[i] = s.row.items[i];
    }
  } else {
    for (int i : only) target->items[i] = s.row.items[i];
  }
}

}  // namespace

Result<MergeResult> Merge(std::shared_ptr<LogStore> store, const std::vector<Value>& source,
                          const MergeSpec& spec, const MergeOptions& options) {
  return Merge(std::move(store), merge_internal::SourceRows{&source, nullptr}, spec, options);
}

Result<MergeResult> Merge(std::shared_ptr<LogStore> store, std::vector<Value>&& source,
                          const MergeSpec& spec, const MergeOptions& options) {
  return Merge(std::move(store), merge_internal::SourceRows{&source, &source}, spec, options);
}

Result<MergeResult> Merge(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                          const MergeSpec& spec, const MergeOptions& options) {
  merge_internal::EngineSpec es;
  es.table = store->table_root();
  es.keys = spec.keys;
  es.source_columns = spec.source_columns;
  es.read_all = !spec.when_not_matched_by_source.empty();
  es.parameters = {
      {"mergeKeys", nlohmann::json(spec.keys).dump()},
      {"matchedClauses", std::to_string(spec.when_matched.size())},
      {"notMatchedClauses", std::to_string(spec.when_not_matched.size())},
      {"notMatchedBySourceClauses", std::to_string(spec.when_not_matched_by_source.size())}};
  const std::string table = es.table;
  auto factory = [&spec, table](const Snapshot& snap) -> Result<merge_internal::Resolver> {
    const DeltaType& schema = snap.schema();
    std::vector<std::vector<int>> set_idx;
    for (const auto& c : spec.when_matched) {
      std::vector<int> idx;
      for (const auto& name : c.set_columns) {
        ASSIGN_OR_RETURN(int i, merge_internal::FieldIndex(schema, name, "SET column", table));
        idx.push_back(i);
      }
      set_idx.push_back(std::move(idx));
    }
    std::vector<std::vector<std::pair<int, Value>>> by_source_set;
    for (const auto& c : spec.when_not_matched_by_source) {
      std::vector<std::pair<int, Value>> sets;
      for (const auto& [name, v] : c.set_values) {
        ASSIGN_OR_RETURN(int i, merge_internal::FieldIndex(schema, name, "SET column", table));
        sets.push_back({i, v});
      }
      by_source_set.push_back(std::move(sets));
    }
    return merge_internal::Resolver(
        [&spec, table, set_idx, by_source_set](
            const merge_internal::KeyName& key, std::vector<Value> target,
            const std::vector<const SourceRow*>& src) -> Result<KeyOutcome> {
          KeyOutcome o;
          if (target.empty()) {
            for (const SourceRow* s : src) {
              for (const auto& c : spec.when_not_matched) {
                if (c.condition && !c.condition(nullptr, &s->row)) continue;
                Value row = s->row;
                o.rows.push_back(std::move(row));
                ++o.inserted;
                o.changed = true;
                break;
              }
            }
            return o;
          }
          if (src.empty()) {  // NOT MATCHED BY SOURCE
            for (size_t ti = 0; ti < target.size(); ++ti) {
              Value& t = target[ti];
              bool keep = true;
              for (size_t ci = 0; ci < spec.when_not_matched_by_source.size(); ++ci) {
                const auto& c = spec.when_not_matched_by_source[ci];
                if (c.condition && !c.condition(&t, nullptr)) continue;
                if (c.action == WhenNotMatchedBySource::Action::kDelete) {
                  keep = false;
                  ++o.deleted;
                  o.changed = true;
                } else {
                  Value before = t;
                  for (const auto& [i, v] : by_source_set[ci]) t.items[i] = v;
                  if (!(before == t)) {
                    ++o.updated;
                    o.changed = true;
                  }
                }
                break;
              }
              if (keep) {
                o.rows.push_back(std::move(t));
                o.origin.push_back(static_cast<int>(ti));
              }
            }
            return o;
          }
          if (src.size() > 1 && !spec.when_matched.empty()) {
            return Status::InvalidArgument(
                "merge: " + table + ": " + std::to_string(src.size()) +
                " source rows match the same target row (" + key() +
                "); a MERGE may modify a target row only once: deduplicate the source");
          }
          const SourceRow& s = *src[0];
          for (size_t ti = 0; ti < target.size(); ++ti) {
            Value& t = target[ti];
            bool keep = true;
            for (size_t ci = 0; ci < spec.when_matched.size(); ++ci) {
              const auto& c = spec.when_matched[ci];
              if (c.condition && !c.condition(&t, &s.row)) continue;
              if (c.action == WhenMatched::Action::kDelete) {
                keep = false;
                ++o.deleted;
                o.changed = true;
              } else {
                Value before = t;
                SetFromSource(s, set_idx[ci], &t);
                if (!(before == t)) {
                  ++o.updated;
                  o.changed = true;
                }
              }
              break;
            }
            if (keep) {
              o.rows.push_back(std::move(t));
              o.origin.push_back(static_cast<int>(ti));
            }
          }
          return o;
        });
  };
  return merge_internal::RunMerge(std::move(store), source, es, factory, options);
}

Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    const std::vector<Value>& source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns,
                                    const MergeOptions& options) {
  return MergeInsertOnly(std::move(store), merge_internal::SourceRows{&source, nullptr}, keys,
                         source_columns, options);
}

Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    std::vector<Value>&& source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns,
                                    const MergeOptions& options) {
  return MergeInsertOnly(std::move(store), merge_internal::SourceRows{&source, &source}, keys,
                         source_columns, options);
}

Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    merge_internal::SourceRows source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns,
                                    const MergeOptions& options) {
  merge_internal::EngineSpec es;
  es.table = store->table_root();
  es.keys = keys;
  es.source_columns = source_columns;
  es.parameters = {{"mergeKeys", nlohmann::json(keys).dump()}, {"mode", "insert-only"}};
  auto factory = [](const Snapshot&) -> Result<merge_internal::Resolver> {
    return merge_internal::Resolver(
        [](const merge_internal::KeyName&, std::vector<Value> target,
           const std::vector<const SourceRow*>& src) -> Result<KeyOutcome> {
          KeyOutcome o;
          if (!target.empty() || src.empty()) return o;
          o.changed = true;
          o.inserted = 1;
          o.rows.push_back(src[0]->row);
          return o;
        });
  };
  return merge_internal::RunMerge(std::move(store), source, es, factory, options);
}

}  // namespace lakestream::delta
