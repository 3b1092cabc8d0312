// ClickstreamGenerator: see clickstream_generator.h for the event format.
#include "pipeline/generator/clickstream_generator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pipeline/generator/clickstream_pools_internal.h"

namespace lakestream::pipeline {
namespace internal {

// One simulated user: stable attributes plus the state of their current session.
struct SimUser {
  int64_t user_id = 0;
  uint16_t country = 0;      // index into Countries()
  uint16_t city = 0;         // index into that country's cities
  uint16_t platform = 0;     // index into Platforms()
  uint16_t app_version = 0;  // index into AppVersions()
  uint16_t screen_width = 0;
  uint16_t screen_height = 0;
  uint32_t ip = 0;
  uint64_t device_hi = 0;
  uint64_t device_lo = 0;
  bool registered = false;
  int8_t experiment = -1;  // index into Experiments(), -1 if in none
  char variant = 'A';

  // Session state. session_id 0 means "no session yet".
  uint64_t session_id = 0;
  int64_t last_event_us = std::numeric_limits<int64_t>::min();
  std::string page;              // path and query of the current page, "" before the first
  std::string page_referrer;     // full referrer URL of the current page; "" means null
  std::string landing_referrer;  // the session's external referrer; "" means direct
  int product_id = 0;            // product on the current page, 0 if none
  int cart_items = 0;
  int64_t cart_cents = 0;
};

}  // namespace internal

namespace {

using internal::Rng;
using internal::SimUser;

constexpr std::string_view kHost = "https://shop.example";
// After each event, the chance that the user leaves (the next event starts a session).
constexpr double kSessionExitRate = 0.08;
constexpr int64_t kSessionTimeoutUs = 30LL * 60 * 1000000;

enum EventType : uint8_t {
  kPageView,
  kClick,
  kScroll,
  kSearch,
  kAddToCart,
  kRemoveFromCart,
  kBeginCheckout,
  kPurchase,
  kLogin,
  kSignup,
  kVideoPlay,
  kShare,
  kEventTypeCount
};

struct EventTypeInfo {
  std::string_view name;
  int weight;               // per mille of events inside a session
  double mean_duration_ms;  // dwell or interaction time
};

constexpr EventTypeInfo kEventTypes[kEventTypeCount] = {
    {"page_view", 442, 14000},    {"click", 220, 600},       {"scroll", 80, 2500},
    {"search", 70, 1800},         {"add_to_cart", 60, 900},  {"remove_from_cart", 15, 700},
    {"begin_checkout", 25, 4000}, {"purchase", 18, 6000},    {"login", 25, 3500},
    {"signup", 5, 20000},         {"video_play", 30, 45000}, {"share", 10, 1200},
};

// Relative traffic by UTC hour (mean about 1): a daily cycle.
constexpr double kHourlyTraffic[24] = {0.6,  0.5,  0.45, 0.45, 0.5, 0.6,  0.75, 0.9,
                                       1.05, 1.15, 1.2,  1.2,  1.2, 1.25, 1.3,  1.35,
                                       1.35, 1.3,  1.3,  1.35, 1.3, 1.1,  0.9,  0.75};

template <typename T>
std::vector<int> WeightCdf(const T& items) {
  std::vector<int> cdf;
  int total = 0;
  for (const auto& item : items) cdf.push_back(total += item.weight);
  return cdf;
}

size_t PickFromCdf(Rng& rng, const std::vector<int>& cdf) {
  const int r = static_cast<int>(rng.Below(static_cast<uint64_t>(cdf.back())));
  return static_cast<size_t>(std::upper_bound(cdf.begin(), cdf.end(), r) - cdf.begin());
}

template <typename T>
const T& PickUniform(Rng& rng, std::span<const T> items) {
  return items[rng.Below(items.size())];
}

EventType PickEventType(Rng& rng) {
  int r = static_cast<int>(rng.Below(1000));
  for (int t = 0; t < kEventTypeCount; ++t) {
    if ((r -= kEventTypes[t].weight) < 0) return static_cast<EventType>(t);
  }
  return kPageView;
}

// Popular products are much more frequent: ids skew towards 10000.
int PickProduct(Rng& rng) {
  const double u = rng.Uniform();
  return 10000 + static_cast<int>(89999.0 * u * u * u);
}

void AppendProductPath(std::string* out, int product_id) {
  const auto cats = internal::Categories();
  const auto adjs = internal::ProductAdjectives();
  const auto nouns = internal::ProductNouns();
  const auto id = static_cast<size_t>(product_id);
  out->append("/p/");
  out->append(cats[id % cats.size()]);
  out->push_back('/');
  out->append(adjs[id / cats.size() % adjs.size()]);
  out->push_back('-');
  out->append(nouns[id / (cats.size() * adjs.size()) % nouns.size()]);
  out->push_back('-');
  internal::AppendInt(out, product_id);
}

// Search terms are stored with spaces; in a query string they become '+'.
void AppendQueryTerm(std::string* out, std::string_view term) {
  for (char c : term) out->push_back(c == ' ' ? '+' : c);
}

void AppendIp(std::string* out, uint32_t ip) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    internal::AppendInt(out, (ip >> shift) & 0xff);
    if (shift) out->push_back('.');
  }
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

// A nullable string field value: null when s is empty.
void AppendNullableString(std::string* out, std::string_view s) {
  if (s.empty()) {
    out->append("null");
  } else {
    AppendQuoted(out, s);
  }
}

// A product's price in cents, fixed per product: 2.49 .. 299.99, ending in .49 or .99.
int64_t ProductPriceCents(int product_id) {
  uint64_t state = static_cast<uint64_t>(product_id);
  const uint64_t mixed = internal::SplitMix64(state);
  return static_cast<int64_t>(3 + mixed % 298) * 100 - 1 - static_cast<int64_t>(mixed >> 63) * 50;
}

void AssignLocation(Rng& rng, const std::vector<int>& country_cdf, SimUser& user) {
  user.country = static_cast<uint16_t>(PickFromCdf(rng, country_cdf));
  const internal::Country& country = internal::Countries()[user.country];
  const double u = rng.Uniform();
  user.city = static_cast<uint16_t>(static_cast<double>(country.cities.size()) * u * std::sqrt(u));
  const uint32_t first = PickUniform(rng, country.ip_first_octets);
  user.ip = (first << 24) | static_cast<uint32_t>(rng.Below(1u << 16) << 8) |
            static_cast<uint32_t>(rng.Between(1, 254));
}

void AssignPlatform(Rng& rng, const std::vector<int>& platform_cdf, SimUser& user) {
  user.platform = static_cast<uint16_t>(PickFromCdf(rng, platform_cdf));
  const internal::Platform& platform = internal::Platforms()[user.platform];
  const auto screens = internal::Screens(platform.form_factor);
  int total = 0;
  for (const auto& s : screens) total += s.weight;
  int r = static_cast<int>(rng.Below(static_cast<uint64_t>(total)));
  for (const auto& s : screens) {
    if ((r -= s.weight) < 0) {
      user.screen_width = static_cast<uint16_t>(s.width);
      user.screen_height = static_cast<uint16_t>(s.height);
      break;
    }
  }
  user.device_hi = rng.Next();
  user.device_lo = rng.Next();
  const size_t versions = internal::AppVersions().size();
  user.app_version = static_cast<uint16_t>(versions - 1 - std::min<uint64_t>(rng.Below(4), 3));
}

}  // namespace

Status ValidateGeneratorOptions(const GeneratorOptions& o) {
  auto rate_ok = [](double r) { return r >= 0.0 && r <= 1.0; };
  if (!rate_ok(o.malformed_rate)) {
    return Status::InvalidArgument("generator: malformed_rate must be in [0, 1]");
  }
  if (!rate_ok(o.duplicate_rate)) {
    return Status::InvalidArgument("generator: duplicate_rate must be in [0, 1]");
  }
  if (o.malformed_rate + o.duplicate_rate > 1.0) {
    return Status::InvalidArgument("generator: malformed_rate + duplicate_rate exceeds 1");
  }
  if (!rate_ok(o.late_rate))
    return Status::InvalidArgument("generator: late_rate must be in [0, 1]");
  if (!rate_ok(o.attribute_change_rate)) {
    return Status::InvalidArgument("generator: attribute_change_rate must be in [0, 1]");
  }
  if (o.duplicate_window < 1) {
    return Status::InvalidArgument("generator: duplicate_window must be at least 1");
  }
  if (o.users < 1) return Status::InvalidArgument("generator: users must be at least 1");
  if (!(o.events_per_second > 0.0)) {
    return Status::InvalidArgument("generator: events_per_second must be positive");
  }
  if (o.max_lateness_us < 0) {
    return Status::InvalidArgument("generator: max_lateness_us must not be negative");
  }
  // Keep timestamps within years 1970..9999 so they format as four-digit years.
  constexpr int64_t kMaxUs = internal::DaysFromCivil(9000, 1, 1) * 86400LL * 1000000;
  if (o.start_time_us < 0 || o.start_time_us > kMaxUs) {
    return Status::InvalidArgument("generator: start_time_us must be between 1970 and 9000");
  }
  return Status::OK();
}

Result<std::unique_ptr<ClickstreamGenerator>> ClickstreamGenerator::Create(
    const GeneratorOptions& options) {
  RETURN_IF_ERROR(ValidateGeneratorOptions(options));
  return std::unique_ptr<ClickstreamGenerator>(new ClickstreamGenerator(options));
}

ClickstreamGenerator::ClickstreamGenerator(const GeneratorOptions& options)
    : options_(options), rng_(options.seed), clock_us_(options.start_time_us) {
  country_cdf_ = WeightCdf(internal::Countries());
  platform_cdf_ = WeightCdf(internal::Platforms());
  users_.resize(static_cast<size_t>(options_.users));
  for (size_t i = 0; i < users_.size(); ++i) {
    SimUser& user = users_[i];
    // A bijection of the index onto 9-digit ids (the multiplier is a prime
    // coprime to 9e8), so ids are unique but not sequential.
    user.user_id = 100000000 + static_cast<int64_t>(i * 2654435761ULL % 900000000ULL);
    AssignLocation(rng_, country_cdf_, user);
    AssignPlatform(rng_, platform_cdf_, user);
    user.registered = rng_.Chance(0.55);
    if (rng_.Chance(0.4)) {
      user.experiment = static_cast<int8_t>(rng_.Below(internal::Experiments().size()));
    }
    user.variant = rng_.Chance(0.5) ? 'A' : 'B';
  }
  recent_.resize(static_cast<size_t>(options_.duplicate_window));
  buffer_.reserve(2048);
  props_.reserve(512);
}

ClickstreamGenerator::~ClickstreamGenerator() = default;

std::string ClickstreamGenerator::Next() { return std::string(NextView()); }

void ClickstreamGenerator::AppendNext(std::string* out) { out->append(NextView()); }

std::string_view ClickstreamGenerator::NextView() {
  ++generated_;
  const double u = rng_.Uniform();
  if (u < options_.duplicate_rate && recent_count_ > 0) {
    buffer_ = recent_[rng_.Below(recent_count_)];
    ++duplicates_;
    last_kind_ = EventKind::kDuplicate;
    return buffer_;
  }
  WriteEvent();
  if (u >= options_.duplicate_rate && u < options_.duplicate_rate + options_.malformed_rate) {
    Corrupt();
    ++malformed_;
    return buffer_;
  }
  recent_[recent_next_] = buffer_;
  recent_next_ = (recent_next_ + 1) % recent_.size();
  recent_count_ = std::min(recent_count_ + 1, recent_.size());
  last_kind_ = EventKind::kGood;
  return buffer_;
}

void ClickstreamGenerator::AdvanceClock() {
  const int64_t hour = clock_us_ / 3600000000LL % 24;
  const double mean_gap_us = 1e6 / (options_.events_per_second * kHourlyTraffic[hour]);
  clock_us_ += 1 + static_cast<int64_t>(rng_.Exponential(mean_gap_us));
}

void ClickstreamGenerator::Corrupt() {
  std::string& b = buffer_;
  const uint64_t kind = rng_.Below(10);
  if (kind < 4) {
    // Cut anywhere before the closing brace, so the object never closes.
    b.resize(static_cast<size_t>(rng_.Between(1, static_cast<int64_t>(b.size()) - 1)));
    last_kind_ = EventKind::kMalformedTruncated;
  } else if (kind < 8) {
    struct Swap {
      std::string_view key;
      std::string_view bad_value;
    };
    static constexpr Swap kSwaps[] = {{"\"duration_ms\":", "\"abc\""},
                                      {"\"screen_width\":", "\"1920px\""},
                                      {"\"user_id\":", "\"abc\""},
                                      {"\"event_time\":", "\"24/11/2026 10:15\""}};
    const Swap& swap = kSwaps[rng_.Below(std::size(kSwaps))];
    const size_t start = b.find(swap.key) + swap.key.size();
    const size_t end = b.find(',', start);
    b.replace(start, end - start, swap.bad_value);
    last_kind_ = EventKind::kMalformedWrongType;
  } else {
    // event_id is the first field: drop `"event_id":"...",`.
    b.erase(1, b.find(','));
    last_kind_ = EventKind::kMalformedNoEventId;
  }
}

void ClickstreamGenerator::WriteEvent() {
  AdvanceClock();
  int64_t event_us = clock_us_;
  if (options_.late_rate > 0 && rng_.Chance(options_.late_rate)) {
    event_us -= rng_.Between(0, options_.max_lateness_us);
  }

  // Power-law skew: a few users produce most of the events.
  const double pick = rng_.Uniform();
  const size_t index = static_cast<size_t>(static_cast<double>(users_.size()) * pick * pick);
  SimUser& user = users_[std::min(index, users_.size() - 1)];

  if (rng_.Chance(options_.attribute_change_rate)) {
    const uint64_t what = rng_.Below(10);
    if (what < 6) {
      AssignLocation(rng_, country_cdf_, user);  // moved, or a new network
    } else if (what < 8) {
      AssignPlatform(rng_, platform_cdf_, user);  // new device
    } else {
      const auto latest = static_cast<uint16_t>(internal::AppVersions().size() - 1);
      user.app_version = std::min<uint16_t>(latest, user.app_version + 1);
    }
  }

  const bool new_session =
      user.session_id == 0 || event_us - user.last_event_us > kSessionTimeoutUs;
  if (new_session) {
    user.session_id = rng_.Next() | 1;
    user.page.clear();
    user.product_id = 0;
    user.cart_items = 0;
    user.cart_cents = 0;
    user.landing_referrer.clear();
    if (!rng_.Chance(0.35)) {  // 35% direct traffic
      user.landing_referrer = PickUniform(rng_, internal::ExternalReferrers());
    }
  }
  user.last_event_us = std::max(user.last_event_us, event_us);

  const EventType type = new_session ? kPageView : PickEventType(rng_);
  const int64_t revenue_cents = SimulateAction(user, type, new_session);
  FormatEvent(user, type, event_us, revenue_cents);

  if (rng_.Chance(kSessionExitRate)) user.session_id = 0;  // the user leaves
}

int64_t ClickstreamGenerator::SimulateAction(SimUser& user, uint8_t event_type, bool new_session) {
  const auto type = static_cast<EventType>(event_type);
  const internal::Country& country = internal::Countries()[user.country];

  // Moves the user to a new page: the old page becomes the referrer.
  auto navigate = [&](auto&& write_path) {
    if (user.page.empty()) {
      user.page_referrer = user.landing_referrer;
    } else {
      user.page_referrer.assign(kHost);
      user.page_referrer.append(user.page);
    }
    user.page.clear();
    user.product_id = 0;
    write_path(&user.page);
  };

  std::string* p = &props_;
  p->clear();
  p->push_back('{');
  int64_t revenue_cents = -1;  // -1 means null

  switch (type) {
    case kPageView: {
      const uint64_t r = rng_.Below(100);
      std::string_view page_type;
      navigate([&](std::string* path) {
        if (r < 10) {
          page_type = "home";
          path->push_back('/');
        } else if (r < 32) {
          page_type = "category";
          path->append("/c/");
          path->append(PickUniform(rng_, internal::Categories()));
          if (rng_.Chance(0.25)) {
            path->append("?sort=price_asc&page=");
            internal::AppendInt(path, rng_.Between(2, 6));
          }
        } else if (r < 80) {
          page_type = "product";
          user.product_id = PickProduct(rng_);
          AppendProductPath(path, user.product_id);
        } else if (r < 88) {
          page_type = "content";
          path->append(PickUniform(rng_, internal::ContentPages()));
        } else if (r < 94) {
          page_type = "cart";
          path->append("/cart");
        } else {
          page_type = "account";
          path->append("/account/orders");
        }
        if (new_session && !user.landing_referrer.empty() && rng_.Chance(0.4)) {
          path->append(path->find('?') == std::string::npos ? "?" : "&");
          path->append("utm_source=");
          path->append(PickUniform(rng_, internal::UtmSources()));
          path->append("&utm_medium=cpc&utm_campaign=black-friday-2026");
        }
      });
      p->append("\"page_type\":\"");
      p->append(page_type);
      p->append("\",\"load_ms\":");
      internal::AppendInt(p, 120 + static_cast<int64_t>(rng_.Exponential(650)));
      break;
    }
    case kSearch: {
      const std::string_view term = PickUniform(rng_, internal::SearchTerms());
      navigate([&](std::string* path) {
        path->append("/search?q=");
        AppendQueryTerm(path, term);
      });
      p->append("\"query\":\"");
      p->append(term);
      p->append("\",\"results\":");
      internal::AppendInt(p, rng_.Chance(0.08) ? 0 : rng_.Between(1, 480));
      p->append(",\"filters\":[");
      if (rng_.Chance(0.3)) p->append("\"in_stock\"");
      if (rng_.Chance(0.2))
        p->append(p->back() == '[' ? "\"free_shipping\"" : ",\"free_shipping\"");
      p->push_back(']');
      break;
    }
    case kAddToCart:
    case kRemoveFromCart: {
      if (user.product_id == 0) {
        const int product = PickProduct(rng_);
        navigate([&](std::string* path) { AppendProductPath(path, product); });
        user.product_id = product;
      }
      const int64_t qty = rng_.Chance(0.85) ? 1 : rng_.Between(2, 4);
      const int64_t price = ProductPriceCents(user.product_id);
      if (type == kAddToCart) {
        user.cart_items += static_cast<int>(qty);
        user.cart_cents += qty * price;
      } else if (user.cart_items > 0) {
        user.cart_items = std::max<int>(0, user.cart_items - static_cast<int>(qty));
        user.cart_cents = std::max<int64_t>(0, user.cart_cents - qty * price);
      }
      p->append("\"sku\":\"SKU-");
      internal::AppendInt(p, user.product_id);
      p->append("\",\"quantity\":");
      internal::AppendInt(p, qty);
      p->append(",\"unit_price\":");
      internal::AppendFixed(p, price, 2);
      break;
    }
    case kBeginCheckout:
    case kPurchase: {
      if (user.cart_items == 0) {
        const int product = PickProduct(rng_);
        user.cart_items = 1;
        user.cart_cents = ProductPriceCents(product);
      }
      const uint64_t order = ++order_counter_;
      navigate([&](std::string* path) {
        if (type == kBeginCheckout) {
          path->append("/checkout");
        } else {
          path->append("/checkout/confirmation?order=LS-");
          internal::AppendInt(path, 1000000 + static_cast<int64_t>(order));
        }
      });
      p->append("\"items\":");
      internal::AppendInt(p, user.cart_items);
      p->append(",\"currency\":\"");
      p->append(country.currency);
      p->push_back('"');
      if (type == kPurchase) {
        revenue_cents = user.cart_cents + (user.cart_cents < 5000 ? 499 : 0);  // shipping
        p->append(",\"order_id\":\"LS-");
        internal::AppendInt(p, 1000000 + static_cast<int64_t>(order));
        p->append("\",\"payment_method\":\"");
        p->append(PickUniform(rng_, internal::PaymentMethods()));
        p->append("\",\"coupon\":");
        p->append(rng_.Chance(0.2) ? "\"BF2026\"" : "null");
        user.cart_items = 0;
        user.cart_cents = 0;
      } else {
        p->append(",\"cart_value\":");
        internal::AppendFixed(p, user.cart_cents, 2);
      }
      break;
    }
    case kLogin:
    case kSignup: {
      navigate([&](std::string* path) {
        path->append(type == kLogin ? "/account/login" : "/account/signup");
      });
      user.registered = true;
      p->append("\"method\":\"");
      const uint64_t m = rng_.Below(10);
      p->append(m < 6 ? "password" : m < 8 ? "google" : m < 9 ? "apple" : "magic_link");
      p->append("\",\"success\":");
      p->append(rng_.Chance(0.93) ? "true" : "false");
      break;
    }
    case kClick:
    case kScroll:
    case kVideoPlay:
    case kShare:
    default: {
      if (user.page.empty()) navigate([](std::string* path) { path->push_back('/'); });
      if (type == kClick) {
        p->append("\"element\":\"");
        p->append(PickUniform(rng_, internal::ClickTargets()));
        p->append("\",\"x\":");
        internal::AppendInt(p, rng_.Below(user.screen_width));
        p->append(",\"y\":");
        internal::AppendInt(p, rng_.Below(user.screen_height));
      } else if (type == kScroll) {
        p->append("\"depth_pct\":");
        internal::AppendInt(p, 25 * rng_.Between(1, 4));
      } else if (type == kVideoPlay) {
        p->append("\"video_id\":\"vid_");
        internal::AppendHex(p, rng_.Below(4096), 3);
        p->append("\",\"position_s\":");
        internal::AppendInt(p, rng_.Chance(0.7) ? 0 : rng_.Between(1, 300));
      } else {
        p->append("\"channel\":\"");
        p->append(rng_.Chance(0.5) ? "whatsapp" : rng_.Chance(0.5) ? "copy_link" : "email");
        p->push_back('"');
      }
      break;
    }
  }
  if (user.experiment >= 0) {
    p->append(",\"experiment\":\"");
    p->append(internal::Experiments()[static_cast<size_t>(user.experiment)]);
    p->append("\",\"variant\":\"");
    p->push_back(user.variant);
    p->push_back('"');
  }
  p->push_back('}');
  return revenue_cents;
}

void ClickstreamGenerator::FormatEvent(const SimUser& user, uint8_t event_type, int64_t event_us,
                                       int64_t revenue_cents) {
  const auto type = static_cast<EventType>(event_type);
  const internal::Platform& platform = internal::Platforms()[user.platform];
  const internal::Country& country = internal::Countries()[user.country];
  const double mean_ms = kEventTypes[type].mean_duration_ms;
  const int64_t duration_ms =
      std::min<int64_t>(1800000, static_cast<int64_t>(rng_.Exponential(mean_ms)));

  std::string* b = &buffer_;
  b->clear();
  b->append("{\"event_id\":\"");
  internal::AppendUuid(b, rng_.Next(), rng_.Next());
  b->append("\",\"user_id\":");
  internal::AppendInt(b, user.user_id);
  b->append(",\"session_id\":\"");
  internal::AppendHex(b, user.session_id, 16);
  b->append("\",\"device_id\":\"");
  internal::AppendUuid(b, user.device_hi, user.device_lo);
  b->append("\",\"event_type\":\"");
  b->append(kEventTypes[type].name);
  b->append("\",\"event_time\":\"");
  internal::AppendTimestampUs(b, event_us);
  b->append("\",\"page_url\":\"");
  b->append(kHost);
  b->append(user.page);
  b->append("\",\"referrer\":");
  // Apps send no Referer header; only the web reports where a page came from.
  AppendNullableString(b, platform.is_app ? std::string_view() : user.page_referrer);
  b->append(",\"user_agent\":");
  AppendQuoted(b, platform.user_agent);
  b->append(",\"ip\":\"");
  AppendIp(b, user.ip);
  b->append("\",\"country\":");
  AppendQuoted(b, country.code);
  b->append(",\"city\":");
  AppendQuoted(b, country.cities[user.city]);
  b->append(",\"os\":");
  AppendQuoted(b, platform.os);
  b->append(",\"browser\":");
  AppendQuoted(b, platform.browser);
  b->append(",\"screen_width\":");
  internal::AppendInt(b, user.screen_width);
  b->append(",\"screen_height\":");
  internal::AppendInt(b, user.screen_height);
  b->append(",\"duration_ms\":");
  internal::AppendInt(b, duration_ms);
  b->append(",\"revenue\":");
  if (revenue_cents < 0) {
    b->append("null");
  } else {
    internal::AppendFixed(b, revenue_cents, 2);
  }
  b->append(",\"app_version\":");
  AppendQuoted(b, internal::AppVersions()[user.app_version]);
  b->append(",\"logged_in\":");
  b->append(user.registered ? "true" : "false");
  b->append(",\"properties\":");
  b->append(props_);
  b->push_back('}');
}

}  // namespace lakestream::pipeline
