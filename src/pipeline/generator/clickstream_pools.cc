// Vocabularies for the clickstream generator; see clickstream_pools_internal.h.
#include <array>
#include <string>

#include "pipeline/generator/clickstream_pools_internal.h"

namespace lakestream::pipeline::internal {
namespace {

using sv = std::string_view;

constexpr sv kUsCities[] = {"New York", "Los Angeles", "Chicago", "Houston", "Seattle", "Austin"};
constexpr sv kDeCities[] = {"Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt"};
constexpr sv kGbCities[] = {"London", "Manchester", "Birmingham", "Edinburgh"};
constexpr sv kFrCities[] = {"Paris", "Lyon", "Marseille", "Toulouse"};
constexpr sv kNlCities[] = {"Amsterdam", "Rotterdam", "Utrecht"};
constexpr sv kEsCities[] = {"Madrid", "Barcelona", "Valencia"};
constexpr sv kItCities[] = {"Milan", "Rome", "Turin"};
constexpr sv kPlCities[] = {"Warsaw", "Kraków", "Wrocław"};
constexpr sv kSeCities[] = {"Stockholm", "Göteborg"};
constexpr sv kBrCities[] = {"São Paulo", "Rio de Janeiro", "Belo Horizonte"};
constexpr sv kInCities[] = {"Bengaluru", "Mumbai", "Delhi", "Hyderabad"};
constexpr sv kJpCities[] = {"Tokyo", "Osaka", "Yokohama"};
constexpr sv kCaCities[] = {"Toronto", "Vancouver", "Montreal"};
constexpr sv kAuCities[] = {"Sydney", "Melbourne", "Brisbane"};

constexpr uint8_t kUsOctets[] = {23, 34, 64, 73, 98, 104, 172};
constexpr uint8_t kEuOctets[] = {46, 78, 85, 91, 95, 176, 188};
constexpr uint8_t kLatamOctets[] = {177, 179, 186, 189, 200, 201};
constexpr uint8_t kApacOctets[] = {1, 14, 27, 49, 103, 110, 122, 126};

constexpr Country kCountries[] = {
    {"US", 30, "USD", kUsCities, kUsOctets},  {"DE", 12, "EUR", kDeCities, kEuOctets},
    {"GB", 9, "GBP", kGbCities, kEuOctets},   {"FR", 7, "EUR", kFrCities, kEuOctets},
    {"NL", 4, "EUR", kNlCities, kEuOctets},   {"ES", 4, "EUR", kEsCities, kEuOctets},
    {"IT", 4, "EUR", kItCities, kEuOctets},   {"PL", 3, "PLN", kPlCities, kEuOctets},
    {"SE", 2, "SEK", kSeCities, kEuOctets},   {"BR", 6, "BRL", kBrCities, kLatamOctets},
    {"IN", 8, "INR", kInCities, kApacOctets}, {"JP", 4, "JPY", kJpCities, kApacOctets},
    {"CA", 4, "CAD", kCaCities, kUsOctets},   {"AU", 3, "AUD", kAuCities, kApacOctets},
};

constexpr Screen kDesktopScreens[] = {{1920, 1080, 40}, {1366, 768, 12}, {1536, 864, 12},
                                      {2560, 1440, 14}, {1440, 900, 10}, {3840, 2160, 5},
                                      {1280, 720, 7}};
constexpr Screen kMobileScreens[] = {{390, 844, 22}, {393, 873, 18}, {412, 915, 18},
                                     {360, 800, 16}, {430, 932, 14}, {375, 667, 12}};
constexpr Screen kTabletScreens[] = {{820, 1180, 40}, {768, 1024, 30}, {1024, 1366, 30}};

constexpr sv kCategories[] = {"electronics",     "books", "home-kitchen", "fashion",
                              "sports-outdoors", "toys",  "beauty",       "garden"};
constexpr sv kAdjectives[] = {"wireless", "organic", "compact",    "premium",
                              "vintage",  "smart",   "ergonomic",  "waterproof",
                              "foldable", "classic", "ultralight", "handmade"};
constexpr sv kNouns[] = {"headphones", "backpack",     "coffee-grinder", "desk-lamp",
                         "yoga-mat",   "water-bottle", "sneakers",       "novel",
                         "blender",    "tent",         "keyboard",       "jacket",
                         "puzzle",     "face-serum",   "garden-hose",    "smartwatch"};
constexpr sv kSearchTerms[] = {
    "running shoes",    "bluetooth speaker", "usb c cable", "winter jacket", "coffee beans",
    "gaming mouse",     "standing desk",     "air fryer",   "lego",          "sunscreen",
    "phone case",       "rain boots",        "cookbook",    "led strip",     "office chair",
    "hiking poles",     "noise cancelling",  "gift ideas",  "black friday",  "kids bike",
    "espresso machine", "laptop stand",      "wool socks",  "yoga pants",    "board games"};
constexpr sv kContentPages[] = {"/help/shipping",        "/help/returns", "/about",
                                "/blog/gift-guide-2026", "/stores",       "/deals",
                                "/new-arrivals"};
constexpr sv kExternalReferrers[] = {
    "https://www.google.com/",         "https://www.google.com/",
    "https://www.google.de/",          "https://www.bing.com/",
    "https://duckduckgo.com/",         "https://www.facebook.com/",
    "https://l.instagram.com/",        "https://t.co/",
    "https://www.reddit.com/r/deals/", "https://mail.lakeshop.example/newsletter/2026-11",
    "https://www.youtube.com/",        "https://news.ycombinator.com/"};
constexpr sv kUtmSources[] = {"google",     "facebook", "instagram",
                              "newsletter", "tiktok",   "affiliate"};
constexpr sv kPaymentMethods[] = {"card",      "card",       "card",  "paypal",
                                  "apple_pay", "google_pay", "klarna"};
constexpr sv kClickTargets[] = {"nav-menu",      "hero-banner",     "product-tile", "filter-price",
                                "sort-dropdown", "add-to-wishlist", "size-picker",  "reviews-tab",
                                "footer-link",   "cookie-accept"};
constexpr sv kExperiments[] = {"checkout_v2", "reco_carousel", "free_shipping_banner",
                               "search_ranking_b"};
constexpr sv kAppVersions[] = {"5.9.2", "5.10.0", "5.10.4", "5.11.1", "5.12.0", "5.12.3"};

std::vector<Platform> BuildPlatforms() {
  std::vector<Platform> out;
  auto add = [&](std::string os, std::string browser, std::string ua, FormFactor ff, bool app,
                 int weight) {
    out.push_back({std::move(os), std::move(browser), std::move(ua), ff, app, weight});
  };
  for (int v : {129, 130, 131}) {
    const std::string cv = std::to_string(v);
    add("Windows 11", "Chrome " + cv,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
            cv + ".0.0.0 Safari/537.36",
        FormFactor::kDesktop, false, 9);
    add("Windows 10", "Edge " + cv,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
            cv + ".0.0.0 Safari/537.36 Edg/" + cv + ".0.0.0",
        FormFactor::kDesktop, false, 3);
    add("macOS 15", "Chrome " + cv,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/" +
            cv + ".0.0.0 Safari/537.36",
        FormFactor::kDesktop, false, 3);
    for (int a : {13, 14, 15}) {
      add("Android " + std::to_string(a), "Chrome Mobile " + cv,
          "Mozilla/5.0 (Linux; Android " + std::to_string(a) +
              "; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + cv +
              ".0.0.0 Mobile Safari/537.36",
          FormFactor::kMobile, false, 4);
    }
  }
  for (const char* v : {"17.6", "18.0", "18.1"}) {
    const std::string ver = v;
    std::string under = ver;
    under[under.find('.')] = '_';
    add("iOS " + ver, "Mobile Safari " + ver,
        "Mozilla/5.0 (iPhone; CPU iPhone OS " + under +
            " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" + ver +
            " Mobile/15E148 Safari/604.1",
        FormFactor::kMobile, false, 8);
    add("iPadOS " + ver, "Mobile Safari " + ver,
        "Mozilla/5.0 (iPad; CPU OS " + under +
            " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" + ver +
            " Mobile/15E148 Safari/604.1",
        FormFactor::kTablet, false, 2);
    add("macOS 15", "Safari " + ver,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/" +
            ver + " Safari/605.1.15",
        FormFactor::kDesktop, false, 4);
    add("iOS " + ver, "LakeShop App",
        "LakeShop/5.12.3 (com.lakeshop.ios; build:51203; iPhone15,3; iOS " + ver +
            ") Alamofire/5.9.1",
        FormFactor::kMobile, true, 9);
  }
  for (int v : {131, 132}) {
    const std::string fv = std::to_string(v);
    add("Linux", "Firefox " + fv,
        "Mozilla/5.0 (X11; Linux x86_64; rv:" + fv + ".0) Gecko/20100101 Firefox/" + fv + ".0",
        FormFactor::kDesktop, false, 2);
    add("Windows 11", "Firefox " + fv,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:" + fv + ".0) Gecko/20100101 Firefox/" + fv +
            ".0",
        FormFactor::kDesktop, false, 2);
  }
  for (const char* device : {"Pixel 8", "SM-S921B", "2311DRK48G"}) {
    add("Android 14", "LakeShop App",
        std::string("LakeShop/5.12.3 (com.lakeshop.android; build:51203; Android 14; ") + device +
            ") okhttp/4.12.0",
        FormFactor::kMobile, true, 7);
  }
  return out;
}

}  // namespace

std::span<const Country> Countries() { return kCountries; }

const std::vector<Platform>& Platforms() {
  static const std::vector<Platform> platforms = BuildPlatforms();
  return platforms;
}

std::span<const Screen> Screens(FormFactor form_factor) {
  switch (form_factor) {
    case FormFactor::kDesktop:
      return kDesktopScreens;
    case FormFactor::kMobile:
      return kMobileScreens;
    case FormFactor::kTablet:
      return kTabletScreens;
  }
  return kDesktopScreens;
}

std::span<const std::string_view> Categories() { return kCategories; }
std::span<const std::string_view> ProductAdjectives() { return kAdjectives; }
std::span<const std::string_view> ProductNouns() { return kNouns; }
std::span<const std::string_view> SearchTerms() { return kSearchTerms; }
std::span<const std::string_view> ContentPages() { return kContentPages; }
std::span<const std::string_view> ExternalReferrers() { return kExternalReferrers; }
std::span<const std::string_view> UtmSources() { return kUtmSources; }
std::span<const std::string_view> PaymentMethods() { return kPaymentMethods; }
std::span<const std::string_view> ClickTargets() { return kClickTargets; }
std::span<const std::string_view> Experiments() { return kExperiments; }
std::span<const std::string_view> AppVersions() { return kAppVersions; }

}  // namespace lakestream::pipeline::internal
