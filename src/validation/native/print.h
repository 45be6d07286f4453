// YANG / YIN text of a loaded module or submodule, for <get-schema> (RFC 6022).
#pragma once

#include <string>

#include "compat.h"

namespace vy {

enum class SchemaFormat { Yang, Yin };

/**
 * Prints module (or submodule) `name`; revision "" picks the implemented, else the newest,
 * revision. Throws LyException when it is not in the context. Caller holds the context lock.
 */
std::string printModule(const struct ly_ctx *ctx, const std::string &name, const std::string &revision,
                        SchemaFormat format);

}  // namespace vy
