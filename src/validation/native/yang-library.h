// ietf-yang-library data of a context, in both RFC 8525 and RFC 7895 (modules-state) form.
#pragma once

#include <string>
#include <vector>

#include "compat.h"

namespace vy {

/**
 * RFC 7951 JSON with "ietf-yang-library:yang-library" (RFC 8525, one schema "complete" shared by
 * `datastores`, e.g. "ietf-datastores:running") and "ietf-yang-library:modules-state" (RFC 7895),
 * both carrying `contentId` as content-id / module-set-id. Throws LyException. Caller holds the lock.
 */
std::string yangLibraryJson(const struct ly_ctx *ctx, const std::string &contentId,
                            const std::vector<std::string> &datastores);

}  // namespace vy
