// N-API surface of the libyang addon: one class, `Context`, with coarse calls — strings in,
// JSON strings out. Module loading and validation run on the libuv thread pool and return
// Promises; the short read-only calls are synchronous. See src/validation/libyang.ts for the
// typed wrapper that serializes calls per context.
#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "context.h"
#include "errors.h"
#include "print.h"
#include "schema-export.h"
#include "validate.h"
#include "yang-library.h"

namespace {

using vy::Context;
using vy::LyError;
using vy::LyException;

/** A JS Error carrying libyang's records as `libyangErrors: {message, path?, appTag?}[]`. */
Napi::Error makeError(Napi::Env env, const std::string &message, const std::vector<LyError> &errors) {
  Napi::Error err = Napi::Error::New(env, message);
  Napi::Array list = Napi::Array::New(env, errors.size());
  for (size_t i = 0; i < errors.size(); ++i) {
    Napi::Object item = Napi::Object::New(env);
    item.Set("message", errors[i].message);
    const std::string &path = !errors[i].dataPath.empty() ? errors[i].dataPath : errors[i].schemaPath;
    if (!path.empty()) item.Set("path", path);
    if (!errors[i].appTag.empty()) item.Set("appTag", errors[i].appTag);
    list.Set(static_cast<uint32_t>(i), item);
  }
  err.Set("libyangErrors", list);
  return err;
}

/** Runs a synchronous body, turning C++ exceptions into JS exceptions (never a crash). */
template <typename F>
Napi::Value guarded(Napi::Env env, F &&body) {
  try {
    return body();
  } catch (const Napi::Error &) {
    throw;
  } catch (const LyException &e) {
    throw makeError(env, e.what(), e.errors());
  } catch (const std::exception &e) {
    throw Napi::Error::New(env, e.what());
  }
}

/** A job on the thread pool that settles a Promise with the job's string result or its error. */
class Job : public Napi::AsyncWorker {
 public:
  using Fn = std::function<std::string()>;
  Job(Napi::Env env, Fn fn)
      : Napi::AsyncWorker(env, "vrouterd_yang"), deferred_(Napi::Promise::Deferred::New(env)), fn_(std::move(fn)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_ = fn_();
    } catch (const LyException &e) {
      failed_ = true;
      message_ = e.what();
      errors_ = e.errors();
    } catch (const std::exception &e) {
      failed_ = true;
      message_ = e.what();
    } catch (...) {
      failed_ = true;
      message_ = "unknown error in the libyang addon";
    }
  }
  void OnOK() override {
    Napi::HandleScope scope(Env());
    if (failed_) {
      deferred_.Reject(makeError(Env(), message_, errors_).Value());
    } else {
      deferred_.Resolve(Napi::String::New(Env(), result_));
    }
  }
  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Fn fn_;
  std::string result_;
  bool failed_ = false;
  std::string message_;
  std::vector<LyError> errors_;
};

std::vector<std::string> stringArray(const Napi::Value &v, const char *what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of strings");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value item = arr.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of strings");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::string stringArg(const Napi::CallbackInfo &info, size_t i, const char *what) {
  if (info.Length() <= i || !info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

std::string optionalString(const Napi::Object &o, const char *key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "Context",
                       {InstanceMethod("loadModules", &ContextWrap::loadModules),
                        InstanceMethod("validate", &ContextWrap::validate),
                        InstanceMethod("exportSchema", &ContextWrap::exportSchema),
                        InstanceMethod("printModule", &ContextWrap::printModule),
                        InstanceMethod("yangLibrary", &ContextWrap::yangLibrary),
                        InstanceMethod("modules", &ContextWrap::modules),
                        InstanceMethod("contentId", &ContextWrap::contentId),
                        InstanceMethod("close", &ContextWrap::close)});
  }

  /** new Context(searchDirs: string[]) */
  explicit ContextWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<ContextWrap>(info) {
    Napi::Env env = info.Env();
    auto dirs = stringArray(info[0], "searchDirs");
    guarded(env, [&]() -> Napi::Value {
      ctx_ = std::make_shared<Context>(dirs);
      return env.Undefined();
    });
  }

 private:
  std::shared_ptr<Context> live(Napi::Env env) {
    if (!ctx_) throw Napi::Error::New(env, "The YANG context is closed");
    return ctx_;
  }

  // Sync readers never wait for a worker: a held exclusive lock means modules are being loaded.
  template <typename F>
  Napi::Value read(Napi::Env env, F &&body) {
    auto ctx = live(env);
    std::shared_lock<std::shared_mutex> lock(ctx->lock(), std::try_to_lock);
    if (!lock.owns_lock()) throw Napi::Error::New(env, "The YANG context is busy loading modules");
    return guarded(env, [&]() -> Napi::Value { return Napi::String::New(env, body(*ctx)); });
  }

  /** loadModules(requests: {name, revision?, features?: string[] | '*'}[]): Promise<modulesJson> */
  Napi::Value loadModules(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "modules must be an array");
    Napi::Array arr = info[0].As<Napi::Array>();
    std::vector<vy::ModuleRequest> requests;
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value item = arr.Get(i);
      if (!item.IsObject()) throw Napi::TypeError::New(env, "each module must be an object");
      Napi::Object o = item.As<Napi::Object>();
      vy::ModuleRequest req;
      req.name = optionalString(o, "name");
      if (req.name.empty()) throw Napi::TypeError::New(env, "module name must be a non-empty string");
      req.revision = optionalString(o, "revision");
      Napi::Value features = o.Get("features");
      if (features.IsString()) {
        if (features.As<Napi::String>().Utf8Value() != "*") throw Napi::TypeError::New(env, "features must be '*' or an array");
        req.featuresGiven = true;
        req.features = {"*"};
      } else if (!features.IsUndefined() && !features.IsNull()) {
        req.featuresGiven = true;
        req.features = stringArray(features, "features");
      }
      requests.push_back(std::move(req));
    }
    auto ctx = live(env);
    auto *job = new Job(env, [ctx, requests]() {
      std::unique_lock<std::shared_mutex> lock(ctx->lock());
      ctx->loadModules(requests);
      return ctx->modulesJson();
    });
    job->Queue();
    return job->promise();
  }

  /** validate(json: string, datastore: 'config' | 'operational', presentOnly: boolean): Promise<errorsJson> */
  Napi::Value validate(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    std::string json = stringArg(info, 0, "data");
    std::string ds = stringArg(info, 1, "datastore");
    if (ds != "config" && ds != "operational") throw Napi::TypeError::New(env, "datastore must be 'config' or 'operational'");
    vy::ValidateOptions opts;
    opts.datastore = ds == "config" ? vy::Datastore::Config : vy::Datastore::Operational;
    opts.presentOnly = info.Length() > 2 && info[2].ToBoolean().Value();
    auto ctx = live(env);
    auto *job = new Job(env, [ctx, json = std::move(json), opts]() {
      std::shared_lock<std::shared_mutex> lock(ctx->lock());
      return vy::validateJson(ctx->raw(), json, opts);
    });
    job->Queue();
    return job->promise();
  }

  Napi::Value exportSchema(const Napi::CallbackInfo &info) {
    return read(info.Env(), [](Context &c) { return vy::exportSchema(c.raw(), c.contentId()); });
  }

  /** printModule(name: string, revision: string, format: 'yang' | 'yin'): string */
  Napi::Value printModule(const Napi::CallbackInfo &info) {
    std::string name = stringArg(info, 0, "name");
    std::string revision = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    std::string format = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "yang";
    if (format != "yang" && format != "yin") throw Napi::TypeError::New(info.Env(), "format must be 'yang' or 'yin'");
    auto fmt = format == "yin" ? vy::SchemaFormat::Yin : vy::SchemaFormat::Yang;
    return read(info.Env(), [&](Context &c) { return vy::printModule(c.raw(), name, revision, fmt); });
  }

  /** yangLibrary(datastores: string[]): string (RFC 7951 JSON with both library forms) */
  Napi::Value yangLibrary(const Napi::CallbackInfo &info) {
    auto datastores = stringArray(info[0], "datastores");
    return read(info.Env(), [&](Context &c) { return vy::yangLibraryJson(c.raw(), c.contentId(), datastores); });
  }

  Napi::Value modules(const Napi::CallbackInfo &info) {
    return read(info.Env(), [](Context &c) { return c.modulesJson(); });
  }

  Napi::Value contentId(const Napi::CallbackInfo &info) {
    return read(info.Env(), [](Context &c) { return c.contentId(); });
  }

  /** Drops this handle's reference; libyang's context is freed when no pending job holds it. */
  Napi::Value close(const Napi::CallbackInfo &info) {
    ctx_.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<Context> ctx_;
};

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Store errors, never print them. The global option matters even though LogCapture sets the
  // thread's own: libyang 2.1.30 reports type-plugin errors (union, leafref) through the global
  // options only. Every LogCapture cleans what its thread stored.
  ly_log_options(LY_LOSTORE);
  exports.Set("Context", ContextWrap::define(env));
  exports.Set("libyangVersion", Napi::String::New(env, LY_VERSION));
  return exports;
}

}  // namespace

NODE_API_MODULE(vrouterd_yang, init)
