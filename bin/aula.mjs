#!/usr/bin/env node
// `npx aula <verb>`: the operator command. Runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
