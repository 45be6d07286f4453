#include "schema-export.h"

#include <map>
#include <set>
#include <vector>

#include "context.h"
#include "json-writer.h"
#include "type-export.h"

namespace vy {

std::string schemaPath(const struct lysc_node *node) {
  std::vector<const struct lysc_node *> chain;
  for (const struct lysc_node *n = node; n; n = n->parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const struct lysc_node *n = *it;
    out += '/';
    if (!n->parent || n->parent->module != n->module) {
      out += n->module->name;
      out += ':';
    }
    out += n->name;
  }
  return out;
}

namespace {

const char *statusOf(uint16_t flags) {
  if (flags & LYS_STATUS_OBSLT) return "obsolete";
  if (flags & LYS_STATUS_DEPRC) return "deprecated";
  return "current";
}

const char *kindOf(uint16_t nodetype) {
  switch (nodetype) {
    case LYS_CONTAINER: return "container";
    case LYS_CHOICE: return "choice";
    case LYS_LEAF: return "leaf";
    case LYS_LEAFLIST: return "leaf-list";
    case LYS_LIST: return "list";
    case LYS_ANYXML: return "anyxml";
    case LYS_ANYDATA: return "anydata";
    case LYS_CASE: return "case";
    case LYS_RPC: return "rpc";
    case LYS_ACTION: return "action";
    case LYS_NOTIF: return "notification";
    case LYS_INPUT: return "input";
    case LYS_OUTPUT: return "output";
    default: return nullptr;
  }
}

bool identityEnabled(const struct lysc_ident *ident) {
  return lys_identity_iffeature_value(ident) != LY_ENOT;
}

// Path of a unique-statement leaf relative to its list ("a/b"), qualified where the module changes.
std::string relativePath(const struct lysc_node *leaf, const struct lysc_node *list) {
  std::vector<const struct lysc_node *> chain;
  for (const struct lysc_node *n = leaf; n && n != list; n = n->parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) out += '/';
    if ((*it)->parent && (*it)->parent->module != (*it)->module) {
      out += (*it)->module->name;
      out += ':';
    }
    out += (*it)->name;
  }
  return out;
}

class Exporter {
 public:
  explicit Exporter(const struct ly_ctx *ctx) : ctx_(ctx) {}

  std::string run(const std::string &contentId) {
    auto modules = allModules(ctx_);
    indexIdentityBases(modules);
    w_.beginObject();
    w_.field("contentId", contentId);
    w_.key("modules").beginArray();
    for (const auto *mod : modules) module(mod);
    w_.endArray();
    w_.endObject();
    return w_.take();
  }

 private:
  // lysc_ident records only derived identities; the bases are the inverse relation.
  void indexIdentityBases(const std::vector<const struct lys_module *> &modules) {
    for (const auto *mod : modules) {
      LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(mod->identities);
      for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
        const struct lysc_ident *base = &mod->identities[i];
        LY_ARRAY_COUNT_TYPE d = LY_ARRAY_COUNT(base->derived);
        for (LY_ARRAY_COUNT_TYPE j = 0; j < d; ++j) bases_[base->derived[j]].push_back(base);
      }
    }
  }

  void module(const struct lys_module *mod) {
    w_.beginObject();
    w_.field("name", mod->name);
    w_.optional("revision", mod->revision);
    w_.field("namespace", mod->ns);
    w_.field("prefix", mod->prefix);
    bool v11 = mod->parsed && mod->parsed->version == LYS_VERSION_1_1;
    w_.field("yangVersion", v11 ? "1.1" : "1.0");
    w_.field("implemented", static_cast<bool>(mod->implemented));
    w_.key("features").beginArray();
    for (const auto &f : enabledFeatures(mod)) w_.value(f);
    w_.endArray();
    w_.key("allFeatures").beginArray();
    for (const auto &f : definedFeatures(mod)) w_.value(f);
    w_.endArray();
    submodules(mod);
    w_.key("deviatedBy").beginArray();
    LY_ARRAY_COUNT_TYPE nd = LY_ARRAY_COUNT(mod->deviated_by);
    for (LY_ARRAY_COUNT_TYPE i = 0; i < nd; ++i) w_.value(mod->deviated_by[i]->name);
    w_.endArray();
    identities(mod);

    const struct lysc_module *c = mod->implemented ? mod->compiled : nullptr;
    w_.key("data").beginArray();
    for (const struct lysc_node *n = c ? c->data : nullptr; n; n = n->next) node(n);
    w_.endArray();
    w_.key("rpcs").beginArray();
    for (const struct lysc_node_action *a = c ? c->rpcs : nullptr; a; a = reinterpret_cast<const struct lysc_node_action *>(a->next)) {
      node(&a->node);
    }
    w_.endArray();
    w_.key("notifications").beginArray();
    for (const struct lysc_node_notif *m = c ? c->notifs : nullptr; m; m = reinterpret_cast<const struct lysc_node_notif *>(m->next)) {
      node(&m->node);
    }
    w_.endArray();
    w_.endObject();
  }

  void submodules(const struct lys_module *mod) {
    w_.key("submodules").beginArray();
    std::set<std::string> seen;
    LY_ARRAY_COUNT_TYPE n = mod->parsed ? LY_ARRAY_COUNT(mod->parsed->includes) : 0;
    for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
      const struct lysp_include &inc = mod->parsed->includes[i];
      if (!seen.insert(inc.name).second) continue;
      w_.beginObject();
      w_.field("name", inc.name);
      const struct lysp_submodule *sub = inc.submodule;
      if (sub && LY_ARRAY_COUNT(sub->revs)) w_.field("revision", sub->revs[0].date);
      w_.endObject();
    }
    w_.endArray();
  }

  void identities(const struct lys_module *mod) {
    w_.key("identities").beginArray();
    LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(mod->identities);
    for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
      const struct lysc_ident *ident = &mod->identities[i];
      if (!identityEnabled(ident)) continue;
      w_.beginObject();
      w_.field("name", identityName(ident));
      w_.key("bases").beginArray();
      auto it = bases_.find(ident);
      if (it != bases_.end()) {
        for (const auto *b : it->second) w_.value(identityName(b));
      }
      w_.endArray();
      w_.key("derived").beginArray();
      std::set<const struct lysc_ident *> seen;
      std::vector<const struct lysc_ident *> stack{ident};
      while (!stack.empty()) {
        const struct lysc_ident *cur = stack.back();
        stack.pop_back();
        LY_ARRAY_COUNT_TYPE d = LY_ARRAY_COUNT(cur->derived);
        for (LY_ARRAY_COUNT_TYPE j = 0; j < d; ++j) {
          const struct lysc_ident *der = cur->derived[j];
          if (!identityEnabled(der) || !seen.insert(der).second) continue;
          w_.value(identityName(der));
          stack.push_back(der);
        }
      }
      w_.endArray();
      w_.field("status", statusOf(ident->flags));
      w_.endObject();
    }
    w_.endArray();
  }

  void node(const struct lysc_node *n) {
    const char *kind = kindOf(n->nodetype);
    if (!kind) return;
    w_.beginObject();
    w_.field("kind", kind);
    w_.field("name", n->name);
    w_.field("module", n->module->name);
    w_.field("path", schemaPath(n));
    w_.field("config", (n->flags & LYS_CONFIG_W) != 0);
    w_.field("status", statusOf(n->flags));
    w_.optional("description", n->dsc);
    whens(n);
    musts(n);
    switch (n->nodetype) {
      case LYS_CONTAINER:
        w_.field("presence", (n->flags & LYS_PRESENCE) != 0);
        children(n);
        break;
      case LYS_LEAF: leaf(reinterpret_cast<const struct lysc_node_leaf *>(n)); break;
      case LYS_LEAFLIST: leafList(reinterpret_cast<const struct lysc_node_leaflist *>(n)); break;
      case LYS_LIST: list(reinterpret_cast<const struct lysc_node_list *>(n)); break;
      case LYS_CHOICE: choice(reinterpret_cast<const struct lysc_node_choice *>(n)); break;
      case LYS_CASE: case LYS_INPUT: case LYS_OUTPUT: case LYS_NOTIF:
        children(n);
        break;
      case LYS_ANYXML: case LYS_ANYDATA:
        w_.field("mandatory", (n->flags & LYS_MAND_TRUE) != 0);
        break;
      case LYS_RPC: case LYS_ACTION: {
        auto op = reinterpret_cast<const struct lysc_node_action *>(n);
        w_.key("input");
        node(&op->input.node);
        w_.key("output");
        node(&op->output.node);
        break;
      }
      default: break;
    }
    w_.endObject();
  }

  void whens(const struct lysc_node *n) {
    struct lysc_when **whens = lysc_node_when(n);
    LY_ARRAY_COUNT_TYPE count = LY_ARRAY_COUNT(whens);
    if (!count) return;
    w_.key("when").beginArray();
    for (LY_ARRAY_COUNT_TYPE i = 0; i < count; ++i) {
      const struct lysc_when *when = whens[i];
      w_.beginObject();
      w_.key("expr");
      writeXPath(w_, when->cond, when->prefixes);
      // A node's own when is evaluated on the node itself; one inherited from uses/augment on
      // the parent (libyang records which in `context`; NULL means the root).
      if (!when->context) {
        w_.key("context").null();
      } else if (when->context != n) {
        w_.field("context", schemaPath(when->context));
      }
      w_.endObject();
    }
    w_.endArray();
  }

  void musts(const struct lysc_node *n) {
    struct lysc_must *musts = lysc_node_musts(n);
    LY_ARRAY_COUNT_TYPE count = LY_ARRAY_COUNT(musts);
    if (!count) return;
    w_.key("must").beginArray();
    for (LY_ARRAY_COUNT_TYPE i = 0; i < count; ++i) {
      w_.beginObject();
      w_.key("expr");
      writeXPath(w_, musts[i].cond, musts[i].prefixes);
      w_.optional("errorMessage", musts[i].emsg);
      w_.optional("errorAppTag", musts[i].eapptag);
      w_.endObject();
    }
    w_.endArray();
  }

  // Children, then actions and notifications (YANG 1.1 allows them in containers and lists).
  void children(const struct lysc_node *parent) {
    w_.key("children").beginArray();
    // Cases of one choice share a sibling chain; a case's own children are those it parents.
    for (const struct lysc_node *c = lysc_node_child(parent); c && c->parent == parent; c = c->next) node(c);
    for (const struct lysc_node_action *a = lysc_node_actions(parent); a;
         a = reinterpret_cast<const struct lysc_node_action *>(a->next)) {
      node(&a->node);
    }
    for (const struct lysc_node_notif *m = lysc_node_notifs(parent); m;
         m = reinterpret_cast<const struct lysc_node_notif *>(m->next)) {
      node(&m->node);
    }
    w_.endArray();
  }

  template <typename ParsedLeaf>
  ParsedType parsedTypeOf(const struct lysc_node *n) {
    auto p = static_cast<const struct lysp_node *>(n->priv);
    if (!p || p->nodetype != n->nodetype) return {};
    return {&reinterpret_cast<const ParsedLeaf *>(p)->type, p};
  }

  void leaf(const struct lysc_node_leaf *n) {
    w_.key("type");
    writeType(w_, ctx_, n->type, parsedTypeOf<struct lysp_node_leaf>(&n->node));
    w_.field("mandatory", (n->flags & LYS_MAND_TRUE) != 0);
    w_.optional("default", leafDefault(ctx_, n));
    w_.optional("units", n->units);
    w_.field("isKey", (n->flags & LYS_KEY) != 0);
  }

  void leafList(const struct lysc_node_leaflist *n) {
    w_.key("type");
    writeType(w_, ctx_, n->type, parsedTypeOf<struct lysp_node_leaflist>(&n->node));
    LY_ARRAY_COUNT_TYPE nd = leafListDefaultCount(n);
    if (nd) {
      w_.key("defaults").beginArray();
      for (LY_ARRAY_COUNT_TYPE i = 0; i < nd; ++i) w_.value(leafListDefault(ctx_, n, i));
      w_.endArray();
    }
    w_.optional("units", n->units);
    minMax(&n->node, n->min, n->max);
  }

  void minMax(const struct lysc_node *n, uint32_t min, uint32_t max) {
    w_.field("minElements", min);
    w_.key("maxElements");
    if (max == UINT32_MAX) {
      w_.null();
    } else {
      w_.value(max);
    }
    // libyang marks every state (and operation) list user-ordered so that it keeps the order
    // data arrives in; the export says what the module says.
    uint16_t flags = n->flags;
    auto p = static_cast<const struct lysp_node *>(n->priv);
    if (p && p->nodetype == n->nodetype) flags = p->flags;
    w_.field("orderedBy", (flags & LYS_ORDBY_USER) ? "user" : "system");
  }

  void list(const struct lysc_node_list *n) {
    w_.key("keys").beginArray();
    // libyang places the key leaves first, in key order.
    for (const struct lysc_node *c = n->child; c && (c->flags & LYS_KEY) && c->nodetype == LYS_LEAF; c = c->next) {
      w_.value(c->name);
    }
    w_.endArray();
    w_.key("unique").beginArray();
    LY_ARRAY_COUNT_TYPE nu = LY_ARRAY_COUNT(n->uniques);
    for (LY_ARRAY_COUNT_TYPE i = 0; i < nu; ++i) {
      w_.beginArray();
      LY_ARRAY_COUNT_TYPE nl = LY_ARRAY_COUNT(n->uniques[i]);
      for (LY_ARRAY_COUNT_TYPE j = 0; j < nl; ++j) w_.value(relativePath(&n->uniques[i][j]->node, &n->node));
      w_.endArray();
    }
    w_.endArray();
    minMax(&n->node, n->min, n->max);
    children(&n->node);
  }

  void choice(const struct lysc_node_choice *n) {
    w_.field("mandatory", (n->flags & LYS_MAND_TRUE) != 0);
    if (n->dflt) w_.field("defaultCase", n->dflt->name);
    children(&n->node);
  }

  const struct ly_ctx *ctx_;
  JsonWriter w_;
  std::map<const struct lysc_ident *, std::vector<const struct lysc_ident *>> bases_;
};

}  // namespace

std::string exportSchema(const struct ly_ctx *ctx, const std::string &contentId) {
  return Exporter(ctx).run(contentId);
}

}  // namespace vy
