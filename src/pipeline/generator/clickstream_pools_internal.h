// Private to the clickstream generator: the fixed vocabularies events are
// drawn from (countries and cities, device platforms with their user agents,
// product catalogue words, search terms, external referrers).
//
// Every string here is plain text that needs no JSON escaping (no quotes,
// backslashes or control characters; UTF-8 letters are fine), so the
// generator appends them verbatim.
//
// Thread-safety: all pools are immutable after first use; Platforms() builds
// its table once (thread-safe static initialisation).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lakestream::pipeline::internal {

struct Country {
  std::string_view code;      // ISO 3166-1 alpha-2
  int weight;                 // relative share of users
  std::string_view currency;  // ISO 4217
  std::span<const std::string_view> cities;
  std::span<const uint8_t> ip_first_octets;  // plausible first octets for the region
};

enum class FormFactor : uint8_t { kDesktop, kMobile, kTablet };

// One concrete device/software combination. A user keeps one until an
// occasional attribute change moves them to another.
struct Platform {
  std::string os;          // "Windows 11", "iOS 18.1", ...
  std::string browser;     // "Chrome 131", "LakeShop App 5.12.3", ...
  std::string user_agent;  // full User-Agent header
  FormFactor form_factor;
  bool is_app;
  int weight;  // relative share of users
};

struct Screen {
  int width;
  int height;
  int weight;
};

std::span<const Country> Countries();
const std::vector<Platform>& Platforms();
std::span<const Screen> Screens(FormFactor form_factor);

std::span<const std::string_view> Categories();
std::span<const std::string_view> ProductAdjectives();
std::span<const std::string_view> ProductNouns();
std::span<const std::string_view> SearchTerms();
std::span<const std::string_view> ContentPages();  // "/help/shipping", ...
// External referrers for the first page of a session (search, social, mail).
std::span<const std::string_view> ExternalReferrers();
std::span<const std::string_view> UtmSources();
std::span<const std::string_view> PaymentMethods();
std::span<const std::string_view> ClickTargets();
std::span<const std::string_view> Experiments();
std::span<const std::string_view> AppVersions();  // oldest first

}  // namespace lakestream::pipeline::internal
