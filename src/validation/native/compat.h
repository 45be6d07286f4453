// Every libyang 2-vs-3 API difference the addon depends on, guarded in this one file.
//
// LY_VERSION_MAJOR in <libyang/version.h> is the *soname* major: Debian's libyang2 2.1.30 ships
// 2.29.x, libyang 3.x ships 3.x. Only the 2 branch is built and tested here (Debian 12); the 3 branch
// follows libyang 3's public headers and is kept so that a port starts from a compiling base.
#pragma once

#include <libyang/libyang.h>
#include <libyang/version.h>

#include <cstdint>

namespace vy {

#if LY_VERSION_MAJOR >= 3

// libyang 3: error items are const and carry separate data and schema paths.
using ErrItem = const struct ly_err_item;
inline LY_ERR errCode(ErrItem *e) { return e->err; }
inline const char *errDataPath(ErrItem *e) { return e->data_path; }
inline const char *errSchemaPath(ErrItem *e) { return e->schema_path; }
inline const char *errFreeTextPath(ErrItem *) { return nullptr; }
inline void errClean(const struct ly_ctx *ctx) { ly_err_clean(ctx, nullptr); }

#else

// libyang 2: one `path` field holding free text such as
// `Data location "/a:b[k='v']/c", line number 3.` or `Schema location "/a:b/c".`
using ErrItem = struct ly_err_item;
inline LY_ERR errCode(ErrItem *e) { return e->no; }
inline const char *errDataPath(ErrItem *) { return nullptr; }
inline const char *errSchemaPath(ErrItem *) { return nullptr; }
inline const char *errFreeTextPath(ErrItem *e) { return e->path; }
inline void errClean(const struct ly_ctx *ctx) { ly_err_clean(const_cast<struct ly_ctx *>(ctx), nullptr); }

#endif

// libyang >= 2.1.111 can report every validation error instead of stopping at the first one.
#ifdef LYD_VALIDATE_MULTI_ERROR
constexpr uint32_t kValidateMultiError = LYD_VALIDATE_MULTI_ERROR;
#else
constexpr uint32_t kValidateMultiError = 0;
#endif

// libyang 2 stores compiled default values (struct lyd_value) in the schema; their canonical text
// comes from lyd_value_get_canonical(). Callers pass the node and get nullptr when there is none.
inline const char *leafDefault(const struct ly_ctx *ctx, const struct lysc_node_leaf *leaf) {
  return leaf->dflt ? lyd_value_get_canonical(ctx, leaf->dflt) : nullptr;
}

inline LY_ARRAY_COUNT_TYPE leafListDefaultCount(const struct lysc_node_leaflist *ll) {
  return LY_ARRAY_COUNT(ll->dflts);
}

inline const char *leafListDefault(const struct ly_ctx *ctx, const struct lysc_node_leaflist *ll,
                                   LY_ARRAY_COUNT_TYPE i) {
  return lyd_value_get_canonical(ctx, ll->dflts[i]);
}

}  // namespace vy
