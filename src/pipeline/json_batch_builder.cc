#include "pipeline/json_batch_builder.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/time_format.h"
#include "io/file_system.h"
#include "parquet/file_reader.h"
#include "parquet/record_assembler.h"

namespace lakestream::pipeline {
namespace {

namespace od = simdjson::ondemand;
using parquet::ColumnValues;
using parquet::PhysicalType;

PhysicalType PhysicalFor(ColumnType t) {
  switch (t) {
    case ColumnType::kInt32:
    case ColumnType::kDate: return PhysicalType::kInt32;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return PhysicalType::kInt64;
    case ColumnType::kDouble: return PhysicalType::kDouble;
    case ColumnType::kBoolean: return PhysicalType::kBoolean;
    case ColumnType::kString:
    case ColumnType::kJson: return PhysicalType::kByteArray;
  }
  return PhysicalType::kByteArray;
}

parquet::SchemaNode FieldFor(const ColumnSpec& c) {
  auto rep = c.nullable ? parquet::Repetition::kOptional : parquet::Repetition::kRequired;
  switch (c.type) {
    case ColumnType::kString: return parquet::field::String(c.name, rep);
    case ColumnType::kJson: {
      parquet::SchemaNode n = parquet::field::String(c.name, rep);
      return n;
    }
    case ColumnType::kInt32: return parquet::field::Int32(c.name, rep);
    case ColumnType::kInt64: return parquet::field::Int64(c.name, rep);
    case ColumnType::kDouble: return parquet::field::Double(c.name, rep);
    case ColumnType::kBoolean: return parquet::field::Bool(c.name, rep);
    case ColumnType::kTimestamp:
      return parquet::field::Timestamp(c.name, parquet::TimeUnit::kMicros, true, rep);
    case ColumnType::kDate: return parquet::field::Date(c.name, rep);
  }
  return parquet::field::String(c.name, rep);
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct ColumnBuffer {
  ColumnSpec spec;
  bool simple_source = false;  // no '"' or '\\' in the name: raw keys compare as is
  std::vector<int16_t> def;
  ColumnValues values;
  uint64_t seen_row = 0;  // row stamp of the last value set
  int next_same_source = -1;  // the next column reading the same JSON field, or -1
};

}  // namespace

class JsonBatchBuilder::Impl {
 public:
  explicit Impl(std::vector<ColumnSpec> specs) {
    for (auto& s : specs) {
      if (s.source.empty()) s.source = s.name;
      ColumnBuffer b;
      b.simple_source = s.source.find_first_of("\"\\") == std::string::npos;
      b.values = ColumnValues(PhysicalFor(s.type));
      b.spec = std::move(s);
      cols_.push_back(std::move(b));
    }
    // Several columns may read one field (e.g. a timestamp and its date): the index holds the
    // first, each links to the next.
    std::unordered_map<std::string_view, int> last;
    for (size_t i = 0; i < cols_.size(); ++i) {
      auto [it, inserted] = index_.emplace(cols_[i].spec.source, static_cast<int>(i));
      if (!inserted) cols_[last[cols_[i].spec.source]].next_same_source = static_cast<int>(i);
      last[cols_[i].spec.source] = static_cast<int>(i);
      specs_.push_back(cols_[i].spec);
    }
  }

  Status Init() {
    std::vector<parquet::SchemaNode> fields;
    for (const auto& c : cols_) fields.push_back(FieldFor(c.spec));
    ASSIGN_OR_RETURN(schema_, parquet::Schema::FromRoot(parquet::field::Struct("schema", fields)));
    return Status::OK();
  }

  Status Add(std::string_view record, size_t readable) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end.
    const char* data = record.data();
    size_t capacity = readable;
    if (readable < record.size() + simdjson::SIMDJSON_PADDING) {
      if (padded_.size() < record.size() + simdjson::SIMDJSON_PADDING) {
        padded_.resize(record.size() + simdjson::SIMDJSON_PADDING);
      }
      std::memcpy(padded_.data(), record.data(), record.size());
      data = padded_.data();
      capacity = padded_.size();
    }
    ++stamp_;
    Status s = Parse(data, record.size(), capacity);
    if (!s.ok()) {
      Rollback();
      return s;
    }
    // Missing fields are null.
    for (auto& c : cols_) {
      if (c.seen_row != stamp_ && !c.spec.nullable) {
        Rollback();
        return Status::InvalidArgument("column " + c.spec.name + ": missing and not nullable");
      }
    }
    for (auto& c : cols_) {
      if (c.seen_row != stamp_) c.def.push_back(0);
    }
    ++rows_;
    input_bytes_ += static_cast<int64_t>(record.size());
    return Status::OK();
  }

  Status WriteTo(parquet::FileWriter* writer) {
    for (size_t i = 0; i < cols_.size(); ++i) {
      auto& c = cols_[i];
      RETURN_IF_ERROR(writer->WriteColumn(static_cast<int>(i), c.spec.nullable ? c.def.data() : nullptr,
                                          nullptr, static_cast<size_t>(rows_), c.values));
    }
    RETURN_IF_ERROR(writer->EndBatch(rows_));
    Clear();
    return Status::OK();
  }

  void Clear() {
    for (auto& c : cols_) {
      c.def.clear();
      c.values.Clear();
    }
    rows_ = 0;
    input_bytes_ = 0;
  }

  int64_t buffered_bytes() const {
    int64_t n = 0;
    for (const auto& c : cols_) {
      n += static_cast<int64_t>(c.def.size() * 2 + c.values.bytes.total_bytes() +
                                c.values.size() * 8);
    }
    return n;
  }

  std::vector<ColumnBuffer> cols_;
  std::vector<ColumnSpec> specs_;
  parquet::Schema schema_;
  int64_t rows_ = 0;
  int64_t input_bytes_ = 0;

 private:
  Status Parse(const char* data, size_t len, size_t capacity) {
    od::document doc;
    auto err = parser_.iterate(data, len, capacity).get(doc);
    if (err) return Status::InvalidArgument(std::string("not JSON: ") + simdjson::error_message(err));
    od::object obj;
    if (doc.get_object().get(obj)) return Status::InvalidArgument("record is not a JSON object");
    size_t expected = 0;
    for (auto field_result : obj) {
      od::field field;
      if ((err = std::move(field_result).get(field))) {
        return Status::InvalidArgument(std::string("malformed JSON: ") + simdjson::error_message(err));
      }
      // Fast path: fields usually come in the declared order, so compare the
      // raw key with the expected column's name (source names are plain
      // identifiers, no escapes) before unescaping and hashing.
      int idx = -1;
      if (expected < cols_.size() && cols_[expected].simple_source &&
          field.key().unsafe_is_equal(cols_[expected].spec.source)) {
        idx = static_cast<int>(expected);
      } else {
        std::string_view key;
        if ((err = field.unescaped_key().get(key))) {
          return Status::InvalidArgument(std::string("malformed JSON key: ") +
                                         simdjson::error_message(err));
        }
        auto it = index_.find(key);
        if (it != index_.end()) idx = it->second;
      }
      if (idx < 0) continue;  // fields not in the table are ignored (the value is skipped)
      expected = static_cast<size_t>(idx) + 1;
      ColumnBuffer& c = cols_[idx];
      if (c.seen_row == stamp_) {
        return Status::InvalidArgument("column " + c.spec.name + ": field appears twice");
      }
      od::value v = field.value();
      if (c.next_same_source >= 0) {
        RETURN_IF_ERROR(SetShared(idx, v));
        continue;
      }
      Status s = SetValue(c, v);
      if (!s.ok()) return s;
      c.seen_row = stamp_;
    }
    // Anything after the object (a second value, garbage) makes the record malformed.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      return Status::InvalidArgument("trailing content after the JSON object");
    }
    return Status::OK();
  }

  // A field read by several columns: an on-demand value can be consumed only once, so its
  // raw text is re-parsed (as {"v":...}) for each column. Only such columns pay for this.
  Status SetShared(int first, od::value& v) {
    od::json_type t;
    if (v.type().get(t)) return Bad(cols_[first], "malformed JSON value");
    std::string_view raw;
    simdjson::error_code err = simdjson::SUCCESS;
    if (t == od::json_type::object) {
      od::object o;
      err = v.get_object().get(o);
      if (!err) err = o.raw_json().get(raw);
    } else if (t == od::json_type::array) {
      od::array a;
      err = v.get_array().get(a);
      if (!err) err = a.raw_json().get(raw);
    } else {
      raw = v.raw_json_token();
    }
    if (err) return Bad(cols_[first], "malformed JSON value");
    shared_.assign("{\"v\":");
    shared_.append(raw);
    shared_.append("}");
    size_t len = shared_.size();
    shared_.append(simdjson::SIMDJSON_PADDING, ' ');
    for (int i = first; i >= 0; i = cols_[i].next_same_source) {
      ColumnBuffer& c = cols_[i];
      if (c.seen_row == stamp_) {
        return Status::InvalidArgument("column " + c.spec.name + ": field appears twice");
      }
      od::document doc;
      od::value sv;
      if (shared_parser_.iterate(shared_.data(), len, shared_.size()).get(doc) ||
          doc.find_field("v").get(sv)) {
        return Bad(c, "malformed JSON value");
      }
      RETURN_IF_ERROR(SetValue(c, sv));
      c.seen_row = stamp_;
    }
    return Status::OK();
  }

  Status Bad(const ColumnBuffer& c, std::string_view why) {
    return Status::InvalidArgument("column " + c.spec.name + ": " + std::string(why));
  }

  Status SetValue(ColumnBuffer& c, od::value& v) {
    od::json_type t;
    if (v.type().get(t)) return Bad(c, "malformed JSON value");
    if (t == od::json_type::null) {
      if (!v.is_null()) return Bad(c, "malformed null");
      if (!c.spec.nullable) return Bad(c, "null in a non-nullable column");
      c.def.push_back(0);
      return Status::OK();
    }
    ColumnValues& out = c.values;
    switch (c.spec.type) {
      case ColumnType::kString:
      case ColumnType::kJson: {
        std::string_view s;
        if (t == od::json_type::string && c.spec.type == ColumnType::kString) {
          if (v.get_string().get(s)) return Bad(c, "malformed string");
        } else if (t == od::json_type::object) {
          od::object o;
          if (v.get_object().get(o) || o.raw_json().get(s)) return Bad(c, "malformed object");
        } else if (t == od::json_type::array) {
          od::array a;
          if (v.get_array().get(a) || a.raw_json().get(s)) return Bad(c, "malformed array");
        } else {
          s = v.raw_json_token();
          while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                                s.back() == '\t')) {
            s.remove_suffix(1);
          }
        }
        out.bytes.Append(s);
        break;
      }
      case ColumnType::kInt32:
      case ColumnType::kInt64: {
        int64_t x;
        RETURN_IF_ERROR(GetInt(c, v, t, &x));
        if (c.spec.type == ColumnType::kInt32) {
          if (x < INT32_MIN || x > INT32_MAX) return Bad(c, "value out of int32 range");
          out.i32.push_back(static_cast<int32_t>(x));
        } else {
          out.i64.push_back(x);
        }
        break;
      }
      case ColumnType::kDouble: {
        double d;
        if (t == od::json_type::number) {
          std::string_view tok = v.raw_json_token();  // before get_double consumes it
          auto err = v.get_double().get(d);
          if (err) {
            // simdjson reports 1e400 as a malformed number; from_chars tells the two apart.
            size_t n = 0;
            while (n < tok.size() && std::strchr("0123456789+-.eE", tok[n]) != nullptr) ++n;
            double ignored;
            auto r = std::from_chars(tok.data(), tok.data() + n, ignored);
            if (n > 0 && r.ec == std::errc::result_out_of_range) {
              return Bad(c, "number " + std::string(tok.substr(0, n)) + " out of range for double");
            }
            return Bad(c, "malformed number");
          }
          if (!std::isfinite(d)) return Bad(c, "number out of range for double");
        } else if (t == od::json_type::string) {
          std::string_view s;
          if (v.get_string().get(s)) return Bad(c, "malformed string");
          auto r = std::from_chars(s.data(), s.data() + s.size(), d);
          if (r.ec == std::errc::result_out_of_range && r.ptr == s.data() + s.size()) {
            return Bad(c, "'" + std::string(s) + "' out of range for double");
          }
          if (!ParseDouble(s, &d)) return Bad(c, "not a number");
        } else {
          return Bad(c, "expected a number");
        }
        out.f64.push_back(d);
        break;
      }
      case ColumnType::kBoolean: {
        bool b;
        if (t == od::json_type::boolean) {
          if (v.get_bool().get(b)) return Bad(c, "malformed boolean");
        } else if (t == od::json_type::string) {
          std::string_view s;
          if (v.get_string().get(s)) return Bad(c, "malformed string");
          if (s == "true") b = true;
          else if (s == "false") b = false;
          else return Bad(c, "not a boolean");
        } else if (t == od::json_type::number) {
          int64_t x;
          if (v.get_int64().get(x) || (x != 0 && x != 1)) return Bad(c, "not a boolean");
          b = x == 1;
        } else {
          return Bad(c, "expected a boolean");
        }
        out.bools.push_back(b);
        break;
      }
      case ColumnType::kTimestamp:
      case ColumnType::kDate: {
        int64_t micros;
        if (t == od::json_type::string) {
          std::string_view s;
          if (v.get_string().get(s)) return Bad(c, "malformed string");
          std::optional<int64_t> ts = ParseTimestampMicros(s);
          if (!ts) {
            return Bad(c, c.spec.type == ColumnType::kDate
                              ? "'" + std::string(s.substr(0, 64)) +
                                    "' is not a date (YYYY-MM-DD or an ISO-8601 timestamp)"
                              : "not an ISO-8601 timestamp");
          }
          micros = *ts;
        } else if (t == od::json_type::number) {
          int64_t ms;
          if (v.get_int64().get(ms)) return Bad(c, "not an integer epoch-milliseconds value");
          if (ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000) return Bad(c, "timestamp out of range");
          micros = ms * 1000;
        } else {
          return Bad(c, c.spec.type == ColumnType::kDate ? "expected a date" : "expected a timestamp");
        }
        if (c.spec.type == ColumnType::kTimestamp) {
          out.i64.push_back(micros);
        } else {
          int64_t days = micros / 86400000000LL - (micros % 86400000000LL < 0);
          out.i32.push_back(static_cast<int32_t>(days));
        }
        break;
      }
    }
    if (c.spec.nullable) c.def.push_back(1);
    return Status::OK();
  }

  Status GetInt(const ColumnBuffer& c, od::value& v, od::json_type t, int64_t* x) {
    if (t == od::json_type::number) {
      od::number_type nt;
      if (v.get_number_type().get(nt)) return Bad(c, "malformed number");
      if (nt == od::number_type::signed_integer) {
        if (v.get_int64().get(*x)) return Bad(c, "malformed integer");
        return Status::OK();
      }
      double d;
      if (v.get_double().get(d)) return Bad(c, "integer out of range");
      if (d != std::floor(d) || d < -9.2e18 || d > 9.2e18) return Bad(c, "not an integer");
      *x = static_cast<int64_t>(d);
      return Status::OK();
    }
    if (t == od::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s) || !ParseInt(s, x)) return Bad(c, "not an integer");
      return Status::OK();
    }
    return Bad(c, "expected an integer");
  }

  // Undoes the columns the failed record already touched: each got exactly
  // one level and at most one value in this row.
  void Rollback() {
    for (auto& c : cols_) {
      if (c.seen_row != stamp_) continue;
      bool had_value = true;
      if (c.spec.nullable) {
        had_value = c.def.back() == 1;
        c.def.pop_back();
      }
      if (had_value) c.values.Truncate(c.values.size() - 1);
      c.seen_row = 0;
    }
  }

  od::parser parser_;
  std::vector<char> padded_;
  od::parser shared_parser_;  // SetShared's
  std::string shared_;
  uint64_t stamp_ = 0;
  std::unordered_map<std::string_view, int> index_;
};

Result<ColumnType> ParseColumnType(std::string_view n) {
  if (n == "string" || n == "varchar") return ColumnType::kString;
  if (n == "int32" || n == "int" || n == "integer") return ColumnType::kInt32;
  if (n == "int64" || n == "bigint" || n == "long") return ColumnType::kInt64;
  if (n == "double" || n == "float64") return ColumnType::kDouble;
  if (n == "boolean" || n == "bool") return ColumnType::kBoolean;
  if (n == "timestamp") return ColumnType::kTimestamp;
  if (n == "date") return ColumnType::kDate;
  if (n == "json") return ColumnType::kJson;
  return Status::InvalidArgument("unknown column type '" + std::string(n) + "'");
}

std::string_view ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kString: return "string";
    case ColumnType::kInt32: return "int32";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kDouble: return "double";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kDate: return "date";
    case ColumnType::kJson: return "json";
  }
  return "?";
}

Result<std::vector<ColumnSpec>> ParseColumnSpecs(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("columns") || !j["columns"].is_array()) {
    return Status::InvalidArgument("column specs: expected {\"columns\": [...]}");
  }
  std::vector<ColumnSpec> out;
  for (const auto& c : j["columns"]) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) {
      return Status::InvalidArgument("column specs: every column needs a string \"name\"");
    }
    ColumnSpec s;
    s.name = c["name"].get<std::string>();
    std::string type = c.value("type", std::string("string"));
    ASSIGN_OR_RETURN(s.type, ParseColumnType(type));
    s.nullable = c.value("nullable", true);
    s.source = c.value("source", std::string());
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::unique_ptr<JsonBatchBuilder>> JsonBatchBuilder::Make(std::vector<ColumnSpec> columns) {
  if (columns.empty()) return Status::InvalidArgument("json batch: no columns");
  std::unordered_map<std::string, int> names;
  for (const auto& c : columns) {
    if (names[c.name]++) return Status::InvalidArgument("json batch: column " + c.name + " named twice");
  }
  auto impl = std::make_unique<Impl>(std::move(columns));
  RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<JsonBatchBuilder>(new JsonBatchBuilder(std::move(impl)));
}

JsonBatchBuilder::JsonBatchBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonBatchBuilder::~JsonBatchBuilder() = default;
const parquet::Schema& JsonBatchBuilder::schema() const { return impl_->schema_; }
const std::vector<ColumnSpec>& JsonBatchBuilder::columns() const { return impl_->specs_; }
Status JsonBatchBuilder::Add(std::string_view record) { return impl_->Add(record, record.size()); }
Status JsonBatchBuilder::Add(std::string_view record, size_t readable) {
  return impl_->Add(record, readable);
}
int64_t JsonBatchBuilder::num_rows() const { return impl_->rows_; }
int64_t JsonBatchBuilder::input_bytes() const { return impl_->input_bytes_; }
int64_t JsonBatchBuilder::buffered_bytes() const { return impl_->buffered_bytes(); }
Status JsonBatchBuilder::WriteTo(parquet::FileWriter* writer) { return impl_->WriteTo(writer); }
void JsonBatchBuilder::Clear() { impl_->Clear(); }

Status JsonBatchBuilder::DrainToValues(std::vector<parquet::Value>* rows) {
  if (num_rows() == 0) return Status::OK();
  auto mem = io::NewMemoryFileSystem();
  ASSIGN_OR_RETURN(auto sink, mem->OpenForWrite("/batch.parquet"));
  parquet::WriterOptions wo;
  wo.compression = parquet::CompressionCodec::kUncompressed;
  ASSIGN_OR_RETURN(auto fw, parquet::FileWriter::Open(std::move(sink), schema(), wo));
  RETURN_IF_ERROR(WriteTo(fw.get()));
  RETURN_IF_ERROR(fw->Close());
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(*mem, "/batch.parquet"));
  parquet::RecordAssembler assembler(reader->schema());
  std::vector<parquet::ColumnData> data;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    RETURN_IF_ERROR(reader->ReadRowGroup(g, {}, &data));
    RETURN_IF_ERROR(assembler.Assemble(data, reader->metadata().row_groups[g].num_rows, rows));
  }
  return Status::OK();
}

}  // namespace lakestream::pipeline
