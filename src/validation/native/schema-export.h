// The compiled schema of a whole context → SchemaExport JSON (src/validation/schema-model.ts).
#pragma once

#include <string>

#include "compat.h"

namespace vy {

/** Caller holds the context lock (shared). Throws std::bad_alloc only. */
std::string exportSchema(const struct ly_ctx *ctx, const std::string &contentId);

/**
 * Absolute schema path as schema-model.ts defines it: module-qualified where the module changes,
 * choice, case, input and output included ("/a:top/transport/tcp/tcp-port").
 */
std::string schemaPath(const struct lysc_node *node);

}  // namespace vy
