// A small streaming JSON writer: everything the addon hands to JavaScript is JSON text, so that the
// boundary stays one string per call instead of thousands of N-API object creations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vy {

class JsonWriter {
 public:
  JsonWriter &beginObject() { open('{'); return *this; }
  JsonWriter &endObject() { close('}'); return *this; }
  JsonWriter &beginArray() { open('['); return *this; }
  JsonWriter &endArray() { close(']'); return *this; }

  JsonWriter &key(std::string_view k) {
    separate();
    quote(k);
    out_ += ':';
    afterKey_ = true;
    return *this;
  }

  JsonWriter &value(std::string_view s) { separate(); quote(s); return *this; }
  JsonWriter &value(const char *s) { return s ? value(std::string_view(s)) : null(); }
  JsonWriter &value(const std::string &s) { return value(std::string_view(s)); }
  JsonWriter &value(bool b) { separate(); out_ += b ? "true" : "false"; return *this; }
  JsonWriter &value(int64_t n) { separate(); out_ += std::to_string(n); return *this; }
  JsonWriter &value(uint64_t n) { separate(); out_ += std::to_string(n); return *this; }
  JsonWriter &value(int32_t n) { return value(static_cast<int64_t>(n)); }
  JsonWriter &value(uint32_t n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter &null() { separate(); out_ += "null"; return *this; }

  /** Appends already-serialized JSON as one value (e.g. libyang's own JSON printout). */
  JsonWriter &raw(std::string_view json) { separate(); out_ += json; return *this; }

  /** key + value in one call; a null C string writes nothing at all (optional field absent). */
  template <typename T>
  JsonWriter &field(std::string_view k, const T &v) { key(k); return value(v); }
  JsonWriter &optional(std::string_view k, const char *v) {
    if (v) field(k, v);
    return *this;
  }

  std::string take() { return std::move(out_); }

 private:
  void open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    out_ += c;
    first_.pop_back();
  }
  // A value directly after a key needs no comma; any other value does unless it is the first.
  void separate() {
    if (afterKey_) {
      afterKey_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void quote(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out_ += '"';
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            out_ += "\\u00";
            out_ += hex[c >> 4];
            out_ += hex[c & 0xf];
          } else {
            out_ += ch;  // UTF-8 passes through unchanged
          }
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool afterKey_ = false;
};

}  // namespace vy
