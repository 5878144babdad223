import { createRequire } from 'node:module';

// src/version.ts and dist/version.js both sit one folder below package.json.
const manifest = createRequire(import.meta.url)('../package.json') as {
  name: string;
  version: string;
};

export const APP_NAME = 'Cloud Office';
export const APP_VERSION: string = manifest.version;
