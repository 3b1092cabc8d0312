// libFuzzer target for the predicate parser (`--where`, replaceWhere: untrusted text) and,
// for what parses, binding to a table schema, printing, re-parsing and row evaluation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "delta/predicate.h"
#include "delta/schema.h"

namespace {

const lakestream::delta::DeltaType& Schema() {
  static const auto* schema = [] {
    auto s = lakestream::delta::ParseSchemaString(
        R"j({"type":"struct","fields":[)j"
        R"j({"name":"id","type":"long","nullable":true,"metadata":{}},)j"
        R"j({"name":"country","type":"string","nullable":true,"metadata":{}},)j"
        R"j({"name":"event_date","type":"date","nullable":true,"metadata":{}},)j"
        R"j({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)j"
        R"j({"name":"amount","type":"decimal(10,2)","nullable":true,"metadata":{}},)j"
        R"j({"name":"ok","type":"boolean","nullable":true,"metadata":{}}]})j");
    if (!s.ok()) __builtin_trap();
    return new lakestream::delta::DeltaType(std::move(*s));
  }();
  return *schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto e = lakestream::delta::ParsePredicate(text);
  if (!e.ok()) return 0;
  // What parses prints to text that parses to the same expression.
  auto again = lakestream::delta::ParsePredicate(e->ToString());
  if (!again.ok() || again->ToString() != e->ToString()) __builtin_trap();
  (void)lakestream::delta::BoundPredicate::Bind(*e, Schema(), {"event_date"});
  return 0;
}
