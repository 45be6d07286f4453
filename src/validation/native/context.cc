#include "context.h"

#include <algorithm>
#include <cstdio>

#include "errors.h"
#include "json-writer.h"

namespace vy {

Context::Context(const std::vector<std::string> &searchDirs) {
  LogCapture log(nullptr);
  // SET_PRIV_PARSED keeps a link from each compiled node to its parsed node: the schema export
  // needs it for the typedef names, which compilation otherwise forgets.
  // DISABLE_SEARCHDIR_CWD: the agent's working directory must not change which modules load.
  uint16_t options = LY_CTX_SET_PRIV_PARSED | LY_CTX_DISABLE_SEARCHDIR_CWD;
  if (ly_ctx_new(nullptr, options, &ctx_) != LY_SUCCESS || !ctx_) {
    throw LyException("libyang could not create a context", {});
  }
  for (const auto &dir : searchDirs) {
    LogCapture dirLog(ctx_);
    if (ly_ctx_set_searchdir(ctx_, dir.c_str()) != LY_SUCCESS) {
      auto errors = dirLog.take();
      ly_ctx_destroy(ctx_);
      ctx_ = nullptr;
      std::string text = "Cannot use YANG search directory \"" + dir + "\"";
      if (!errors.empty()) text += ": " + joinMessages(errors);
      throw LyException(text, std::move(errors));
    }
  }
}

Context::~Context() {
  if (ctx_) ly_ctx_destroy(ctx_);
}

void Context::loadModules(const std::vector<ModuleRequest> &modules) {
  for (const auto &req : modules) {
    LogCapture log(ctx_);
    std::vector<const char *> features;
    for (const auto &f : req.features) features.push_back(f.c_str());
    features.push_back(nullptr);
    const char *revision = req.revision.empty() ? nullptr : req.revision.c_str();
    const struct lys_module *mod =
        ly_ctx_load_module(ctx_, req.name.c_str(), revision, req.featuresGiven ? features.data() : nullptr);
    std::string label = req.name + (revision ? "@" + req.revision : "");
    if (!mod) log.fail("Cannot load YANG module \"" + label + "\"");
    if (!mod->implemented) {
      // Already present as import-only: implement it now (with the requested features).
      if (lys_set_implemented(const_cast<struct lys_module *>(mod),
                              req.featuresGiven ? features.data() : nullptr) != LY_SUCCESS) {
        log.fail("Cannot implement YANG module \"" + label + "\"");
      }
    }
  }
}

std::vector<const struct lys_module *> allModules(const struct ly_ctx *ctx) {
  std::vector<const struct lys_module *> out;
  uint32_t idx = 0;
  while (const struct lys_module *mod = ly_ctx_get_module_iter(ctx, &idx)) out.push_back(mod);
  return out;
}

std::vector<std::string> definedFeatures(const struct lys_module *mod) {
  std::vector<std::string> out;
  if (!mod->parsed) return out;
  uint32_t idx = 0;
  const struct lysp_feature *f = nullptr;
  while ((f = lysp_feature_next(f, mod->parsed, &idx))) out.emplace_back(f->name);
  return out;
}

std::vector<std::string> enabledFeatures(const struct lys_module *mod) {
  std::vector<std::string> out;
  if (!mod->implemented) return out;
  // lys_feature_value also evaluates the feature's own if-features, as data validation does.
  for (const auto &name : definedFeatures(mod)) {
    if (lys_feature_value(mod, name.c_str()) == LY_SUCCESS) out.push_back(name);
  }
  return out;
}

std::string Context::modulesJson() const {
  JsonWriter w;
  w.beginArray();
  for (const auto *mod : allModules(ctx_)) {
    w.beginObject();
    w.field("name", mod->name);
    w.optional("revision", mod->revision);
    w.field("namespace", mod->ns);
    w.field("implemented", static_cast<bool>(mod->implemented));
    w.key("features").beginArray();
    for (const auto &f : enabledFeatures(mod)) w.value(f);
    w.endArray();
    w.endObject();
  }
  w.endArray();
  return w.take();
}

std::string Context::contentId() const {
  std::vector<std::string> lines;
  for (const auto *mod : allModules(ctx_)) {
    std::string line = std::string(mod->name) + "@" + (mod->revision ? mod->revision : "") +
                       (mod->implemented ? " i" : " -");
    for (const auto &f : enabledFeatures(mod)) line += " +" + f;
    LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(mod->deviated_by);
    for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) line += std::string(" ~") + mod->deviated_by[i]->name;
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  // FNV-1a, 64 bit: stable across runs and platforms, unlike std::hash.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto &line : lines) {
    for (unsigned char c : line) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= '\n';
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace vy
