import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the served schema. Every operation in src/ is checked
// against ../schema.graphql: an operation the schema no longer supports fails
// codegen, and a changed result type fails `tsc --noEmit`, so both fail `npm run build`.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          Decimal: 'string',
          JSON: 'unknown',
        },
        avoidOptionals: false,
        skipTypename: true,
      },
    },
  },
};

export default config;
