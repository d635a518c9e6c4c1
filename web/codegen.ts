import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the API's exported schema; `persistedDocuments` also writes
// src/gql/persisted-documents.json (sha256 hash → document), the trusted-documents
// manifest a server can enforce. src/gql/ is generated in the build, never edited.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256', mode: 'embedHashInDocument' },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Date: 'string', DateTime: 'string', Decimal: 'string' },
      },
    },
  },
};
export default config;
