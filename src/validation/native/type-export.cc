#include "type-export.h"

#include <cstring>
#include <string>
#include <string_view>

namespace vy {

namespace {

struct BuiltinEntry {
  LY_DATA_TYPE type;
  const char *name;
};

constexpr BuiltinEntry kBuiltins[] = {
    {LY_TYPE_BINARY, "binary"},   {LY_TYPE_UINT8, "uint8"},     {LY_TYPE_UINT16, "uint16"},
    {LY_TYPE_UINT32, "uint32"},   {LY_TYPE_UINT64, "uint64"},   {LY_TYPE_STRING, "string"},
    {LY_TYPE_BITS, "bits"},       {LY_TYPE_BOOL, "boolean"},    {LY_TYPE_DEC64, "decimal64"},
    {LY_TYPE_EMPTY, "empty"},     {LY_TYPE_ENUM, "enumeration"}, {LY_TYPE_IDENT, "identityref"},
    {LY_TYPE_INST, "instance-identifier"}, {LY_TYPE_LEAFREF, "leafref"}, {LY_TYPE_UNION, "union"},
    {LY_TYPE_INT8, "int8"},       {LY_TYPE_INT16, "int16"},     {LY_TYPE_INT32, "int32"},
    {LY_TYPE_INT64, "int64"},
};

const char *builtinName(LY_DATA_TYPE t) {
  for (const auto &b : kBuiltins) {
    if (b.type == t) return b.name;
  }
  return "string";  // LY_TYPE_UNKNOWN never reaches a compiled schema
}

LY_DATA_TYPE builtinType(std::string_view name) {
  for (const auto &b : kBuiltins) {
    if (name == b.name) return b.type;
  }
  return LY_TYPE_UNKNOWN;
}

// ---- typedef names from the parsed tree -------------------------------------------------------

const struct lys_module *resolvePrefix(const struct lysp_module *pmod, std::string_view prefix) {
  if (!pmod || !pmod->mod) return nullptr;
  const char *own = pmod->is_submod ? reinterpret_cast<const struct lysp_submodule *>(pmod)->prefix
                                    : pmod->mod->prefix;
  if (prefix.empty() || prefix == own) return pmod->mod;
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(pmod->imports);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    if (prefix == pmod->imports[i].prefix) return pmod->imports[i].module;
  }
  return nullptr;
}

const struct lysp_tpdf *findIn(const struct lysp_tpdf *tpdfs, std::string_view name) {
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(tpdfs);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    if (name == tpdfs[i].name) return &tpdfs[i];
  }
  return nullptr;
}

struct TypedefRef {
  const struct lys_module *module = nullptr;  // set when the name is a typedef (found or not)
  std::string local;
  const struct lysp_tpdf *tpdf = nullptr;
  bool scoped = false;  // found in a container/grouping rather than at module level
};

TypedefRef lookupTypedef(const struct lysp_type *t, const struct lysp_node *scope) {
  TypedefRef ref;
  if (!t || !t->name) return ref;
  std::string_view name(t->name);
  std::string_view prefix;
  auto colon = name.find(':');
  if (colon != std::string_view::npos) {
    prefix = name.substr(0, colon);
    name = name.substr(colon + 1);
  } else if (builtinType(name) != LY_TYPE_UNKNOWN) {
    return ref;
  }
  ref.module = resolvePrefix(t->pmod, prefix);
  if (!ref.module) return ref;
  ref.local = std::string(name);
  if (ref.module == t->pmod->mod) {
    for (const struct lysp_node *n = scope; n; n = n->parent) {
      if ((ref.tpdf = findIn(lysp_node_typedefs(n), name))) {
        ref.scoped = true;
        return ref;
      }
    }
  }
  const struct lysp_module *pm = ref.module->parsed;
  if (!pm) return ref;
  if ((ref.tpdf = findIn(pm->typedefs, name))) return ref;
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(pm->includes);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    const struct lysp_submodule *sub = pm->includes[i].submodule;
    if (sub && (ref.tpdf = findIn(sub->typedefs, name))) return ref;
  }
  return ref;
}

// Follows typedefs down to the built-in type. Deviations replace a compiled type but the parsed
// node still has the original one; a base mismatch tells us the parsed names no longer apply.
LY_DATA_TYPE parsedBase(ParsedType p) {
  for (int depth = 0; p.type && depth < 32; ++depth) {
    TypedefRef ref = lookupTypedef(p.type, p.scope);
    if (!ref.module) return builtinType(p.type->name);
    if (!ref.tpdf) return LY_TYPE_UNKNOWN;
    p = {&ref.tpdf->type, ref.scoped ? p.scope : nullptr};
  }
  return LY_TYPE_UNKNOWN;
}

// The parsed type that lists a union's members: the type itself or the typedef it derives from.
ParsedType unionSource(ParsedType p) {
  for (int depth = 0; p.type && depth < 32; ++depth) {
    if (LY_ARRAY_COUNT(p.type->types) > 0) return p;
    TypedefRef ref = lookupTypedef(p.type, p.scope);
    if (!ref.tpdf) return {};
    p = {&ref.tpdf->type, ref.scoped ? p.scope : nullptr};
  }
  return {};
}

// ---- restrictions ----------------------------------------------------------------------------

std::string decimal64Text(int64_t v, uint8_t digits) {
  bool negative = v < 0;
  uint64_t magnitude = negative ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  uint64_t scale = 1;
  for (uint8_t i = 0; i < digits; ++i) scale *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / scale);
  if (digits) {
    std::string frac = std::to_string(magnitude % scale);
    out += '.';
    out += std::string(digits - frac.size(), '0') + frac;
  }
  return out;
}

// libyang stores bounds as int64 for signed and decimal64 types, uint64 for the others
// (LY_TYPE_DEC64 is the dividing line in LY_DATA_TYPE).
std::string boundText(int64_t s, uint64_t u, LY_DATA_TYPE base, uint8_t digits) {
  if (base == LY_TYPE_DEC64) return decimal64Text(s, digits);
  if (base > LY_TYPE_DEC64) return std::to_string(s);
  return std::to_string(u);
}

void writeRange(JsonWriter &w, const char *key, const struct lysc_range *r, LY_DATA_TYPE base,
                uint8_t digits = 0) {
  if (!r) return;
  w.key(key).beginObject();
  w.key("intervals").beginArray();
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(r->parts);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    const auto &part = r->parts[i];
    w.beginObject();
    w.field("min", boundText(part.min_64, part.min_u64, base, digits));
    w.field("max", boundText(part.max_64, part.max_u64, base, digits));
    w.endObject();
  }
  w.endArray();
  w.optional("errorMessage", r->emsg);
  w.optional("errorAppTag", r->eapptag);
  w.endObject();
}

void writePatterns(JsonWriter &w, struct lysc_pattern **patterns) {
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(patterns);
  if (!n) return;
  w.key("patterns").beginArray();
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    const struct lysc_pattern *p = patterns[i];
    const char *expr = p->expr ? p->expr : "";
    // The parsed form (lysp_restr) starts with 0x06 (match) or 0x15 (invert-match); the compiled
    // expr of 2.1.30 is already stripped, but a flag byte here would corrupt the regex.
    if (*expr == 0x06 || *expr == 0x15) ++expr;
    w.beginObject();
    w.field("regex", expr);
    w.field("invert", static_cast<bool>(p->inverted));
    w.optional("errorMessage", p->emsg);
    w.optional("errorAppTag", p->eapptag);
    w.endObject();
  }
  w.endArray();
}

void writeBitEnum(JsonWriter &w, const char *key, const char *numberKey,
                  const struct lysc_type_bitenum_item *items, bool isEnum) {
  w.key(key).beginArray();
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(items);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    if (items[i].flags & LYS_DISABLED) continue;  // if-feature false
    w.beginObject();
    w.field("name", items[i].name);
    if (isEnum) {
      w.field(numberKey, items[i].value);
    } else {
      w.field(numberKey, items[i].position);
    }
    w.endObject();
  }
  w.endArray();
}

}  // namespace

std::string identityName(const struct lysc_ident *ident) {
  return std::string(ident->module->name) + ":" + ident->name;
}

void writeXPath(JsonWriter &w, const struct lyxp_expr *expr, const struct lysc_prefix *prefixes) {
  w.beginObject();
  w.field("text", expr ? lyxp_get_expr(expr) : "");
  w.key("prefixes").beginObject();
  LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(prefixes);
  for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
    if (prefixes[i].prefix && prefixes[i].mod) w.field(prefixes[i].prefix, prefixes[i].mod->name);
  }
  w.endObject();
  w.endObject();
}

void writeType(JsonWriter &w, const struct ly_ctx *ctx, const struct lysc_type *type, ParsedType parsed) {
  if (parsed.type && parsedBase(parsed) != type->basetype) parsed = {};
  w.beginObject();
  w.field("base", builtinName(type->basetype));
  if (parsed.type) {
    TypedefRef ref = lookupTypedef(parsed.type, parsed.scope);
    if (ref.module) w.field("typedef", std::string(ref.module->name) + ":" + ref.local);
  }
  switch (type->basetype) {
    case LY_TYPE_INT8: case LY_TYPE_INT16: case LY_TYPE_INT32: case LY_TYPE_INT64:
    case LY_TYPE_UINT8: case LY_TYPE_UINT16: case LY_TYPE_UINT32: case LY_TYPE_UINT64:
      writeRange(w, "range", reinterpret_cast<const struct lysc_type_num *>(type)->range, type->basetype);
      break;
    case LY_TYPE_DEC64: {
      auto dec = reinterpret_cast<const struct lysc_type_dec *>(type);
      writeRange(w, "range", dec->range, type->basetype, dec->fraction_digits);
      w.field("fractionDigits", static_cast<uint32_t>(dec->fraction_digits));
      break;
    }
    case LY_TYPE_STRING: {
      auto str = reinterpret_cast<const struct lysc_type_str *>(type);
      writeRange(w, "length", str->length, type->basetype);
      writePatterns(w, str->patterns);
      break;
    }
    case LY_TYPE_BINARY:
      writeRange(w, "length", reinterpret_cast<const struct lysc_type_bin *>(type)->length, type->basetype);
      break;
    case LY_TYPE_ENUM:
      writeBitEnum(w, "enums", "value", reinterpret_cast<const struct lysc_type_enum *>(type)->enums, true);
      break;
    case LY_TYPE_BITS:
      writeBitEnum(w, "bits", "position", reinterpret_cast<const struct lysc_type_bits *>(type)->bits, false);
      break;
    case LY_TYPE_IDENT: {
      auto ident = reinterpret_cast<const struct lysc_type_identityref *>(type);
      w.key("bases").beginArray();
      LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(ident->bases);
      for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) w.value(identityName(ident->bases[i]));
      w.endArray();
      break;
    }
    case LY_TYPE_LEAFREF: {
      auto lref = reinterpret_cast<const struct lysc_type_leafref *>(type);
      w.key("path");
      writeXPath(w, lref->path, lref->prefixes);
      if (lref->realtype) {
        w.key("target");
        writeType(w, ctx, lref->realtype, {});
      }
      w.field("requireInstance", static_cast<bool>(lref->require_instance));
      break;
    }
    case LY_TYPE_INST:
      w.field("requireInstance",
              static_cast<bool>(reinterpret_cast<const struct lysc_type_instanceid *>(type)->require_instance));
      break;
    case LY_TYPE_UNION: {
      auto uni = reinterpret_cast<const struct lysc_type_union *>(type);
      LY_ARRAY_COUNT_TYPE n = LY_ARRAY_COUNT(uni->types);
      ParsedType src = unionSource(parsed);
      bool aligned = src.type && LY_ARRAY_COUNT(src.type->types) == n;
      w.key("members").beginArray();
      for (LY_ARRAY_COUNT_TYPE i = 0; i < n; ++i) {
        ParsedType member = aligned ? ParsedType{&src.type->types[i], src.scope} : ParsedType{};
        writeType(w, ctx, uni->types[i], member);
      }
      w.endArray();
      break;
    }
    default:
      break;  // boolean, empty: nothing more to say
  }
  w.endObject();
}

}  // namespace vy
