// What the collector keeps of a device's IP address (GDPR: an IP address is
// personal data). The policies:
//
//   truncate  (the default) IPv4 to its /24, IPv6 to its /48: "203.0.113.0",
//             "2001:db8:85a3::". Enough for country/region analytics, not
//             enough to single out a household; the same choice as Google
//             Analytics' IP anonymisation and Matomo's default.
//   hash      HMAC-SHA256 of the address under a secret key, first 16 bytes in
//             hex: joins a device's events without storing the address; who
//             holds the key can still test guesses, so it stays personal data.
//   keep      the address as is (needs a lawful basis and a retention policy).
//   drop      no client_ip field at all.
//
// The address is the TCP peer's, or, behind a load balancer, the one
// `trusted_proxy_hops` entries from the right of X-Forwarded-For (each
// trusted proxy appends the address it saw; entries further left are set by
// the client and could be forged).
//
// Thread-safety: a ClientIpPolicy is immutable after construction.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::collect {

enum class IpMode { kTruncate, kHash, kKeep, kDrop };

class ClientIpPolicy {
 public:
  // "truncate", "hash", "keep", "drop"; hash needs a non-empty key.
  // InvalidArgument naming the mode otherwise.
  static Result<ClientIpPolicy> Make(std::string_view mode, std::string hash_key,
                                     int trusted_proxy_hops);

  // The client's address: `peer` (the socket's) or from `forwarded_for`.
  std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;
  // What is stored for `address` under the policy ("" = no field). An
  // unparseable address is stored as "" under truncate/hash (never raw).
  std::string Apply(std::string_view address) const;

  IpMode mode() const { return mode_; }

 private:
  IpMode mode_ = IpMode::kTruncate;
  std::string key_;
  int hops_ = 0;
};

}  // namespace lakestream::collect
