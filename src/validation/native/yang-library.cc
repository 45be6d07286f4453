#include "yang-library.h"

#include <cstdlib>
#include <memory>

#include "errors.h"

namespace vy {

namespace {

struct TreeDeleter {
  void operator()(struct lyd_node *tree) const { lyd_free_all(tree); }
};

}  // namespace

std::string yangLibraryJson(const struct ly_ctx *ctx, const std::string &contentId,
                            const std::vector<std::string> &datastores) {
  LogCapture log(ctx);
  struct lyd_node *raw = nullptr;
  // libyang fills content-id / module-set-id from a printf format; "%s" keeps ours verbatim.
  if (ly_ctx_get_yanglib_data(ctx, &raw, "%s", contentId.c_str()) != LY_SUCCESS) {
    lyd_free_all(raw);
    log.fail("Cannot build ietf-yang-library data");
  }
  std::unique_ptr<struct lyd_node, TreeDeleter> tree(raw);

  // libyang leaves the datastore list to the caller: every datastore uses the one schema.
  for (const auto &ds : datastores) {
    std::string path = "/ietf-yang-library:yang-library/datastore[name='" + ds + "']/schema";
    struct lyd_node *top = tree.release();
    LY_ERR rc = lyd_new_path(top, ctx, path.c_str(), "complete", 0, nullptr);
    tree.reset(top);
    if (rc != LY_SUCCESS) log.fail("Cannot add datastore \"" + ds + "\" to ietf-yang-library data");
  }
  const struct lys_module *ylib = ly_ctx_get_module_implemented(ctx, "ietf-yang-library");
  if (ylib) {
    struct lyd_node *top = tree.release();
    LY_ERR rc = lyd_validate_module(&top, ylib, 0, nullptr);
    tree.reset(top);
    if (rc != LY_SUCCESS) log.fail("ietf-yang-library data is invalid");
  }

  char *text = nullptr;
  if (lyd_print_mem(&text, lyd_first_sibling(tree.get()), LYD_JSON, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK) != LY_SUCCESS) {
    std::free(text);
    log.fail("Cannot print ietf-yang-library data");
  }
  std::string out = text ? text : "{}";
  std::free(text);
  return out;
}

}  // namespace vy
