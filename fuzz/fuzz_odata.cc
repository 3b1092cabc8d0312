// libFuzzer target for the OData decoders of untrusted bytes: $metadata
// (EDMX) parsing and the conversion of JSON property values of every EDM
// type. The first input byte picks the decoder.
#include <cstddef>
#include <cstdint>
#include <string>

#include "odata/edm.h"

namespace {

const char* kEdmx = R"xml(<edmx:Edmx><edmx:DataServices><Schema Namespace="S">
<EntityContainer><EntitySet Name="E" EntityType="S.E"/></EntityContainer>
<EntityType Name="E"><Key><PropertyRef Name="s"/></Key>
<Property Name="s" Type="Edm.String"/><Property Name="i" Type="Edm.Int64"/>
<Property Name="d" Type="Edm.Decimal" Precision="15" Scale="2"/>
<Property Name="t" Type="Edm.DateTimeOffset"/><Property Name="dt" Type="Edm.Date"/>
<Property Name="b" Type="Edm.Boolean"/><Property Name="f" Type="Edm.Double"/>
<Property Name="x" Type="Edm.Int16"/></EntityType></Schema></edmx:DataServices></edmx:Edmx>)xml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    (void)lakestream::odata::ParseEdmx(input, "E");
    return 0;
  }
  static const auto schema = lakestream::odata::ParseEdmx(kEdmx, "E");
  if (!schema.ok()) __builtin_trap();
  nlohmann::json j = nlohmann::json::parse(input, nullptr, false);
  if (j.is_discarded()) return 0;
  for (const auto& p : schema->properties) {
    (void)lakestream::odata::JsonToValue(p, j);
    if (j.is_object() && j.contains(p.name)) (void)lakestream::odata::JsonToValue(p, j[p.name]);
  }
  return 0;
}
