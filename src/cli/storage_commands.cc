// `lakestream storage ...`: small object-store chores the table commands do
// not cover: create an Azure container, list files under a prefix, show or
// set a blob's access tier, copy a file. Thin: io::FileSystemForUri does it.
#include <iostream>

#include "cli/commands.h"
#include "io/azure_file_system.h"
#include "io/azure_uri.h"
#include "io/file_system_resolver.h"

namespace lakestream::cli {
namespace {

Result<std::shared_ptr<io::AzureFileSystem>> AzureFor(const std::string& uri) {
  if (!io::IsAzureUri(uri)) {
    return Status::InvalidArgument("storage: " + uri + ": not an Azure URI (az://, abfss://)");
  }
  return io::DefaultAzureFileSystem();
}

Result<io::StorageTier> ParseTier(const std::string& name) {
  for (auto t : {io::StorageTier::kHot, io::StorageTier::kCool, io::StorageTier::kCold,
                 io::StorageTier::kArchive}) {
    if (name == io::StorageTierName(t)) return t;
  }
  return Status::InvalidArgument("storage: tier " + name + ": expected Hot, Cool, Cold or Archive");
}

Status MakeContainer(const std::string& uri) {
  ASSIGN_OR_RETURN(auto fs, AzureFor(uri));
  return fs->CreateContainer(uri);
}

Status ListFiles(const std::string& prefix) {
  ASSIGN_OR_RETURN(auto fs, io::FileSystemForUri(prefix));
  ASSIGN_OR_RETURN(auto files, fs->List(prefix));
  for (const auto& f : files) std::cout << f.size << '\t' << f.path << '\n';
  return Status::OK();
}

Status Tier(const std::string& uri, const std::string& tier) {
  ASSIGN_OR_RETURN(auto fs, AzureFor(uri));
  if (tier.empty()) {
    ASSIGN_OR_RETURN(std::string t, fs->GetTier(uri));
    std::cout << t << '\n';
    return Status::OK();
  }
  ASSIGN_OR_RETURN(io::StorageTier t, ParseTier(tier));
  return fs->SetTier(uri, t);
}

Status CopyFile(const std::string& from, const std::string& to) {
  return io::NewRoutingFileSystem()->Copy(from, to);
}

}  // namespace

void AddStorageCommands(CLI::App& app) {
  auto* storage = app.add_subcommand(
      "storage", "Object store chores: containers, listing, access tiers, copies");
  storage->require_subcommand(1);

  static std::string mk_uri;
  auto* mk = storage->add_subcommand("mkcontainer", "Create an Azure container (OK if it exists)");
  mk->add_option("URI", mk_uri, "az://account/container")->required();
  mk->callback([] {
    if (Status s = MakeContainer(mk_uri); !s.ok()) Fail(s);
  });

  static std::string ls_prefix;
  auto* ls = storage->add_subcommand("ls", "List files under a prefix (size, path)");
  ls->add_option("PREFIX", ls_prefix, "A local path or Azure URI prefix")->required();
  ls->callback([] {
    if (Status s = ListFiles(ls_prefix); !s.ok()) Fail(s);
  });

  static std::string tier_uri, tier_name;
  auto* tier = storage->add_subcommand("tier", "Print a blob's access tier, or set it");
  tier->add_option("URI", tier_uri, "An Azure blob URI")->required();
  tier->add_option("TIER", tier_name, "Hot, Cool, Cold or Archive");
  tier->callback([] {
    if (Status s = Tier(tier_uri, tier_name); !s.ok()) Fail(s);
  });

  static std::string cp_from, cp_to;
  auto* cp = storage->add_subcommand("cp", "Copy a file (server side within an Azure account)");
  cp->add_option("FROM", cp_from)->required();
  cp->add_option("TO", cp_to)->required();
  cp->callback([] {
    if (Status s = CopyFile(cp_from, cp_to); !s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
