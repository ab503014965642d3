import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Workspace libs resolve to their sources, as tsconfig.base.json paths do. */
export const workspaceAliases = {
  '@loupe/contracts': here('./libs/contracts/src/index.ts'),
  '@loupe/prompts': here('./libs/prompts/src/index.ts'),
  '@loupe/model/node': here('./libs/model/src/node.ts'),
  '@loupe/model/tfjs': here('./libs/model/src/tfjs.ts'),
  '@loupe/model': here('./libs/model/src/index.ts'),
  '@loupe/db/testing': here('./libs/db/src/testing/index.ts'),
  '@loupe/db': here('./libs/db/src/index.ts'),
  '@loupe/web/testing': here('./apps/web/src/server/testing/index.ts'),
  '@loupe/trainer/testing': here('./apps/trainer/src/testing/index.ts'),
  '@loupe/web-harness': here('./tools/web-harness/src/index.ts'),
};
