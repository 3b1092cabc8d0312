// EDMX parsing, EDM -> Delta types, JSON value conversion (V4 and V2), filter
// literals, Retry-After parsing and URL redaction.
#include "odata/edm.h"

#include <gtest/gtest.h>

#include "common/manual_clock.h"
#include "io/file_system.h"
#include "odata/credentials.h"
#include "odata/http_client.h"

namespace lakestream::odata {
namespace {

using K = delta::DeltaType::Kind;

constexpr const char* kEdmx = R"xml(<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <!-- a comment with <Property Name="Nope"/> inside -->
    <Schema Namespace="SalesService" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityContainer Name="EntityContainer">
        <EntitySet Name="SalesOrders" EntityType="SalesService.SalesOrders"/>
      </EntityContainer>
      <EntityType Name="Other"><Key><PropertyRef Name="X"/></Key>
        <Property Name="X" Type="Edm.Int32"/></EntityType>
      <EntityType Name="SalesOrders">
        <Key><PropertyRef Name="ID"/><PropertyRef Name="item"/></Key>
        <Property Name="ID" Type="Edm.String" MaxLength="10" Nullable="false"/>
        <Property Name="item" Type="Edm.Int64" Nullable="false"/>
        <Property Name="amount" Type="Edm.Decimal" Precision="15" Scale="2"/>
        <Property Name="note" Type="Edm.String" sap:label='A &amp; B'/>
        <Property Name="orderDate" Type="Edm.DateTime" sap:display-format="Date"/>
        <Property Name="modifiedAt" Type="Edm.DateTimeOffset" Precision="7"/>
        <Property Name="addr" Type="SalesService.Address"/>
        <Property Name="ok" Type="Edm.Boolean"/>
        <NavigationProperty Name="items" Type="Collection(SalesService.Items)"/>
      </EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>)xml";

TEST(EdmTest, ParsesTheEntitySetsKeysAndTypedProperties) {
  auto s = ParseEdmx(kEdmx, "SalesOrders");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->keys, (std::vector<std::string>{"ID", "item"}));
  ASSERT_EQ(s->properties.size(), 7u);  // the complex property is not loaded
  EXPECT_EQ(s->Find("ID")->type.kind, K::kString);
  EXPECT_FALSE(s->Find("ID")->nullable);
  EXPECT_EQ(s->Find("item")->type.kind, K::kLong);
  EXPECT_EQ(s->Find("amount")->type.ToString(), "decimal(15,2)");
  EXPECT_EQ(s->Find("orderDate")->type.kind, K::kDate);
  EXPECT_EQ(s->Find("modifiedAt")->type.kind, K::kTimestamp);
  EXPECT_EQ(s->Find("ok")->type.kind, K::kBoolean);
  EXPECT_EQ(s->Find("Nope"), nullptr);
}

TEST(EdmTest, MissingEntitySetAndMalformedXmlAreErrorsNotCrashes) {
  EXPECT_TRUE(ParseEdmx(kEdmx, "Nope").status().IsNotFound());
  EXPECT_TRUE(ParseEdmx("", "X").status().IsCorruption());
  EXPECT_TRUE(ParseEdmx("<a b=\"unterminated", "X").status().IsCorruption());
  EXPECT_TRUE(ParseEdmx("<a b=c>", "X").status().IsCorruption());
  std::string doc = kEdmx;
  for (size_t cut = 0; cut < doc.size(); cut += 37) {
    (void)ParseEdmx(doc.substr(0, cut), "SalesOrders");  // must not crash
  }
}

TEST(EdmTest, ConvertsV4AndV2JsonValues) {
  auto s = ParseEdmx(kEdmx, "SalesOrders");
  ASSERT_TRUE(s.ok());
  const PropertyInfo& amount = *s->Find("amount");
  auto a = JsonToValue(amount, nlohmann::json(89.19));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = JsonToValue(amount, nlohmann::json("89.19"));  // V2 / IEEE754Compatible
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(*a == *b);
  const PropertyInfo& ts = *s->Find("modifiedAt");
  auto v4 = JsonToValue(ts, nlohmann::json("2024-01-01T00:01:00.000Z"));
  auto v2 = JsonToValue(ts, nlohmann::json("/Date(1704067260000+0000)/"));
  ASSERT_TRUE(v4.ok() && v2.ok());
  EXPECT_EQ(v4->i64, 1704067260000000LL);
  EXPECT_EQ(v2->i64, v4->i64);
  const PropertyInfo& date = *s->Find("orderDate");
  auto d = JsonToValue(date, nlohmann::json("/Date(1704153600000)/"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->i32, 19724);  // 2024-01-02
  const PropertyInfo& item = *s->Find("item");
  auto big = JsonToValue(item, nlohmann::json("9007199254740993"));  // > 2^53 as a string
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->i64, 9007199254740993LL);
  auto bad = JsonToValue(item, nlohmann::json("12x"));
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("property item"), std::string::npos);
  EXPECT_TRUE(JsonToValue(*s->Find("ok"), nlohmann::json("yes")).status().IsInvalidArgument());
  // Decimals beyond the precision are rejected, never truncated.
  EXPECT_TRUE(JsonToValue(amount, nlohmann::json("1234567890123.45")).ok());
  EXPECT_TRUE(JsonToValue(amount, nlohmann::json("12345678901234.5")).status().IsInvalidArgument());
  EXPECT_FALSE(JsonToValue(amount, nlohmann::json("9999999999999999999999999999999999999")).ok());
  // Out-of-range V2 dates are rejected, not thrown.
  EXPECT_FALSE(JsonToValue(ts, nlohmann::json("/Date(99999999999999999999999)/")).ok());
  EXPECT_FALSE(JsonToValue(ts, nlohmann::json("/Date()/")).ok());
  EXPECT_TRUE(JsonToValue(amount, nlohmann::json(nullptr))->is_null());
}

TEST(EdmTest, FilterLiteralsPerVersion) {
  auto s = ParseEdmx(kEdmx, "SalesOrders");
  ASSERT_TRUE(s.ok());
  const PropertyInfo& ts = *s->Find("modifiedAt");
  EXPECT_EQ(FilterLiteral(ts, "2024-01-01T00:00:00.000000Z", false), "2024-01-01T00:00:00.000000Z");
  EXPECT_EQ(FilterLiteral(ts, "2024-01-01T00:00:00Z", true),
            "datetimeoffset'2024-01-01T00:00:00Z'");
  EXPECT_EQ(FilterLiteral(*s->Find("ID"), "O'Brien", false), "'O''Brien'");
  EXPECT_EQ(FilterLiteral(*s->Find("item"), "5", true), "5L");
}

TEST(HttpRetryTest, RetryAfterSecondsAndHttpDates) {
  EXPECT_EQ(ParseRetryAfter("3", 0), 3000);
  EXPECT_EQ(ParseRetryAfter("", 0), -1);
  EXPECT_EQ(ParseRetryAfter("soon", 0), -1);
  // Thu, 01 Jan 1970 00:00:10 GMT is 10 s after the epoch.
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
  EXPECT_TRUE(IsRetryableStatus(429));
  EXPECT_TRUE(IsRetryableStatus(503));
  EXPECT_FALSE(IsRetryableStatus(401));
  EXPECT_FALSE(IsRetryableStatus(404));
}

TEST(HttpRetryTest, ConnectionRefusedIsRetriedThenUnavailable) {
  auto http = MakeCurlHttpClient();
  HttpRequest req;
  req.url = "http://user:secret@127.0.0.1:1/x";
  RetryPolicy p;
  ManualClock clock;
  p.clock = &clock;
  p.initial_backoff_ms = 100;
  auto r = SendWithRetry(*http, req, p);
  std::vector<int64_t> sleeps = clock.SleepsMillis();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable());
  EXPECT_EQ(r.status().message().find("secret"), std::string::npos) << r.status().ToString();
  ASSERT_EQ(sleeps.size(), 3u);
  EXPECT_LE(sleeps[0], 100);
  EXPECT_LE(sleeps[1], 200);
  EXPECT_LE(sleeps[2], 400);
}

TEST(CredentialsTest, EnvironmentBeatsTheSecretsFileAndMissingFieldsAreNamed) {
  setenv("LAKESTREAM_CRED_MY_SAP_USER", "u", 1);
  setenv("LAKESTREAM_CRED_MY_SAP_PASSWORD", "p", 1);
  auto c = LoadCredential("my-sap");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, Credential::Kind::kBasic);
  setenv("LAKESTREAM_CRED_HALF_USER", "u", 1);
  auto half = LoadCredential("half");
  EXPECT_TRUE(half.status().IsInvalidArgument());
  EXPECT_NE(half.status().message().find("password is missing"), std::string::npos);
  unsetenv("LAKESTREAM_SECRETS_FILE");
  EXPECT_TRUE(LoadCredential("absent").status().IsNotFound());
  EXPECT_EQ(UrlEncode("a b&c/é"), "a%20b%26c%2F%C3%A9");
}

TEST(CredentialsTest, SourcesFindTheirCredentialInTheOneSecretsFile) {
  auto fs = io::NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/secrets.yaml", "sap: {type: basic, user: lake, password: pw12}\n"
                                             "btp: {type: oauth, token_url: 'https://l/t', "
                                             "client_id: app, client_secret: cs12, scope: s}\n")
                  .ok());
  io::CredentialResolver::Options o;
  o.env = [](const std::string& v) -> std::optional<std::string> {
    if (v == "LAKESTREAM_SECRETS_FILE") return "/secrets.yaml";
    return std::nullopt;
  };
  o.fs = fs.get();
  io::CredentialResolver r(o);
  auto basic = LoadCredential("sap", &r);
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  EXPECT_EQ(basic->kind, Credential::Kind::kBasic);
  EXPECT_EQ(basic->password, "pw12");
  auto oauth = LoadCredential("btp", &r);
  ASSERT_TRUE(oauth.ok()) << oauth.status().ToString();
  EXPECT_EQ(oauth->kind, Credential::Kind::kOAuthClientCredentials);
  EXPECT_EQ(oauth->client_secret, "cs12");
  EXPECT_EQ(oauth->scope, "s");
  EXPECT_TRUE(LoadCredential("absent", &r).status().IsNotFound());
}

}  // namespace
}  // namespace lakestream::odata
