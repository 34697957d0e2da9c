// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that are non-deterministic or do I/O: never inside the workflow sandbox. */
const notInWorkflows = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'], message: 'Workflow code must be deterministic: no Node builtins (use an activity).' },
  { group: ['natural', 'nodemailer', 'twilio', 'drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*', 'fastify', 'zod'], message: 'Heavy or I/O libraries belong in activities, not workflows.' },
  { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflows may import only @temporalio/workflow.' },
  { group: ['**/src/config', '**/src/config.ts', '**/src/db/**', '**/src/api/**', '**/src/nlp/**', '**/src/sla/**'], message: 'Policy reaches a workflow as input or from an activity.' },
];

/** The complaint's pure core: no engine, no I/O, no configuration; everything arrives as data. */
const notInDomain = [
  { group: ['@temporalio/*'], message: 'The domain core knows no Temporal: the workflow wires it.' },
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'events', 'timers'], message: 'The domain core is pure: no Node builtins.' },
  { group: ['natural', 'nodemailer', 'twilio', 'drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*', 'fastify', 'zod'], message: 'The domain core does no I/O.' },
  { group: ['**/src/config', '**/src/config.ts', '**/config', '**/src/db', '**/src/db/**', '**/db/**', '**/activities', '**/activities/**', '**/workflows/**', '**/src/api/**', '**/api/**', '**/src/nlp/**', '**/src/sla/**', '**/notify/**', '**/shared/search-attributes'], message: 'The domain core takes policy and facts as arguments, never from I/O modules.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'migrations/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: notInWorkflows }],
      // Activities may be referenced for their types only; a value import would drag them into the sandbox.
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities with `import type` only.' }] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      // src/shared is imported by workflows, so it obeys the same fence.
      'no-restricted-imports': ['error', { patterns: notInWorkflows }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: notInDomain }],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@temporalio/client', '@temporalio/worker', '**/src/api/**', 'fastify'], message: 'Activities get clients injected; they do not reach into the API or the worker.' },
      ] }],
    },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/activities', '**/activities/*', '@temporalio/worker', '@temporalio/activity'], message: 'The API talks to workflows through @temporalio/client and *.messages.ts only.' },
        { group: ['**/workflows/complaint', '**/workflows/index'], message: 'Import only workflows/*.messages.ts from the API.' },
      ] }],
      // A route that needs `as never` or `as unknown as` has types that lie: a body sent to the wrong update,
      // a reply whose schema does not say what it sends. Type the value instead (defineAction binds bodies
      // to updates; a response schema can list several media types).
      'no-restricted-syntax': ['error',
        { selector: 'TSAsExpression[typeAnnotation.type="TSNeverKeyword"], TSTypeAssertion[typeAnnotation.type="TSNeverKeyword"]', message: 'No `as never` in the API: type the value (see src/api/action-route.ts).' },
        { selector: ':matches(TSAsExpression, TSTypeAssertion)[expression.type=/^(TSAsExpression|TSTypeAssertion)$/][expression.typeAnnotation.type="TSUnknownKeyword"]', message: 'No `as unknown as` in the API: type the value (see src/api/action-route.ts).' },
      ],
    },
  },
);
