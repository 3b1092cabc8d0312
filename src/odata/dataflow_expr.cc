// Dataflow expressions: parser and evaluator.
#include "odata/dataflow_expr.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace lakestream::odata {
namespace {

const std::set<std::string> kFunctions = {"concat", "upper", "lower", "coalesce",
                                          "year",   "month", "day"};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<ExprNode> Parse() {
    ASSIGN_OR_RETURN(ExprNode e, Sum());
    Skip();
    if (i_ != s_.size()) return Error("unexpected '" + std::string(1, s_[i_]) + "'");
    return e;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("dataflow: expression \"" + std::string(s_) + "\" at " +
                                   std::to_string(i_) + ": " + what);
  }
  void Skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  Result<ExprNode> Sum() {
    ASSIGN_OR_RETURN(ExprNode left, Product());
    for (;;) {
      Skip();
      if (i_ >= s_.size() || (s_[i_] != '+' && s_[i_] != '-')) return left;
      char op = s_[i_++];
      ASSIGN_OR_RETURN(ExprNode right, Product());
      ExprNode n;
      n.kind = ExprNode::Kind::kBinary;
      n.op = op;
      n.args = {std::move(left), std::move(right)};
      left = std::move(n);
    }
  }
  Result<ExprNode> Product() {
    ASSIGN_OR_RETURN(ExprNode left, Unary());
    for (;;) {
      Skip();
      if (i_ >= s_.size() || (s_[i_] != '*' && s_[i_] != '/')) return left;
      char op = s_[i_++];
      ASSIGN_OR_RETURN(ExprNode right, Unary());
      ExprNode n;
      n.kind = ExprNode::Kind::kBinary;
      n.op = op;
      n.args = {std::move(left), std::move(right)};
      left = std::move(n);
    }
  }
  Result<ExprNode> Unary() {
    Skip();
    if (i_ < s_.size() && s_[i_] == '-') {
      ++i_;
      ASSIGN_OR_RETURN(ExprNode inner, Unary());
      ExprNode n;
      n.kind = ExprNode::Kind::kNegate;
      n.args = {std::move(inner)};
      return n;
    }
    return Primary();
  }
  Result<ExprNode> Primary() {
    Skip();
    if (i_ >= s_.size()) return Error("expression ends early");
    char c = s_[i_];
    ExprNode n;
    if (c == '(') {
      ++i_;
      ASSIGN_OR_RETURN(n, Sum());
      Skip();
      if (i_ >= s_.size() || s_[i_] != ')') return Error("missing ')'");
      ++i_;
      return n;
    }
    if (c == '\'') {
      ++i_;
      n.kind = ExprNode::Kind::kString;
      for (;;) {
        if (i_ >= s_.size()) return Error("unterminated string");
        if (s_[i_] == '\'') {
          if (i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
            n.text += '\'';
            i_ += 2;
            continue;
          }
          ++i_;
          return n;
        }
        n.text += s_[i_++];
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t start = i_;
      while (i_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) {
        ++i_;
      }
      std::string num(s_.substr(start, i_ - start));
      char* end = nullptr;
      n.number = std::strtod(num.c_str(), &end);
      if (!end || *end) return Error("bad number " + num);
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i_;
      while (i_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
        ++i_;
      }
      n.text = std::string(s_.substr(start, i_ - start));
      Skip();
      if (i_ < s_.size() && s_[i_] == '(') {
        if (!kFunctions.count(n.text)) return Error("unknown function " + n.text);
        ++i_;
        n.kind = ExprNode::Kind::kCall;
        Skip();
        if (i_ < s_.size() && s_[i_] == ')') return Error(n.text + "() needs arguments");
        for (;;) {
          ASSIGN_OR_RETURN(ExprNode arg, Sum());
          n.args.push_back(std::move(arg));
          Skip();
          if (i_ < s_.size() && s_[i_] == ',') {
            ++i_;
            continue;
          }
          if (i_ < s_.size() && s_[i_] == ')') {
            ++i_;
            break;
          }
          return Error("expected ',' or ')'");
        }
        bool one = n.text != "concat" && n.text != "coalesce";
        if (one && n.args.size() != 1) return Error(n.text + "() takes one argument");
        return n;
      }
      n.kind = ExprNode::Kind::kColumn;
      return n;
    }
    return Error("unexpected '" + std::string(1, c) + "'");
  }

  std::string_view s_;
  size_t i_ = 0;
};

bool ToNumber(const nlohmann::json& v, double* out) {
  if (v.is_number()) {
    *out = v.get<double>();
    return true;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0';
  }
  return false;
}

std::string ToText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

Result<ExprNode> ParseExpr(std::string_view text) { return Parser(text).Parse(); }

void ExprColumns(const ExprNode& e, std::vector<std::string>* out) {
  if (e.kind == ExprNode::Kind::kColumn) out->push_back(e.text);
  for (const auto& a : e.args) ExprColumns(a, out);
}

std::string ExprResultType(const ExprNode& e) {
  if (e.kind == ExprNode::Kind::kString) return "string";
  if (e.kind == ExprNode::Kind::kCall) {
    if (e.text == "concat" || e.text == "upper" || e.text == "lower") return "string";
    if (e.text == "year" || e.text == "month" || e.text == "day") return "integer";
    if (e.text == "coalesce") return ExprResultType(e.args[0]);
  }
  return "double";
}

Result<nlohmann::json> EvalExpr(const ExprNode& e, const nlohmann::json& row) {
  using J = nlohmann::json;
  switch (e.kind) {
    case ExprNode::Kind::kNumber:
      return J(e.number);
    case ExprNode::Kind::kString:
      return J(e.text);
    case ExprNode::Kind::kColumn: {
      auto it = row.find(e.text);
      if (it == row.end()) {
        return Status::InvalidArgument("dataflow: expression column " + e.text + " is unknown");
      }
      return *it;
    }
    case ExprNode::Kind::kNegate: {
      ASSIGN_OR_RETURN(J v, EvalExpr(e.args[0], row));
      if (v.is_null()) return v;
      double d;
      if (!ToNumber(v, &d))
        return Status::InvalidArgument("dataflow: -" + ToText(v) + ": not a number");
      return J(-d);
    }
    case ExprNode::Kind::kBinary: {
      ASSIGN_OR_RETURN(J a, EvalExpr(e.args[0], row));
      ASSIGN_OR_RETURN(J b, EvalExpr(e.args[1], row));
      if (a.is_null() || b.is_null()) return J(nullptr);
      double x, y;
      if (!ToNumber(a, &x) || !ToNumber(b, &y)) {
        return Status::InvalidArgument("dataflow: " + ToText(a) + " " + e.op + " " + ToText(b) +
                                       ": operands must be numbers");
      }
      switch (e.op) {
        case '+':
          return J(x + y);
        case '-':
          return J(x - y);
        case '*':
          return J(x * y);
        default:
          if (y == 0) return J(nullptr);  // as SQL engines with ANSI off: x / 0 is null
          return J(x / y);
      }
    }
    case ExprNode::Kind::kCall: {
      std::vector<J> args;
      for (const auto& a : e.args) {
        ASSIGN_OR_RETURN(J v, EvalExpr(a, row));
        args.push_back(std::move(v));
      }
      if (e.text == "coalesce") {
        for (auto& a : args) {
          if (!a.is_null()) return a;
        }
        return J(nullptr);
      }
      if (e.text == "concat") {
        std::string out;
        for (auto& a : args) {
          if (a.is_null()) return J(nullptr);
          out += ToText(a);
        }
        return J(out);
      }
      const J& v = args[0];
      if (v.is_null()) return J(nullptr);
      std::string s = ToText(v);
      if (e.text == "upper" || e.text == "lower") {
        for (auto& c : s) {
          c = static_cast<char>(e.text == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                                  : std::tolower(static_cast<unsigned char>(c)));
        }
        return J(s);
      }
      // year/month/day of "YYYY-MM-DD..." text.
      if (s.size() < 10 || s[4] != '-' || s[7] != '-') {
        return Status::InvalidArgument("dataflow: " + e.text + "(" + s + "): not a date");
      }
      int pos = e.text == "year" ? 0 : e.text == "month" ? 5 : 8;
      int len = e.text == "year" ? 4 : 2;
      return J(std::atoi(s.substr(static_cast<size_t>(pos), static_cast<size_t>(len)).c_str()));
    }
  }
  return Status::Internal("dataflow: bad expression node");
}

}  // namespace lakestream::odata
