// Compiled YANG types → TypeSpec JSON (see src/validation/schema-model.ts).
#pragma once

#include "compat.h"
#include "json-writer.h"

namespace vy {

/**
 * The parsed form of a type, when known: compilation resolves typedefs and forgets their names,
 * so the names come from the parsed tree (reachable through lysc_node.priv with
 * LY_CTX_SET_PRIV_PARSED). `scope` is the parsed node the type is written in, for typedefs
 * defined inside containers or groupings.
 */
struct ParsedType {
  const struct lysp_type *type = nullptr;
  const struct lysp_node *scope = nullptr;
};

/** Writes one TypeSpec object. */
void writeType(JsonWriter &w, const struct ly_ctx *ctx, const struct lysc_type *type, ParsedType parsed);

/** Writes an XPathExpr object: {text, prefixes}. */
void writeXPath(JsonWriter &w, const struct lyxp_expr *expr, const struct lysc_prefix *prefixes);

/** "module:name" of an identity. */
std::string identityName(const struct lysc_ident *ident);

}  // namespace vy
