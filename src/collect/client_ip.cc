#include "collect/client_ip.h"

#include <arpa/inet.h>
#include <openssl/hmac.h>

#include <cstring>
#include <vector>

namespace lakestream::collect {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ClientIpPolicy> ClientIpPolicy::Make(std::string_view mode, std::string hash_key,
                                            int trusted_proxy_hops) {
  ClientIpPolicy p;
  if (mode == "truncate" || mode.empty()) {
    p.mode_ = IpMode::kTruncate;
  } else if (mode == "hash") {
    if (hash_key.empty()) {
      return Status::InvalidArgument("client_ip: mode hash needs a hash key (client_ip.hash_key_secret)");
    }
    p.mode_ = IpMode::kHash;
  } else if (mode == "keep") {
    p.mode_ = IpMode::kKeep;
  } else if (mode == "drop") {
    p.mode_ = IpMode::kDrop;
  } else {
    return Status::InvalidArgument("client_ip: mode '" + std::string(mode) +
                                   "': expected truncate, hash, keep or drop");
  }
  if (trusted_proxy_hops < 0 || trusted_proxy_hops > 10) {
    return Status::InvalidArgument("client_ip: trusted_proxy_hops must be 0..10");
  }
  p.key_ = std::move(hash_key);
  p.hops_ = trusted_proxy_hops;
  return p;
}

std::string ClientIpPolicy::ClientAddress(std::string_view peer,
                                          std::string_view forwarded_for) const {
  if (hops_ == 0 || forwarded_for.empty()) return std::string(peer);
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= forwarded_for.size()) {
    size_t comma = forwarded_for.find(',', pos);
    if (comma == std::string_view::npos) comma = forwarded_for.size();
    parts.push_back(Trim(forwarded_for.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  // The nearest proxy is the peer; each trusted hop before it appended one entry.
  if (static_cast<int>(parts.size()) < hops_) return std::string(parts.front());
  return std::string(parts[parts.size() - hops_]);
}

std::string ClientIpPolicy::Apply(std::string_view address) const {
  if (mode_ == IpMode::kDrop) return "";
  if (mode_ == IpMode::kKeep) return std::string(address);
  std::string a(address);
  unsigned char buf[16];
  char text[INET6_ADDRSTRLEN];
  bool v4 = inet_pton(AF_INET, a.c_str(), buf) == 1;
  bool v6 = !v4 && inet_pton(AF_INET6, a.c_str(), buf) == 1;
  if (!v4 && !v6) return "";
  if (mode_ == IpMode::kHash) {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), buf, v4 ? 4 : 16, mac, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
      out.push_back(kHex[mac[i] >> 4]);
      out.push_back(kHex[mac[i] & 15]);
    }
    return out;
  }
  if (v4) {
    buf[3] = 0;
    inet_ntop(AF_INET, buf, text, sizeof(text));
  } else {
    std::memset(buf + 6, 0, 10);
    inet_ntop(AF_INET6, buf, text, sizeof(text));
  }
  return text;
}

}  // namespace lakestream::collect
