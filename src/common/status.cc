#include "common/status.h"

#include "common/redact.h"

namespace lakestream {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message) {
  if (code != StatusCode::kOk) {
    // Every error message is redacted once, here (common/redact.h).
    state_ = std::make_shared<const State>(State{code, Redact(message)});
  }
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code()));
  out += ": ";
  out += state_->message;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += state_->message;
  Status out(code(), std::move(msg));
  return state_->outcome_unknown ? out.WithOutcomeUnknown() : out;
}

Status Status::WithOutcomeUnknown() const {
  if (ok() || state_->outcome_unknown) return *this;
  Status out;
  out.state_ = std::make_shared<const State>(State{state_->code, state_->message, true});
  return out;
}

}  // namespace lakestream
