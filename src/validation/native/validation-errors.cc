#include "validation-errors.h"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

namespace vy {

namespace {

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

// Calls f for every schema child of `parent` (choice → cases, case → its own children,
// operation → input and output), actions and notifications included; stops when f returns true.
const struct lysc_node *findChild(const struct lysc_node *parent,
                                  const std::function<bool(const struct lysc_node *)> &match) {
  if (parent->nodetype & (LYS_RPC | LYS_ACTION)) {
    auto op = reinterpret_cast<const struct lysc_node_action *>(parent);
    if (match(&op->input.node)) return &op->input.node;
    if (match(&op->output.node)) return &op->output.node;
    return nullptr;
  }
  for (const struct lysc_node *c = lysc_node_child(parent); c && c->parent == parent; c = c->next) {
    if (match(c)) return c;
  }
  for (auto a = lysc_node_actions(parent); a; a = reinterpret_cast<const struct lysc_node_action *>(a->next)) {
    if (match(&a->node)) return &a->node;
  }
  for (auto n = lysc_node_notifs(parent); n; n = reinterpret_cast<const struct lysc_node_notif *>(n->next)) {
    if (match(&n->node)) return &n->node;
  }
  return nullptr;
}

const struct lysc_node *findTopLevel(const struct lys_module *mod, std::string_view name) {
  if (!mod || !mod->compiled) return nullptr;
  for (const struct lysc_node *n = mod->compiled->data; n; n = n->next) {
    if (name == n->name) return n;
  }
  for (const struct lysc_node_action *a = mod->compiled->rpcs; a; a = reinterpret_cast<const struct lysc_node_action *>(a->next)) {
    if (name == a->name) return &a->node;
  }
  for (const struct lysc_node_notif *m = mod->compiled->notifs; m; m = reinterpret_cast<const struct lysc_node_notif *>(m->next)) {
    if (name == m->name) return &m->node;
  }
  return nullptr;
}

bool isUnder(const struct lysc_node *node, const struct lysc_node *ancestor) {
  for (const struct lysc_node *n = node; n; n = n->parent) {
    if (n == ancestor) return true;
  }
  return false;
}

// The case (below `dataParent`) that `node` lives in, if any.
const struct lysc_node *enclosingCase(const struct lysc_node *node, const struct lysc_node *dataParent) {
  for (const struct lysc_node *n = node->parent; n && n != dataParent; n = n->parent) {
    if (n->nodetype == LYS_CASE) return n;
  }
  return nullptr;
}

// What libyang found wrong with a schema node it names without a data location.
enum class Missing { Node, Choice, TooFew, BothCases };

// The case of `choice` that `node` belongs to, or nullptr.
const struct lysc_node *caseOf(const struct lysc_node *node, const struct lysc_node *choice) {
  for (const struct lysc_node *n = node; n && n->parent; n = n->parent) {
    if (n->parent == choice) return n;
  }
  return nullptr;
}

// Whether the data instance `parent` lacks `schema` in the way the error describes.
bool lacks(const struct lyd_node *parent, const struct lysc_node *schema, Missing kind) {
  const struct lysc_node *dataParent = parent->schema;
  const struct lysc_node *inCase = enclosingCase(schema, dataParent);
  bool caseSelected = !inCase;
  bool anyInChoice = false;
  uint32_t count = 0;
  const struct lysc_node *firstCase = nullptr;
  bool twoCases = false;
  for (const struct lyd_node *c = lyd_child(parent); c; c = c->next) {
    if (!c->schema) continue;
    if (c->schema == schema) ++count;
    if (inCase && isUnder(c->schema, inCase)) caseSelected = true;
    if (kind == Missing::Choice && isUnder(c->schema, schema)) anyInChoice = true;
    if (kind == Missing::BothCases) {
      const struct lysc_node *cs = caseOf(c->schema, schema);
      if (cs && firstCase && cs != firstCase) twoCases = true;
      if (cs && !firstCase) firstCase = cs;
    }
  }
  switch (kind) {
    case Missing::BothCases: return twoCases;
    case Missing::Choice: return caseSelected && !anyInChoice;
    case Missing::Node: return caseSelected && count == 0;
    case Missing::TooFew: {
      uint32_t min = 0;
      if (schema->nodetype == LYS_LIST) min = reinterpret_cast<const struct lysc_node_list *>(schema)->min;
      if (schema->nodetype == LYS_LEAFLIST) min = reinterpret_cast<const struct lysc_node_leaflist *>(schema)->min;
      return caseSelected && count < min;
    }
  }
  return false;
}

const struct lyd_node *findLacking(const struct lyd_node *first, const struct lysc_node *dataParent,
                                   const struct lysc_node *schema, Missing kind) {
  for (const struct lyd_node *n = first; n; n = n->next) {
    if (n->schema == dataParent && lacks(n, schema, kind)) return n;
    if (const struct lyd_node *hit = findLacking(lyd_child(n), dataParent, schema, kind)) return hit;
  }
  return nullptr;
}

std::string dataPathOf(const struct lyd_node *node) {
  char *p = lyd_path(node, LYD_PATH_STD, nullptr, 0);
  std::string out = p ? p : "";
  std::free(p);
  return out;
}

// "/mod:name" or "/name": the step that names `schema` below its data parent.
std::string step(const struct lysc_node *schema, const struct lysc_node *dataParent) {
  std::string out = "/";
  if (!dataParent || dataParent->module != schema->module) out += std::string(schema->module->name) + ":";
  return out + schema->name;
}

// libyang reports some errors by schema path only; find the data instance the error is about.
std::string pathOfMissing(const struct ly_ctx *ctx, const struct lyd_node *tree, const LyError &e) {
  const struct lysc_node *schema = findSchemaNode(ctx, e.schemaPath);
  if (!schema) return e.schemaPath;
  Missing kind = startsWith(e.message, "Mandatory choice")      ? Missing::Choice
                 : startsWith(e.message, "Too few")              ? Missing::TooFew
                 : startsWith(e.message, "Data for both cases")  ? Missing::BothCases
                                                                 : Missing::Node;
  if (kind == Missing::BothCases && schema->nodetype != LYS_CHOICE) return e.schemaPath;
  const struct lysc_node *dataParent = lysc_data_parent(schema);
  bool atParent = kind == Missing::Choice || kind == Missing::BothCases;
  std::string tail = atParent ? "" : step(schema, dataParent);
  if (!dataParent) return tail.empty() ? "/" : tail;
  if (const struct lyd_node *hit = findLacking(tree, dataParent, schema, kind)) return dataPathOf(hit) + tail;
  // No instance found (e.g. its parent was never created): the schema path without choice/case.
  char *p = lysc_path(atParent ? dataParent : schema, LYSC_PATH_DATA, nullptr, 0);
  std::string out = p ? p : e.schemaPath;
  std::free(p);
  return out;
}

// A must with its own error-message replaces libyang's "Must condition … not satisfied" text, so
// recognise it by the node's musts.
bool isMustViolation(const struct lyd_node *tree, const std::string &path, const LyError &e) {
  if (!tree || path.empty()) return false;
  struct lyd_node *node = nullptr;
  if (lyd_find_path(tree, path.c_str(), 0, &node) != LY_SUCCESS || !node || !node->schema) return false;
  struct lysc_must *musts = lysc_node_musts(node->schema);
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(musts);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    if (musts[i].emsg && e.message == musts[i].emsg) return true;
    if (musts[i].eapptag && e.appTag == musts[i].eapptag) return true;
  }
  return false;
}

struct Tags {
  const char *tag;
  const char *appTag;  // default app-tag when libyang gives none
};

// RFC 7950 §15 and RFC 6241 appendix A, keyed on libyang 2.1.30's message texts.
Tags classify(const LyError &e, const struct lyd_node *tree, const std::string &path) {
  const std::string &m = e.message;
  switch (e.vecode) {
    case LYVE_SYNTAX: case LYVE_SYNTAX_JSON: case LYVE_SYNTAX_XML:
    case LYVE_SYNTAX_YANG: case LYVE_SYNTAX_YIN:
      return {"malformed-message", nullptr};
    default: break;
  }
  if (startsWith(m, "Mandatory choice")) return {"data-missing", "missing-choice"};
  if (startsWith(m, "Mandatory node")) return {"missing-element", nullptr};
  if (startsWith(m, "List instance is missing its key")) return {"missing-element", nullptr};
  if (startsWith(m, "Too few")) return {"operation-failed", "too-few-elements"};
  if (startsWith(m, "Too many")) return {"operation-failed", "too-many-elements"};
  if (startsWith(m, "Unique data leaf")) return {"operation-failed", "data-not-unique"};
  if (startsWith(m, "Invalid leafref value") || startsWith(m, "Invalid instance-identifier") ||
      e.appTag == "instance-required") {
    return {"data-missing", "instance-required"};
  }
  if (startsWith(m, "Must condition") || isMustViolation(tree, path, e)) {
    return {"operation-failed", "must-violation"};
  }
  // A node whose when is false, or one the schema does not have, cannot exist there.
  if (startsWith(m, "When condition")) return {"unknown-element", nullptr};
  if (startsWith(m, "Node \"") && m.find("not found") != std::string::npos) return {"unknown-element", nullptr};
  if (startsWith(m, "No module named")) return {"unknown-namespace", nullptr};
  if (startsWith(m, "Data for both cases")) return {"bad-element", nullptr};
  if (e.vecode == LYVE_DATA || e.vecode == LYVE_REFERENCE) return {"invalid-value", nullptr};
  return {"operation-failed", nullptr};
}

}  // namespace

const struct lysc_node *findSchemaNode(const struct ly_ctx *ctx, const std::string &path) {
  const struct lysc_node *cur = nullptr;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] != '/') return nullptr;
    size_t end = path.find('/', pos + 1);
    if (end == std::string::npos) end = path.size();
    std::string_view seg(path.data() + pos + 1, end - pos - 1);
    pos = end;
    std::string_view modName = cur ? std::string_view(cur->module->name) : std::string_view();
    auto colon = seg.find(':');
    if (colon != std::string_view::npos) {
      modName = seg.substr(0, colon);
      seg = seg.substr(colon + 1);
    }
    if (!cur) {
      std::string mod(modName);
      cur = findTopLevel(ly_ctx_get_module_implemented(ctx, mod.c_str()), seg);
    } else {
      cur = findChild(cur, [&](const struct lysc_node *c) { return seg == c->name && modName == c->module->name; });
    }
    if (!cur) return nullptr;
  }
  return cur;
}

ValidationIssue toIssue(const LyError &e, const struct ly_ctx *ctx, const struct lyd_node *tree) {
  ValidationIssue issue;
  issue.message = e.message;
  if (!e.dataPath.empty()) {
    issue.path = e.dataPath;
  } else if (!e.schemaPath.empty()) {
    issue.path = pathOfMissing(ctx, tree, e);
  }
  Tags tags = classify(e, tree, issue.path);
  issue.errorTag = tags.tag;
  issue.appTag = !e.appTag.empty() ? e.appTag : (tags.appTag ? tags.appTag : "");
  return issue;
}

}  // namespace vy
