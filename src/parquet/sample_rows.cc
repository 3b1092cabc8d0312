// Deterministic sample rows over every type we write, for tests, interop
// checks against DuckDB and the demo.
#include "parquet/sample_rows.h"

#include <cassert>
#include <random>

namespace lakestream::parquet::sample {

Schema AllTypesSchema() {
  auto s = Schema::FromRoot(field::Struct(
      "schema",
      {field::Int64("id", Repetition::kRequired), field::Bool("flag"), field::Int8("tiny"),
       field::Int16("small"), field::Int32("i32"), field::Float("f32"), field::Double("f64"),
       field::String("name"), field::Binary("blob"), field::FixedBinary("fixed", 4),
       field::Date("day"), field::Timestamp("ts"),
       field::Timestamp("ts_local", TimeUnit::kMicros, false), field::Decimal("d9", 9, 2),
       field::Decimal("d18", 18, 4), field::Decimal("d38", 38, 10),
       field::List("tags", field::String("element")),
       field::Map("attrs", field::String("key"), field::Int64("value")),
       field::Struct("geo", {field::String("country"),
                             field::List("points", field::Double("element"))}),
       field::List("matrix", field::List("element", field::Int32("element"))),
       field::Timestamp("ts_ms", TimeUnit::kMillis)}));
  assert(s.ok());
  return *s;
}

std::string BigEndian(__int128 v, int len) {
  std::string out(static_cast<size_t>(len), '\0');
  for (int i = len - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

// A deterministic row; about one value in seven is null.
Value AllTypesRow(int64_t i) {
  std::mt19937_64 rng(static_cast<uint64_t>(i) * 7919);
  auto maybe = [&](Value v) { return rng() % 7 == 0 ? Value::Null() : std::move(v); };
  std::vector<Value> f;
  f.push_back(Value::Int64(i));
  f.push_back(maybe(Value::Bool(i % 3 == 0)));
  f.push_back(maybe(Value::Int32(static_cast<int32_t>(i % 256) - 128)));
  f.push_back(maybe(Value::Int32(static_cast<int32_t>(i % 65536) - 32768)));
  f.push_back(maybe(Value::Int32(static_cast<int32_t>(rng()))));
  f.push_back(maybe(Value::Float(static_cast<float>(i) / 8.0f)));
  f.push_back(maybe(Value::Double(static_cast<double>(rng() % 1000000) / 1000.0 - 500)));
  f.push_back(maybe(Value::Bytes("name-" + std::to_string(i % 50))));  // dictionary-friendly
  f.push_back(maybe(Value::Bytes(std::string(static_cast<size_t>(i % 5), static_cast<char>(i)))));
  f.push_back(maybe(Value::Bytes(std::string("\x00\x01\x02", 3) + static_cast<char>(i))));
  f.push_back(maybe(Value::Int32(static_cast<int32_t>(19000 + i % 2000))));
  f.push_back(maybe(Value::Int64(1700000000000000LL + i * 1234567)));
  f.push_back(maybe(Value::Int64(-86400000000LL + i)));
  f.push_back(maybe(Value::Int32(static_cast<int32_t>(i * 37 % 99999999) - 50000000)));
  f.push_back(maybe(Value::Int64(static_cast<int64_t>(rng() >> 4) - (1LL << 58))));
  __int128 big = static_cast<__int128>(static_cast<int64_t>(rng())) * 1000000007 * (i % 2 ? 1 : -1);
  f.push_back(maybe(Value::Bytes(BigEndian(big, 16))));
  std::vector<Value> tags;
  for (int k = 0; k < i % 4; ++k) tags.push_back(k == 2 ? Value::Null() : Value::Bytes("t" + std::to_string(k)));
  f.push_back(i % 11 == 0 ? Value::Null() : Value::List(tags));
  std::vector<Value> kv;
  for (int k = 0; k < i % 3; ++k) {
    kv.push_back(Value::Entry(Value::Bytes("k" + std::to_string(k)),
                              k == 1 ? Value::Null() : Value::Int64(i * k)));
  }
  f.push_back(i % 13 == 0 ? Value::Null() : Value::Map(kv));
  std::vector<Value> pts;
  for (int k = 0; k < i % 3; ++k) pts.push_back(Value::Double(k * 0.5));
  f.push_back(i % 17 == 0 ? Value::Null()
                          : Value::Struct({maybe(Value::Bytes(i % 2 ? "DE" : "US")),
                                           i % 5 == 0 ? Value::Null() : Value::List(pts)}));
  std::vector<Value> rows;
  for (int r = 0; r < i % 3; ++r) {
    std::vector<Value> cols;
    for (int c = 0; c < r + 1; ++c) cols.push_back(Value::Int32(r * 10 + c));
    rows.push_back(r == 1 && i % 2 ? Value::Null() : Value::List(cols));
  }
  f.push_back(Value::List(rows));
  f.push_back(maybe(Value::Int64(1700000000000LL - 86400000LL * 400 + i * 1234567)));
  return Value::Struct(std::move(f));
}

}  // namespace lakestream::parquet::sample
