#include "errors.h"

#include <cstring>

namespace vy {

LogCapture::LogCapture(const struct ly_ctx *ctx) : ctx_(ctx), opts_(LY_LOSTORE) {
  ly_temp_log_options(&opts_);
  if (ctx_) errClean(ctx_);
}

LogCapture::~LogCapture() {
  if (ctx_) errClean(ctx_);
  ly_temp_log_options(nullptr);
}

std::vector<LyError> LogCapture::take() {
  std::vector<LyError> out;
  if (!ctx_) return out;
  for (ErrItem *e = ly_err_first(ctx_); e; e = e->next) {
    if (e->level != LY_LLERR) continue;
    LyError err;
    err.message = e->msg ? e->msg : "";
    err.appTag = e->apptag ? e->apptag : "";
    err.vecode = e->vecode;
    err.code = errCode(e);
    if (const char *dp = errDataPath(e)) err.dataPath = dp;
    if (const char *sp = errSchemaPath(e)) err.schemaPath = sp;
    if (err.dataPath.empty() && err.schemaPath.empty()) {
      parseFreeTextLocation(errFreeTextPath(e), err.dataPath, err.schemaPath);
    }
    out.push_back(std::move(err));
  }
  errClean(ctx_);
  return out;
}

void LogCapture::fail(const std::string &what) {
  auto errors = take();
  std::string text = what;
  if (!errors.empty()) text += ": " + joinMessages(errors);
  throw LyException(text, std::move(errors));
}

std::string joinMessages(const std::vector<LyError> &errors) {
  std::string out;
  for (const auto &e : errors) {
    if (!out.empty()) out += "; ";
    out += e.message;
    const std::string &where = !e.dataPath.empty() ? e.dataPath : e.schemaPath;
    if (!where.empty() && e.message.find(where) == std::string::npos) out += " (" + where + ")";
  }
  return out;
}

namespace {

// The quoted text after `label "`, up to the quote that ends the location: the one followed by
// ',' or '.' or the end. Data paths may contain double quotes inside key predicates, so the first
// quote is not necessarily the closing one.
std::string quotedAfter(const std::string &text, const char *label) {
  auto start = text.find(label);
  if (start == std::string::npos) return "";
  start += std::strlen(label);
  for (auto q = text.find('"', start); q != std::string::npos; q = text.find('"', q + 1)) {
    char next = q + 1 < text.size() ? text[q + 1] : '\0';
    if (next == ',' || next == '.' || next == '\0' || next == ')') return text.substr(start, q - start);
  }
  return "";
}

}  // namespace

void parseFreeTextLocation(const char *raw, std::string &dataPath, std::string &schemaPath) {
  if (!raw || !*raw) return;
  std::string text(raw);
  dataPath = quotedAfter(text, "Data location \"");
  if (dataPath.empty()) dataPath = quotedAfter(text, "data location \"");
  schemaPath = quotedAfter(text, "Schema location \"");
  // Older libyang 2.0 builds put a bare path in this field, or "(path: …)" in the message.
  if (dataPath.empty() && schemaPath.empty() && text[0] == '/') dataPath = text;
  if (dataPath.empty() && schemaPath.empty()) {
    auto p = text.find("(path: ");
    if (p != std::string::npos) {
      auto end = text.rfind(')');
      if (end != std::string::npos && end > p + 7) dataPath = text.substr(p + 7, end - p - 7);
    }
  }
}

}  // namespace vy
