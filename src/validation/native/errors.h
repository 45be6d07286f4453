// libyang error capture: every call into libyang runs inside a LogCapture, which stores (never
// prints) the messages of the calling thread and turns them into plain structs.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "compat.h"

namespace vy {

/** One libyang error record, with its location split out of libyang's free text. */
struct LyError {
  std::string message;
  /** Data path ("/a:b[k='v']/c") when libyang names a data node, else empty. */
  std::string dataPath;
  /** Schema path ("/a:b/c") when libyang names only a schema node, else empty. */
  std::string schemaPath;
  std::string appTag;
  LY_VECODE vecode = LYVE_SUCCESS;
  LY_ERR code = LY_SUCCESS;
};

/** A libyang failure: `what()` is a one-line summary, `errors()` every record libyang stored. */
class LyException : public std::runtime_error {
 public:
  LyException(const std::string &summary, std::vector<LyError> errors)
      : std::runtime_error(summary), errors_(std::move(errors)) {}
  const std::vector<LyError> &errors() const { return errors_; }

 private:
  std::vector<LyError> errors_;
};

/**
 * RAII scope for one libyang operation on the current thread: switches the thread's log options to
 * "store all, print nothing" (libyang would otherwise write to stderr and keep only the last error),
 * and restores them on exit. Errors are per context *and* per thread in libyang, so they must be
 * collected on the thread that caused them — inside the worker, not in the JS callback.
 */
class LogCapture {
 public:
  explicit LogCapture(const struct ly_ctx *ctx);
  ~LogCapture();
  LogCapture(const LogCapture &) = delete;
  LogCapture &operator=(const LogCapture &) = delete;

  /** Error-level records stored since the scope began (or the last take), then forgets them. */
  std::vector<LyError> take();

  /** Throws LyException("<what>: <libyang messages>") with the stored records. */
  [[noreturn]] void fail(const std::string &what);

 private:
  const struct ly_ctx *ctx_;
  uint32_t opts_;
};

/** "msg1; msg2 (path)" — all messages, for an Error's text. */
std::string joinMessages(const std::vector<LyError> &errors);

/** Splits libyang 2's free-text location (`Data location "…", line number 3.`) into paths. */
void parseFreeTextLocation(const char *text, std::string &dataPath, std::string &schemaPath);

}  // namespace vy
