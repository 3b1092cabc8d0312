// Status and Result<T>: how every lakestream function reports failure.
//
// No exceptions cross module boundaries. A function that can fail returns
// Status (no value) or Result<T> (a value or a Status). Callers act on the
// code; the message is for people and leads with context, for example
// "parquet: events/part-0001.parquet: column page_url: dictionary page too large".
//
// Thread-safety: values; safe to copy and move between threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lakestream {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,  // the caller passed something wrong
  kNotFound,         // a file, table, key or version does not exist
  kAlreadyExists,    // create-if-absent found something there
  kCorruption,       // bytes we read are not what the format says
  kIOError,          // the storage failed; not known to be retryable
  kUnavailable,      // transient: retry with backoff
  kConflict,         // lost an optimistic-concurrency race
  kNotSupported,     // valid input using a feature we do not implement
  kInternal,         // a bug in lakestream
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty for OK.
  const std::string& message() const;
  // "Corruption: parquet: ...", or "OK".
  std::string ToString() const;

  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }
  bool IsUnavailable() const { return code() == StatusCode::kUnavailable; }
  bool IsConflict() const { return code() == StatusCode::kConflict; }
  bool IsNotSupported() const { return code() == StatusCode::kNotSupported; }

  // Returns a copy whose message is "context: <old message>" (the outcome
  // flag below is kept). OK stays OK.
  Status WithContext(std::string_view context) const;

  // The outcome flag: the failed operation may or may not have taken effect
  // (an ambiguous commit: the put failed and reading the version back failed
  // too). The code stays the cause's (IOError, Unavailable...). Callers must
  // not undo what the operation would have published, e.g. delete the data
  // files a maybe-committed Delta commit references. OK stays OK.
  Status WithOutcomeUnknown() const;
  bool outcome_unknown() const { return state_ != nullptr && state_->outcome_unknown; }

 private:
  struct State {
    StatusCode code;
    std::string message;
    bool outcome_unknown = false;
  };
  // Null when OK, so the success path is one pointer test and no allocation.
  std::shared_ptr<const State> state_;
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T ValueOr(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace lakestream

#define LS_CONCAT_INNER(a, b) a##b
#define LS_CONCAT(a, b) LS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` (a Status or a
// Result) is not OK.
#define RETURN_IF_ERROR(expr)                                              \
  do {                                                                     \
    auto&& _ls_st = (expr);                                                \
    if (!_ls_st.ok()) return ::lakestream::internal::GetStatus(_ls_st);    \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise
// assigns (or declares) `lhs` from the value: ASSIGN_OR_RETURN(auto x, F());
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(LS_CONCAT(_ls_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                          \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
