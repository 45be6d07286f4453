// Whole-datastore validation of RFC 7951 JSON text.
#pragma once

#include <string>

#include "compat.h"

namespace vy {

enum class Datastore { Config, Operational };

struct ValidateOptions {
  Datastore datastore = Datastore::Config;
  /** Validate only modules that have data in the document (LYD_VALIDATE_PRESENT). */
  bool presentOnly = false;
};

/**
 * Parses and validates `json`; returns a JSON array of ValidationError objects (empty = valid).
 * Never throws for invalid data — only for out-of-memory. Caller holds the context lock (shared).
 */
std::string validateJson(const struct ly_ctx *ctx, const std::string &json, const ValidateOptions &opts);

}  // namespace vy
