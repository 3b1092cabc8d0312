// Metrics registry: counters, gauges and histograms with labels, exposed in
// the Prometheus text format (version 0.0.4; docs/monitoring.md lists ours).
//
// A metric *family* has a name, help text and label names; each distinct set
// of label values is one child (Counter, Gauge or Histogram). Callers look a
// child up once (WithLabels takes the family's mutex) and keep the reference:
// updates are lock-free atomics, so hot paths pay one atomic add.
//
//   metrics::Registry reg;
//   auto* rows = *reg.AddCounter("lakestream_rows_total", "Rows written", {"table"});
//   metrics::Counter& events = rows->WithLabels({"events"});
//   events.Inc(512);
//   std::string text = reg.Expose();
//
// Collect hooks run at the start of every Expose() (e.g. to set a gauge that
// is computed from the clock, such as freshness).
//
// Thread-safety: everything is safe from any thread. Ownership: the registry
// owns families and children; references stay valid for its lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace lakestream::metrics {

using LabelValues = std::vector<std::string>;

class Counter {
 public:
  // `v` must be >= 0 (negative increments are ignored: counters only grow).
  void Inc(double v = 1) {
    if (v > 0) value_.fetch_add(v, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Dec(double v = 1) { value_.fetch_add(-v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: strictly increasing upper bounds (the +Inf bucket is implicit).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Bucket bounds start, start*factor, ... (count of them).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

enum class MetricType { kCounter, kGauge, kHistogram };

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> labels, MetricType type)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), type_(type) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return labels_; }
  MetricType type() const { return type_; }
  // Appends the HELP, TYPE and sample lines of every child.
  virtual void Expose(std::string* out) const = 0;

 protected:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  MetricType type_;
};

template <typename M>
class Family final : public FamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<M>()>;
  Family(std::string name, std::string help, std::vector<std::string> labels, MetricType type,
         Factory factory)
      : FamilyBase(std::move(name), std::move(help), std::move(labels), type),
        factory_(std::move(factory)) {}

  // The child for these label values (created on first use). The number of
  // values must equal the number of label names (a programmer error
  // otherwise: missing values are taken as "", extra ones are dropped).
  M& WithLabels(LabelValues values) {
    values.resize(labels_.size());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = children_.find(values);
    if (it == children_.end()) it = children_.emplace(std::move(values), factory_()).first;
    return *it->second;
  }
  // Forgets a child (e.g. a Kafka partition no longer assigned).
  void Remove(const LabelValues& values) {
    std::lock_guard<std::mutex> lock(mu_);
    children_.erase(values);
  }
  void Expose(std::string* out) const override;

 private:
  Factory factory_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<M>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  // InvalidArgument for an invalid metric or label name ("le" is reserved
  // for histograms), or when the name is already registered with another
  // type or other labels; the same registration twice returns the existing
  // family.
  Result<CounterFamily*> AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels = {});
  Result<GaugeFamily*> AddGauge(const std::string& name, const std::string& help,
                                std::vector<std::string> labels = {});
  Result<HistogramFamily*> AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<double> bounds,
                                        std::vector<std::string> labels = {});

  // Runs before every Expose(), in registration order.
  void AddCollectHook(std::function<void()> hook);

  // Every family in the text format, families sorted by name.
  std::string Expose() const;

 private:
  Result<FamilyBase*> Find(const std::string& name, MetricType type,
                           const std::vector<std::string>& labels);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
  std::vector<std::function<void()>> hooks_;
};

// Text-format helpers (exposed for tests).
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);
// `1`, `0.25`, `+Inf`, `-Inf`, `NaN`: shortest text that reads back exactly.
std::string FormatValue(double v);
// Label value escaping: backslash, double quote and newline.
void AppendLabelValue(std::string_view v, std::string* out);

}  // namespace lakestream::metrics
