// `npx aula config check [file]`: validate a configuration without starting aula.
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { maskedConfig } from '../config/summary.js';
import { CliError } from './admin-client.js';
import { print } from './output.js';

export function configCommands(program: Command): void {
  const globalFile = () => program.opts<{ config?: string }>().config;
  program
    .command('config')
    .description('the configuration')
    .command('check [file]')
    .description('validate a config file (default: AULA_CONFIG) with the environment overrides; prints the effective values, secrets masked')
    .option('--json', 'machine-readable output', false)
    .action((file: string | undefined, o) => {
      let config;
      try {
        config = loadConfig({ file: file ?? globalFile() });
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message);
        throw err;
      }
      print(o.json, { valid: true, config: maskedConfig(config) }, () => `configuration is valid\n${JSON.stringify(maskedConfig(config), null, 2)}`);
    });
}
