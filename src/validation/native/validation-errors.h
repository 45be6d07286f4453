// libyang validation errors → NETCONF rpc-error fields (error-tag, error-app-tag, error-path).
#pragma once

#include <string>

#include "errors.h"

namespace vy {

/** One validation failure as the TypeScript ValidationError carries it. */
struct ValidationIssue {
  /** Data path of the offending node ("/ietf-interfaces:interfaces/interface[name='eth0']/mtu"); "" if unknown. */
  std::string path;
  std::string message;
  /** RFC 6241 appendix A error-tag. */
  std::string errorTag;
  /** RFC 7950 §15 error-app-tag or the module's own; "" if none. */
  std::string appTag;
};

/**
 * Maps one libyang error to an issue. `tree` is the parsed data (may be null when parsing
 * failed): it turns libyang's schema-only locations ("Mandatory node … does not exist" names the
 * schema node) into the data path of the instance that lacks the node.
 */
ValidationIssue toIssue(const LyError &error, const struct ly_ctx *ctx, const struct lyd_node *tree);

/**
 * Finds a schema node by the schema path libyang prints ("/mod:a/choice/case/b"; a segment
 * without prefix keeps its parent's module). nullptr when nothing matches.
 */
const struct lysc_node *findSchemaNode(const struct ly_ctx *ctx, const std::string &path);

}  // namespace vy
