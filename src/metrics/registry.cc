#include "metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lakestream::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // First bucket whose upper bound is >= v (Prometheus buckets are "le").
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Concurrent observations may land between the loads; the bucket total is
  // what the exposition reports as _count so the series stay consistent.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> b;
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) b.push_back(v);
  return b;
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

void AppendLabelValue(std::string_view v, std::string* out) {
  for (char c : v) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
}

namespace {

void AppendHelp(std::string_view v, std::string* out) {
  for (char c : v) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
}

// `{a="x",b="y"}` (plus an optional extra pair, e.g. le); nothing when empty.
void AppendLabels(const std::vector<std::string>& names, const LabelValues& values,
                  std::string_view extra_name, std::string_view extra_value, std::string* out) {
  if (names.empty() && extra_name.empty()) return;
  *out += '{';
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) *out += ',';
    first = false;
    *out += names[i];
    *out += "=\"";
    AppendLabelValue(values[i], out);
    *out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) *out += ',';
    *out += extra_name;
    *out += "=\"";
    AppendLabelValue(extra_value, out);
    *out += '"';
  }
  *out += '}';
}

void AppendHeader(const FamilyBase& f, std::string_view help, std::string* out) {
  *out += "# HELP ";
  *out += f.name();
  *out += ' ';
  AppendHelp(help, out);
  *out += "\n# TYPE ";
  *out += f.name();
  switch (f.type()) {
    case MetricType::kCounter:
      *out += " counter\n";
      break;
    case MetricType::kGauge:
      *out += " gauge\n";
      break;
    case MetricType::kHistogram:
      *out += " histogram\n";
      break;
  }
}

void AppendSample(std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& names, const LabelValues& values,
                  std::string_view extra_name, std::string_view extra_value, double v,
                  std::string* out) {
  *out += name;
  *out += suffix;
  AppendLabels(names, values, extra_name, extra_value, out);
  *out += ' ';
  *out += FormatValue(v);
  *out += '\n';
}

}  // namespace

template <>
void Family<Counter>::Expose(std::string* out) const {
  AppendHeader(*this, help_, out);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, c] : children_) {
    AppendSample(name_, "", labels_, values, "", "", c->Value(), out);
  }
}

template <>
void Family<Gauge>::Expose(std::string* out) const {
  AppendHeader(*this, help_, out);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, g] : children_) {
    AppendSample(name_, "", labels_, values, "", "", g->Value(), out);
  }
}

template <>
void Family<Histogram>::Expose(std::string* out) const {
  AppendHeader(*this, help_, out);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, h] : children_) {
    Histogram::Snapshot s = h->Read();
    for (size_t i = 0; i < s.bounds.size(); ++i) {
      AppendSample(name_, "_bucket", labels_, values, "le", FormatValue(s.bounds[i]),
                   static_cast<double>(s.cumulative[i]), out);
    }
    AppendSample(name_, "_bucket", labels_, values, "le", "+Inf", static_cast<double>(s.count),
                 out);
    AppendSample(name_, "_sum", labels_, values, "", "", s.sum, out);
    AppendSample(name_, "_count", labels_, values, "", "", static_cast<double>(s.count), out);
  }
}

Result<FamilyBase*> Registry::Find(const std::string& name, MetricType type,
                                   const std::vector<std::string>& labels) {
  if (!IsValidMetricName(name)) {
    return Status::InvalidArgument("metrics: invalid metric name '" + name + "'");
  }
  for (const std::string& l : labels) {
    if (!IsValidLabelName(l) || (type == MetricType::kHistogram && l == "le")) {
      return Status::InvalidArgument("metrics: " + name + ": invalid label name '" + l + "'");
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) return static_cast<FamilyBase*>(nullptr);
  if (it->second->type() != type || it->second->label_names() != labels) {
    return Status::InvalidArgument("metrics: " + name +
                                   " is already registered with another type or labels");
  }
  return it->second.get();
}

Result<CounterFamily*> Registry::AddCounter(const std::string& name, const std::string& help,
                                            std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FamilyBase * f, Find(name, MetricType::kCounter, labels));
  if (f != nullptr) return static_cast<CounterFamily*>(f);
  auto fam = std::make_unique<CounterFamily>(name, help, std::move(labels), MetricType::kCounter,
                                             [] { return std::make_unique<Counter>(); });
  CounterFamily* p = fam.get();
  families_[name] = std::move(fam);
  return p;
}

Result<GaugeFamily*> Registry::AddGauge(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FamilyBase * f, Find(name, MetricType::kGauge, labels));
  if (f != nullptr) return static_cast<GaugeFamily*>(f);
  auto fam = std::make_unique<GaugeFamily>(name, help, std::move(labels), MetricType::kGauge,
                                           [] { return std::make_unique<Gauge>(); });
  GaugeFamily* p = fam.get();
  families_[name] = std::move(fam);
  return p;
}

Result<HistogramFamily*> Registry::AddHistogram(const std::string& name, const std::string& help,
                                                std::vector<double> bounds,
                                                std::vector<std::string> labels) {
  if (bounds.empty()) return Status::InvalidArgument("metrics: " + name + ": no buckets");
  for (size_t i = 1; i < bounds.size(); ++i) {
    if (!(bounds[i] > bounds[i - 1])) {
      return Status::InvalidArgument("metrics: " + name + ": buckets must increase");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FamilyBase * f, Find(name, MetricType::kHistogram, labels));
  if (f != nullptr) return static_cast<HistogramFamily*>(f);
  auto fam =
      std::make_unique<HistogramFamily>(name, help, std::move(labels), MetricType::kHistogram,
                                        [bounds] { return std::make_unique<Histogram>(bounds); });
  HistogramFamily* p = fam.get();
  families_[name] = std::move(fam);
  return p;
}

void Registry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string Registry::Expose() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hooks = hooks_;
  }
  for (const auto& h : hooks) h();
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, f] : families_) f->Expose(&out);
  return out;
}

}  // namespace lakestream::metrics
