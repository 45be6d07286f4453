#include "validate.h"

#include <memory>
#include <vector>

#include "errors.h"
#include "json-writer.h"
#include "validation-errors.h"

namespace vy {

namespace {

struct TreeDeleter {
  void operator()(struct lyd_node *tree) const { lyd_free_all(tree); }
};
using TreePtr = std::unique_ptr<struct lyd_node, TreeDeleter>;

bool blank(const std::string &s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

std::string validateJson(const struct ly_ctx *ctx, const std::string &json, const ValidateOptions &opts) {
  LogCapture log(ctx);
  bool config = opts.datastore == Datastore::Config;
  std::vector<LyError> errors;
  TreePtr tree;

  // Parse first and validate separately: on a validation failure the tree survives, and it is
  // needed to turn libyang's schema-only locations into data paths.
  if (!blank(json)) {
    uint32_t parseOpts = LYD_PARSE_STRICT | LYD_PARSE_ONLY | (config ? LYD_PARSE_NO_STATE : 0);
    struct lyd_node *raw = nullptr;
    LY_ERR rc = lyd_parse_data_mem(ctx, json.c_str(), LYD_JSON, parseOpts, 0, &raw);
    tree.reset(raw);
    if (rc != LY_SUCCESS) {
      errors = log.take();
      if (errors.empty()) errors.push_back({"Invalid JSON data (libyang error " + std::to_string(rc) + ")", "", "", "", LYVE_SYNTAX_JSON, rc});
      tree.reset();
    }
  }
  if (errors.empty()) {
    uint32_t valOpts = (config ? LYD_VALIDATE_NO_STATE : 0) | (opts.presentOnly ? LYD_VALIDATE_PRESENT : 0) |
                       kValidateMultiError;
    struct lyd_node *raw = tree.release();
    LY_ERR rc = lyd_validate_all(&raw, ctx, valOpts, nullptr);
    tree.reset(raw);
    if (rc != LY_SUCCESS) {
      errors = log.take();
      if (errors.empty()) errors.push_back({"Validation failed (libyang error " + std::to_string(rc) + ")", "", "", "", LYVE_DATA, rc});
    }
  }

  JsonWriter w;
  w.beginArray();
  for (const auto &e : errors) {
    ValidationIssue issue = toIssue(e, ctx, tree.get());
    w.beginObject();
    w.field("path", issue.path);
    w.field("message", issue.message);
    w.field("errorTag", issue.errorTag);
    if (!issue.appTag.empty()) w.field("appTag", issue.appTag);
    w.endObject();
  }
  w.endArray();
  return w.take();
}

}  // namespace vy
