// One libyang context: search directories, the loaded module set, and the lock that keeps
// libyang's non-thread-safe schema changes away from readers.
#pragma once

#include <shared_mutex>
#include <string>
#include <vector>

#include "compat.h"

namespace vy {

/** A module to load: name, optional revision ("" = the newest found) and features. */
struct ModuleRequest {
  std::string name;
  std::string revision;
  /** false: leave features as they are (all disabled for a newly loaded module). */
  bool featuresGiven = false;
  /** Feature names; a single "*" enables every feature; empty (with featuresGiven) disables all. */
  std::vector<std::string> features;
};

class Context {
 public:
  /** Throws LyException when libyang cannot create the context or a directory is unusable. */
  explicit Context(const std::vector<std::string> &searchDirs);
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  struct ly_ctx *raw() const { return ctx_; }

  /**
   * Exclusive for loading modules, shared for everything that only reads the schema (export,
   * validation, printing). The TypeScript wrapper already serializes calls; this lock makes a
   * mistake there an error instead of a crash.
   */
  std::shared_mutex &lock() { return lock_; }

  /**
   * Loads (and implements) each module in order. Throws LyException naming the first module that
   * fails, with every libyang message; modules loaded before it stay loaded.
   * Caller holds lock() exclusively.
   */
  void loadModules(const std::vector<ModuleRequest> &modules);

  /** JSON array of {name, revision?, namespace, implemented, features[]}. Caller holds lock(). */
  std::string modulesJson() const;

  /**
   * Identifies the module set (names, revisions, implemented flags, enabled features, deviations):
   * equal sets give equal ids, across restarts too. Used as yang-library content-id. Caller holds lock().
   */
  std::string contentId() const;

 private:
  struct ly_ctx *ctx_ = nullptr;
  std::shared_mutex lock_;
};

/** Every module of the context in libyang's order, including internal and import-only ones. */
std::vector<const struct lys_module *> allModules(const struct ly_ctx *ctx);

/** Enabled feature names of an implemented module (none for import-only modules). */
std::vector<std::string> enabledFeatures(const struct lys_module *mod);

/** Every feature the module and its submodules define. */
std::vector<std::string> definedFeatures(const struct lys_module *mod);

}  // namespace vy
