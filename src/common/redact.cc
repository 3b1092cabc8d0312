#include "common/redact.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <mutex>

#include "common/percent_encode.h"

namespace lakestream {
namespace {

// Registered secrets, newest last. Bounded: refreshed bearer tokens are
// registered each time, and the oldest ones have long expired.
constexpr size_t kMaxSecrets = 4096;

struct Registry {
  std::mutex mu;
  std::deque<std::string> values;
};

Registry& Secrets() {
  static Registry* r = new Registry();
  return *r;
}

char LowerChar(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), LowerChar);
  return out;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Where a NAME=VALUE value ends.
bool EndsValue(char c) {
  return c == '&' || c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
         c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' || c == ']' || c == '}' ||
         c == '\\';
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '~' ||
         c == '+' || c == '/' || c == '=' || c == '-' || c == ':' || c == '%';
}

void ReplaceAll(std::string* text, std::string_view secret) {
  if (secret.size() < 4) return;
  for (size_t p = text->find(secret); p != std::string::npos; p = text->find(secret, p)) {
    text->replace(p, secret.size(), kRedacted);
    p += kRedacted.size();
  }
}

// Rule 2, NAME=VALUE.
void RedactAssignments(std::string* text) {
  for (size_t eq = text->find('='); eq != std::string::npos; eq = text->find('=', eq + 1)) {
    size_t b = eq;
    while (b > 0 && IsNameChar((*text)[b - 1])) --b;
    if (b == eq || !IsCredentialName(std::string_view(*text).substr(b, eq - b))) continue;
    size_t v = eq + 1;
    size_t e = v;
    while (e < text->size() && !EndsValue((*text)[e])) ++e;
    if (e == v || std::string_view(*text).substr(v, e - v) == kRedacted) continue;
    text->replace(v, e - v, kRedacted);
    eq = v + kRedacted.size() - 1;
  }
}

// The end of the JSON string starting at text[open] == '"' (index of the
// closing quote), or npos.
size_t JsonStringEnd(const std::string& text, size_t open) {
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i;
    }
  }
  return std::string::npos;
}

// Rule 2, "NAME":"VALUE".
void RedactJsonFields(std::string* text) {
  size_t i = text->find('"');
  while (i != std::string::npos) {
    size_t close = JsonStringEnd(*text, i);
    if (close == std::string::npos) return;
    size_t k = close + 1;
    while (k < text->size() && ((*text)[k] == ' ' || (*text)[k] == '\t')) ++k;
    if (k < text->size() && (*text)[k] == ':') {
      ++k;
      while (k < text->size() && ((*text)[k] == ' ' || (*text)[k] == '\t')) ++k;
      if (k < text->size() && (*text)[k] == '"' &&
          IsCredentialName(std::string_view(*text).substr(i + 1, close - i - 1))) {
        size_t vend = JsonStringEnd(*text, k);
        if (vend == std::string::npos) return;
        if (std::string_view(*text).substr(k + 1, vend - k - 1) != kRedacted) {
          text->replace(k + 1, vend - k - 1, kRedacted);
          vend = k + 1 + kRedacted.size();
        }
        i = text->find('"', vend + 1);
        continue;
      }
    }
    i = text->find('"', close + 1);
  }
}

// Rule 3: scheme://user:PASSWORD@host.
void RedactUserInfo(std::string* text) {
  for (size_t p = text->find("://"); p != std::string::npos; p = text->find("://", p + 3)) {
    size_t start = p + 3;
    size_t end = start;
    while (end < text->size() && std::string_view("/?# \t\r\n\"'<>").find((*text)[end]) ==
                                     std::string_view::npos) {
      ++end;
    }
    size_t at = std::string_view(*text).substr(start, end - start).rfind('@');
    if (at == std::string_view::npos) continue;
    at += start;
    size_t colon = std::string_view(*text).substr(start, at - start).find(':');
    if (colon == std::string_view::npos) continue;  // user only: not a secret
    colon += start;
    if (std::string_view(*text).substr(colon + 1, at - colon - 1) == kRedacted) continue;
    text->replace(colon + 1, at - colon - 1, kRedacted);
  }
}

// Rule 4: Authorization header values.
void RedactAuthSchemes(std::string* text) {
  std::string lower = Lower(*text);
  for (std::string_view scheme : {"bearer ", "basic ", "sharedkey "}) {
    size_t from = 0;
    while (true) {
      size_t p = lower.find(scheme, from);
      if (p == std::string::npos) break;
      size_t v = p + scheme.size();
      size_t e = v;
      while (e < text->size() && IsTokenChar((*text)[e])) ++e;
      from = v;
      // Prose ("basic authentication") is lower-case letters only; credentials are not.
      bool prose = std::all_of(text->begin() + v, text->begin() + e,
                               [](char c) { return c >= 'a' && c <= 'z'; });
      if (e - v < 8 || prose || std::string_view(*text).substr(v, e - v) == kRedacted) continue;
      text->replace(v, e - v, kRedacted);
      lower.replace(v, e - v, kRedacted);
    }
  }
}

}  // namespace

bool IsCredentialName(std::string_view name) {
  std::string n = Lower(name);
  while (!n.empty() && (n.back() == '.' || n.back() == '-' || n.back() == '_')) n.pop_back();
  if (n.empty()) return false;
  for (std::string_view suffix :
       {"url", "uri", "endpoint", "type", "file", "env", "_id", "-id", "name", "path"}) {
    if (n.ends_with(suffix)) return false;
  }
  if (n == "sig" || n == "pwd" || n.ends_with(".sig") || n.ends_with("_sig")) return true;
  for (std::string_view w : {"password", "passwd", "secret", "token", "apikey", "api_key",
                             "api-key", "accountkey", "accesskey", "signature", "jaas",
                             "private_key", "privatekey"}) {
    if (n.find(w) != std::string::npos) return true;
  }
  return false;
}

void RegisterSecret(std::string_view value) {
  if (value.size() < 4) return;
  Registry& r = Secrets();
  std::lock_guard<std::mutex> lock(r.mu);
  for (std::string v : {std::string(value), PercentEncode(value)}) {
    if (std::find(r.values.begin(), r.values.end(), v) != r.values.end()) continue;
    r.values.push_back(std::move(v));
    if (r.values.size() > kMaxSecrets) r.values.pop_front();
  }
}

std::string Redact(std::string_view text, const std::vector<std::string>& extra_secrets) {
  std::string out(text);
  for (const std::string& s : extra_secrets) {
    ReplaceAll(&out, s);
    ReplaceAll(&out, PercentEncode(s));
  }
  {
    Registry& r = Secrets();
    std::lock_guard<std::mutex> lock(r.mu);
    // Longest first would be ideal; newest first is good enough (a token is
    // never a substring of another secret in practice).
    for (auto it = r.values.rbegin(); it != r.values.rend(); ++it) ReplaceAll(&out, *it);
  }
  if (out.find('=') != std::string::npos) RedactAssignments(&out);
  if (out.find('"') != std::string::npos) RedactJsonFields(&out);
  if (out.find("://") != std::string::npos) RedactUserInfo(&out);
  RedactAuthSchemes(&out);
  return out;
}

bool UrlHasUserInfo(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) return false;
  std::string_view rest = url.substr(p + 3);
  size_t end = rest.find_first_of("/?#");
  return rest.substr(0, end).find('@') != std::string_view::npos;
}

std::string RedactUrlPath(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) return std::string(kRedacted);
  std::string_view rest = url.substr(p + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string out(url.substr(0, p + 3));
  out += authority;
  if (end != std::string_view::npos) {
    out += '/';
    out += kRedacted;
  }
  return out;
}

}  // namespace lakestream
