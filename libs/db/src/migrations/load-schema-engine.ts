import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type SchemaEngineModule = typeof SchemaEngineWasm;

let loaded: Promise<SchemaEngineModule> | undefined;
let lastPanicMessage: string | undefined;

/** The engine reports a Rust panic here before trapping; we surface it in the error. */
export function takeSchemaEnginePanic(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

/**
 * Prisma's schema engine compiled to WebAssembly. The package is a bundler build, so in Node we
 * instantiate the .wasm by hand (the CLI's native engine is a download this machine cannot make).
 */
export function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  loaded ??= (async () => {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        lastPanicMessage = message;
      },
    };
    const require = createRequire(import.meta.url);
    // The package exports its JS glue but not the .wasm, so locate the folder through the glue.
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const packageDir = dirname(gluePath);
    const glue = (await import(pathToFileURL(gluePath).href)) as SchemaEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasmBytes = await readFile(join(packageDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(wasmBytes, {
      './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return glue;
  })();
  return loaded;
}

export type { SchemaEngine };
