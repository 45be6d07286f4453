#include "print.h"

#include <cstdlib>

#include "errors.h"

namespace vy {

namespace {

std::string takeString(char *s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

}  // namespace

std::string printModule(const struct ly_ctx *ctx, const std::string &name, const std::string &revision,
                        SchemaFormat format) {
  LogCapture log(ctx);
  LYS_OUTFORMAT fmt = format == SchemaFormat::Yin ? LYS_OUT_YIN : LYS_OUT_YANG;
  const char *rev = revision.empty() ? nullptr : revision.c_str();
  std::string label = name + (rev ? "@" + revision : "");

  const struct lys_module *mod = rev ? ly_ctx_get_module(ctx, name.c_str(), rev) : nullptr;
  if (!rev) {
    mod = ly_ctx_get_module_implemented(ctx, name.c_str());
    if (!mod) mod = ly_ctx_get_module_latest(ctx, name.c_str());
  }
  if (mod) {
    char *text = nullptr;
    if (lys_print_mem(&text, mod, fmt, 0) != LY_SUCCESS) {
      std::free(text);
      log.fail("Cannot print YANG module \"" + label + "\"");
    }
    return takeString(text);
  }

  const struct lysp_submodule *sub =
      rev ? ly_ctx_get_submodule(ctx, name.c_str(), rev) : ly_ctx_get_submodule_latest(ctx, name.c_str());
  if (!sub) throw LyException("No YANG module or submodule \"" + label + "\" is loaded", {});
  char *text = nullptr;
  struct ly_out *out = nullptr;
  if (ly_out_new_memory(&text, 0, &out) != LY_SUCCESS) log.fail("Cannot print YANG submodule \"" + label + "\"");
  LY_ERR rc = lys_print_submodule(out, sub, fmt, 0, 0);
  ly_out_free(out, nullptr, 0);  // 0: keep the buffer, it is ours now
  if (rc != LY_SUCCESS) {
    std::free(text);
    log.fail("Cannot print YANG submodule \"" + label + "\"");
  }
  return takeString(text);
}

}  // namespace vy
