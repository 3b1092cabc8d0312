#include "delta/table_identity.h"

#include <filesystem>
#include <optional>

#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/uri.h"
#include "io/azure_uri.h"

namespace lakestream::delta {
namespace {

// The table id of an existing table; nullopt when there is no table there yet.
Result<std::optional<std::string>> TableId(const std::shared_ptr<LogStore>& store) {
  Result<LogListing> listing = store->List();
  if (!listing.ok()) {
    if (listing.status().IsNotFound()) return std::optional<std::string>();
    return listing.status();
  }
  if (listing->empty()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  return std::optional<std::string>(snap->metadata().id);
}

}  // namespace

Result<std::string> TableLocationKey(std::string_view table) {
  ASSIGN_OR_RETURN(std::string root, NormalizeTableRoot(table));
  if (io::IsAzureUri(root)) return root;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(root, ec);
  if (ec) return Status::InvalidArgument("delta: " + root + ": " + ec.message());
  std::filesystem::path canonical = std::filesystem::weakly_canonical(p, ec);
  if (ec) canonical = p.lexically_normal();
  std::string key = canonical.string();
  while (key.size() > 1 && key.back() == '/') key.pop_back();
  return key;
}

Status RequireDistinctTables(std::string_view context, std::string_view role_a,
                             const std::shared_ptr<LogStore>& a, std::string_view role_b,
                             const std::shared_ptr<LogStore>& b) {
  const std::string& ra = a->table_root();
  const std::string& rb = b->table_root();
  auto same = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(context) + ": " + std::string(role_b) + " table " +
                                   rb + " is the " + std::string(role_a) + " table " + ra + " (" +
                                   why + "); they must differ");
  };
  ASSIGN_OR_RETURN(std::string ka, TableLocationKey(ra));
  ASSIGN_OR_RETURN(std::string kb, TableLocationKey(rb));
  if (ka == kb) return same("both are " + ka);
  ASSIGN_OR_RETURN(std::optional<std::string> id_a, TableId(a));
  if (!id_a || id_a->empty()) return Status::OK();
  ASSIGN_OR_RETURN(std::optional<std::string> id_b, TableId(b));
  if (id_b && *id_b == *id_a) return same("both have table id " + *id_a);
  return Status::OK();
}

Status RequireDistinctTables(std::string_view context, std::string_view role_a,
                             std::string_view a, std::string_view role_b, std::string_view b) {
  ASSIGN_OR_RETURN(auto store_a, LogStore::Open(a));
  ASSIGN_OR_RETURN(auto store_b, LogStore::Open(b));
  return RequireDistinctTables(context, role_a, store_a, role_b, store_b);
}

}  // namespace lakestream::delta
