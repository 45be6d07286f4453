// Typed wrapper over the libyang addon (build/Release/vrouterd_yang.node, C++ in ./native).
//
// libyang contexts are not thread-safe, and the addon runs module loading and validation on the
// libuv thread pool; so each YangContext runs its asynchronous calls one at a time through a
// promise queue. The synchronous calls only read the schema and refuse to run while modules load.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { packageRoot } from './module-search-path.js';
import type { SchemaExport } from './schema-model.js';

/** A module to load: name, optional revision (default: newest found) and features. */
export interface ModuleRequest {
  name: string;
  revision?: string;
  /** Features to enable; '*' enables all; [] disables all; absent leaves libyang's choice (none for a new module). */
  features?: readonly string[] | '*';
}

export interface ContextOptions {
  /** Directories searched for "name@revision.yang" / "name.yang", in order. */
  searchDirs: readonly string[];
  /** Loaded (and implemented) in order. */
  modules: readonly ModuleRequest[];
}

/** A module in the context, implemented or imported only. */
export interface LoadedModule {
  name: string;
  revision?: string;
  namespace: string;
  implemented: boolean;
  /** Enabled features (empty for import-only modules). */
  features: string[];
}

export type Datastore = 'config' | 'operational';

export interface ValidateOptions {
  /** 'config': state data is an error; 'operational': state data allowed (and checked). */
  datastore: Datastore;
  /** Check only modules that have data in the document (mandatory nodes of absent modules are ignored). */
  presentOnly?: boolean;
}

/** One validation failure, ready for an rpc-error. */
export interface ValidationError {
  /** Data path of the offending node ("/ietf-interfaces:interfaces/interface[name='eth0']/mtu"); "" when libyang names none. */
  path: string;
  message: string;
  /** RFC 6241 error-tag: invalid-value, missing-element, data-missing, operation-failed, unknown-element, … */
  errorTag: string;
  /** RFC 7950 §15 app-tag (too-many-elements, data-not-unique, must-violation, instance-required, missing-choice …) or the module's own. */
  appTag?: string;
}

/** One message libyang stored while an operation failed. */
export interface LibyangRecord {
  message: string;
  path?: string;
  appTag?: string;
}

/** A failure inside libyang; `message` names what failed and repeats every libyang message. */
export class LibyangError extends Error {
  override readonly name = 'LibyangError';
  constructor(
    message: string,
    readonly records: readonly LibyangRecord[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A datastore name of ietf-datastores, for the RFC 8525 datastore list. */
export type DatastoreName = 'running' | 'candidate' | 'startup' | 'intended' | 'operational';

export interface YangLibraryModule {
  name: string;
  revision?: string;
  namespace: string;
  location?: string[];
  feature?: string[];
  submodule?: { name: string; revision?: string; location?: string[] }[];
  deviation?: string[];
}

/** RFC 8525 ietf-yang-library data, as an RFC 7951 JSON document. */
export interface YangLibrary8525 {
  'ietf-yang-library:yang-library': {
    'module-set': { name: string; module?: YangLibraryModule[]; 'import-only-module'?: YangLibraryModule[] }[];
    schema: { name: string; 'module-set': string[] }[];
    datastore?: { name: string; schema: string }[];
    'content-id': string;
  };
}

/** RFC 7895 modules-state (deprecated, still read by older clients), as an RFC 7951 JSON document. */
export interface ModulesState7895 {
  'ietf-yang-library:modules-state': {
    'module-set-id': string;
    module: {
      name: string;
      revision: string;
      schema?: string;
      namespace: string;
      feature?: string[];
      deviation?: { name: string; revision: string }[];
      'conformance-type': 'implement' | 'import';
      submodule?: { name: string; revision: string; schema?: string }[];
    }[];
  };
}

export interface YangLibraryData {
  rfc8525: YangLibrary8525;
  rfc7895: ModulesState7895;
  contentId: string;
}

// ---- the addon ---------------------------------------------------------------------------------

interface NativeContext {
  loadModules(modules: readonly ModuleRequest[]): Promise<string>;
  validate(json: string, datastore: Datastore, presentOnly: boolean): Promise<string>;
  exportSchema(): string;
  printModule(name: string, revision: string, format: 'yang' | 'yin'): string;
  yangLibrary(datastores: readonly string[]): string;
  modules(): string;
  contentId(): string;
  close(): void;
}

interface NativeBinding {
  Context: new (searchDirs: readonly string[]) => NativeContext;
  libyangVersion: string;
}

let binding: NativeBinding | undefined;

/** Loads the addon once; a missing build is a clear error, not a stack of require internals. */
function nativeBinding(): NativeBinding {
  if (binding) return binding;
  const file = path.join(packageRoot(), 'build', 'Release', 'vrouterd_yang.node');
  if (!existsSync(file)) {
    throw new Error(`The libyang addon is not built (${file} is missing): run \`make build\` (or \`npm run build:addon\`).`);
  }
  binding = createRequire(import.meta.url)(file) as NativeBinding;
  return binding;
}

/** libyang's library (so) version the addon was built against, e.g. "2.29.2" for libyang 2.1.30. */
export function libyangVersion(): string {
  return nativeBinding().libyangVersion;
}

function toLibyangError(err: unknown): Error {
  if (!(err instanceof Error) || err instanceof LibyangError) return err instanceof Error ? err : new Error(String(err));
  const raw = (err as { libyangErrors?: unknown }).libyangErrors;
  if (!Array.isArray(raw)) return err;
  return new LibyangError(err.message, raw as LibyangRecord[], { cause: err });
}

function closedError(): Error {
  return new Error('The YANG context is closed');
}

function rethrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toLibyangError(err);
  }
}

// ---- the context ---------------------------------------------------------------------------------

export class YangContext {
  private tail: Promise<unknown> = Promise.resolve();
  private loading = 0;
  private closed = false;
  private modulesCache: LoadedModule[] | undefined;
  private schemaCache: SchemaExport | undefined;

  private constructor(private readonly native: NativeContext) {}

  /** A new context with `searchDirs`, loading `modules` in order. Rejects with a LibyangError naming the module that failed. */
  static async create(opts: ContextOptions): Promise<YangContext> {
    const { Context } = nativeBinding();
    const ctx = new YangContext(rethrow(() => new Context([...opts.searchDirs])));
    try {
      if (opts.modules.length > 0) await ctx.loadModules(opts.modules);
    } catch (err) {
      ctx.close();
      throw err;
    }
    return ctx;
  }

  /** Loads one more module (and whatever it imports); resolves with its entry. */
  async loadModule(module: ModuleRequest): Promise<LoadedModule> {
    const list = await this.loadModules([module]);
    const entry = list.find((m) => m.name === module.name && m.implemented);
    if (!entry) throw new Error(`YANG module "${module.name}" loaded but is not implemented`);
    return entry;
  }

  /** Loads modules in order; resolves with the whole module list. Modules before a failing one stay loaded. */
  loadModules(modules: readonly ModuleRequest[]): Promise<LoadedModule[]> {
    if (this.closed) return Promise.reject(closedError());
    const requests = modules.map((m) => ({ ...m, features: typeof m.features === 'string' ? m.features : m.features && [...m.features] }));
    this.loading += 1;
    this.modulesCache = undefined;
    this.schemaCache = undefined;
    return this.enqueue(async () => {
      try {
        return await this.native.loadModules(requests);
      } finally {
        // Whatever happened, the module set may have changed.
        this.loading -= 1;
        this.modulesCache = undefined;
        this.schemaCache = undefined;
      }
    }).then((text) => {
      this.modulesCache = JSON.parse(text) as LoadedModule[];
      return this.modulesCache;
    });
  }

  /** Every module in the context (libyang's internal ones included), implemented or import-only. */
  modules(): LoadedModule[] {
    this.assertReadable();
    this.modulesCache ??= JSON.parse(this.read(() => this.native.modules())) as LoadedModule[];
    return this.modulesCache;
  }

  /** The compiled schema of every module. Parsed once and cached until the module set changes: do not mutate it. */
  exportSchema(): SchemaExport {
    this.assertReadable();
    this.schemaCache ??= JSON.parse(this.read(() => this.native.exportSchema())) as SchemaExport;
    return this.schemaCache;
  }

  /** Identifies the module set (names, revisions, features, deviations); the yang-library content-id. */
  contentId(): string {
    return this.read(() => this.native.contentId());
  }

  /**
   * Validates a whole datastore given as RFC 7951 JSON. Resolves with the errors (empty = valid);
   * libyang 2.1.30 stops at the first error, so there is usually one.
   */
  validate(json: string, opts: ValidateOptions): Promise<ValidationError[]> {
    if (this.closed) return Promise.reject(closedError());
    return this.enqueue(() => this.native.validate(json, opts.datastore, opts.presentOnly ?? false)).then(
      (text) => JSON.parse(text) as ValidationError[],
    );
  }

  /** The text of a loaded module or submodule, as libyang prints it (for <get-schema>). */
  printModule(name: string, revision?: string, format: 'yang' | 'yin' = 'yang'): string {
    return this.read(() => this.native.printModule(name, revision ?? '', format));
  }

  /** ietf-yang-library data in RFC 8525 and RFC 7895 form; every datastore listed uses the one schema. */
  yangLibrary(opts: { datastores?: readonly DatastoreName[] } = {}): YangLibraryData {
    const datastores = (opts.datastores ?? ['running', 'candidate', 'startup', 'operational']).map((d) => `ietf-datastores:${d}`);
    const doc = JSON.parse(this.read(() => this.native.yangLibrary(datastores))) as YangLibrary8525 & ModulesState7895;
    const rfc8525: YangLibrary8525 = { 'ietf-yang-library:yang-library': doc['ietf-yang-library:yang-library'] };
    const rfc7895: ModulesState7895 = { 'ietf-yang-library:modules-state': doc['ietf-yang-library:modules-state'] };
    return { rfc8525, rfc7895, contentId: rfc8525['ietf-yang-library:yang-library']['content-id'] };
  }

  /** Frees the libyang context once pending calls finish; later calls throw (or reject, for the async ones). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.modulesCache = undefined;
    this.schemaCache = undefined;
    void this.enqueue(() => Promise.resolve(this.native.close()));
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private assertReadable(): void {
    this.assertOpen();
    if (this.loading > 0) throw new Error('The YANG context is loading modules: await loadModule() before reading the schema');
  }

  private read<T>(fn: () => T): T {
    this.assertReadable();
    return rethrow(fn);
  }

  // Runs `job` after every earlier job has settled, whatever their outcome.
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job).catch((err: unknown) => {
      throw toLibyangError(err);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
