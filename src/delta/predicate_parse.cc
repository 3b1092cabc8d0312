// The predicate parser (recursive descent over a small tokenizer) and
// Expr::ToString.
#include <cctype>
#include <cstring>

#include "delta/predicate.h"

namespace lakestream::delta {
namespace {

struct Token {
  enum class Kind { kEnd, kIdent, kQuotedIdent, kString, kNumber, kOp, kLParen, kRParen, kComma };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t pos = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Expr> Parse() {
    RETURN_IF_ERROR(Tokenize());
    ASSIGN_OR_RETURN(Expr e, Or());
    if (Peek().kind != Token::Kind::kEnd) return Error("unexpected '" + Peek().text + "'");
    return e;
  }

 private:
  // The predicate for error messages, shortened when long (it may be megabytes of input).
  std::string Quoted() const {
    constexpr size_t kMax = 120;
    if (text_.size() <= kMax) return "\"" + std::string(text_) + "\"";
    return "\"" + std::string(text_.substr(0, kMax)) + "...\" (" + std::to_string(text_.size()) +
           " bytes)";
  }
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("delta: predicate " + Quoted() + ": at position " +
                                   std::to_string(Peek().pos) + ": " + what);
  }
  const Token& Peek() const { return tokens_[i_]; }
  Token Next() { return tokens_[i_ < tokens_.size() - 1 ? i_++ : i_]; }
  bool IsKeyword(const char* kw) const {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kIdent || t.text.size() != std::strlen(kw)) return false;
    for (size_t k = 0; k < t.text.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(t.text[k])) != kw[k]) return false;
    }
    return true;
  }

  Status Tokenize() {
    size_t p = 0;
    while (true) {
      while (p < text_.size() && std::isspace(static_cast<unsigned char>(text_[p]))) ++p;
      Token t;
      t.pos = p;
      if (p >= text_.size()) {
        tokens_.push_back(t);
        return Status::OK();
      }
      char c = text_[p];
      if (c == '(' || c == ')' || c == ',') {
        t.kind = c == '('   ? Token::Kind::kLParen
                 : c == ')' ? Token::Kind::kRParen
                            : Token::Kind::kComma;
        t.text = std::string(1, c);
        ++p;
      } else if (c == '\'' || c == '"') {
        t.kind = c == '\'' ? Token::Kind::kString : Token::Kind::kQuotedIdent;
        ++p;
        while (true) {
          if (p >= text_.size()) {
            return Status::InvalidArgument("delta: predicate " + Quoted() +
                                           ": unterminated quote at position " +
                                           std::to_string(t.pos));
          }
          if (text_[p] == c) {
            if (p + 1 < text_.size() && text_[p + 1] == c) {
              t.text.push_back(c);
              p += 2;
              continue;
            }
            ++p;
            break;
          }
          t.text.push_back(text_[p++]);
        }
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
        t.kind = Token::Kind::kNumber;
        size_t start = p++;
        while (p < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[p])) || text_[p] == '.' ||
                ((text_[p] == '-' || text_[p] == '+') &&
                 (text_[p - 1] == 'e' || text_[p - 1] == 'E')))) {
          ++p;
        }
        t.text = std::string(text_.substr(start, p - start));
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Token::Kind::kIdent;
        size_t start = p;
        while (p < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[p])) ||
                                    text_[p] == '_' || text_[p] == '.')) {
          ++p;
        }
        t.text = std::string(text_.substr(start, p - start));
      } else if (c == '=' || c == '<' || c == '>' || c == '!') {
        t.kind = Token::Kind::kOp;
        size_t start = p++;
        if (p < text_.size() && (text_[p] == '=' || (c == '<' && text_[p] == '>'))) ++p;
        t.text = std::string(text_.substr(start, p - start));
        if (t.text == "!") {
          return Status::InvalidArgument("delta: predicate " + Quoted() +
                                         ": '!' at position " + std::to_string(start));
        }
      } else {
        return Status::InvalidArgument("delta: predicate " + Quoted() +
                                       ": unexpected character '" + std::string(1, c) +
                                       "' at position " + std::to_string(p));
      }
      tokens_.push_back(std::move(t));
    }
  }

  Result<Expr> Or() {
    ASSIGN_OR_RETURN(Expr first, And());
    if (!IsKeyword("OR")) return first;
    Expr e;
    e.kind = Expr::Kind::kOr;
    e.children.push_back(std::move(first));
    while (IsKeyword("OR")) {
      Next();
      ASSIGN_OR_RETURN(Expr next, And());
      e.children.push_back(std::move(next));
    }
    return e;
  }

  Result<Expr> And() {
    ASSIGN_OR_RETURN(Expr first, Primary());
    if (!IsKeyword("AND")) return first;
    Expr e;
    e.kind = Expr::Kind::kAnd;
    e.children.push_back(std::move(first));
    while (IsKeyword("AND")) {
      Next();
      ASSIGN_OR_RETURN(Expr next, Primary());
      e.children.push_back(std::move(next));
    }
    return e;
  }

  Result<Expr::Literal> LiteralToken() {
    Token t = Peek();
    Expr::Literal lit;
    if (t.kind == Token::Kind::kString) {
      lit.kind = Expr::Literal::Kind::kString;
    } else if (t.kind == Token::Kind::kNumber) {
      lit.kind = Expr::Literal::Kind::kNumber;
    } else if (IsKeyword("TRUE") || IsKeyword("FALSE")) {
      lit.kind = Expr::Literal::Kind::kBool;
      t.text = IsKeyword("TRUE") ? "true" : "false";
    } else {
      return Error("expected a literal");
    }
    Next();
    lit.text = t.text;
    return lit;
  }

  Result<Expr> Primary() {
    if (Peek().kind == Token::Kind::kLParen) {
      // Each '(' recurses; the bound keeps untrusted input (--where, replaceWhere) from
      // exhausting the stack.
      if (depth_ >= kMaxPredicateDepth) {
        return Error("parentheses nested deeper than " + std::to_string(kMaxPredicateDepth) +
                     " levels");
      }
      ++depth_;
      Next();
      ASSIGN_OR_RETURN(Expr e, Or());
      --depth_;
      if (Peek().kind != Token::Kind::kRParen) return Error("expected ')'");
      Next();
      return e;
    }
    if (Peek().kind != Token::Kind::kIdent && Peek().kind != Token::Kind::kQuotedIdent) {
      return Error("expected a column name");
    }
    Expr e;
    e.column = Next().text;
    if (IsKeyword("IS")) {
      Next();
      e.kind = Expr::Kind::kIsNull;
      if (IsKeyword("NOT")) {
        Next();
        e.kind = Expr::Kind::kIsNotNull;
      }
      if (!IsKeyword("NULL")) return Error("expected NULL");
      Next();
      return e;
    }
    bool negated = false;
    if (IsKeyword("NOT")) {
      Next();
      negated = true;
      if (!IsKeyword("IN")) return Error("expected IN after NOT");
    }
    if (IsKeyword("IN")) {
      Next();
      e.kind = negated ? Expr::Kind::kNotIn : Expr::Kind::kIn;
      if (Peek().kind != Token::Kind::kLParen) return Error("expected '(' after IN");
      Next();
      while (true) {
        ASSIGN_OR_RETURN(Expr::Literal lit, LiteralToken());
        e.literals.push_back(std::move(lit));
        if (Peek().kind == Token::Kind::kComma) {
          Next();
          continue;
        }
        if (Peek().kind != Token::Kind::kRParen) return Error("expected ',' or ')'");
        Next();
        break;
      }
      return e;
    }
    if (Peek().kind != Token::Kind::kOp) return Error("expected a comparison operator");
    std::string op = Next().text;
    e.kind = Expr::Kind::kCompare;
    if (op == "=" || op == "==") {
      e.op = Expr::Op::kEq;
    } else if (op == "!=" || op == "<>") {
      e.op = Expr::Op::kNe;
    } else if (op == "<") {
      e.op = Expr::Op::kLt;
    } else if (op == "<=") {
      e.op = Expr::Op::kLe;
    } else if (op == ">") {
      e.op = Expr::Op::kGt;
    } else if (op == ">=") {
      e.op = Expr::Op::kGe;
    } else {
      return Error("unknown operator " + op);
    }
    ASSIGN_OR_RETURN(Expr::Literal lit, LiteralToken());
    e.literals.push_back(std::move(lit));
    return e;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
  int depth_ = 0;
};

std::string LiteralText(const Expr::Literal& l) {
  if (l.kind != Expr::Literal::Kind::kString) return l.text;
  std::string out = "'";
  for (char c : l.text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

// A column name as the parser reads it back: bare when it is a plain identifier and not a
// keyword, else double-quoted ("" escapes a quote).
std::string ColumnText(const std::string& name) {
  static const char* kKeywords[] = {"AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE"};
  bool plain = !name.empty() &&
               (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  }
  if (plain) {
    for (const char* kw : kKeywords) {
      if (name.size() != std::strlen(kw)) continue;
      bool same = true;
      for (size_t k = 0; k < name.size(); ++k) {
        same = same && std::toupper(static_cast<unsigned char>(name[k])) == kw[k];
      }
      if (same) plain = false;
    }
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

Result<Expr> ParsePredicate(std::string_view text) { return Parser(text).Parse(); }

std::string Expr::ToString() const {
  static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
  switch (kind) {
    case Kind::kAnd:
    case Kind::kOr: {
      std::string out = "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += kind == Kind::kAnd ? " AND " : " OR ";
        out += children[i].ToString();
      }
      return out + ")";
    }
    case Kind::kCompare:
      return ColumnText(column) + " " + kOps[static_cast<int>(op)] + " " + LiteralText(literals[0]);
    case Kind::kIn:
    case Kind::kNotIn: {
      std::string out = ColumnText(column) + (kind == Kind::kIn ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < literals.size(); ++i) {
        if (i > 0) out += ", ";
        out += LiteralText(literals[i]);
      }
      return out + ")";
    }
    case Kind::kIsNull:
      return ColumnText(column) + " IS NULL";
    case Kind::kIsNotNull:
      return ColumnText(column) + " IS NOT NULL";
  }
  return "";
}

}  // namespace lakestream::delta
