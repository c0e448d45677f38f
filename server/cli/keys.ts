// `npx aula keys …`: key material made on the operator's own machine.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exportJWK, generateKeyPair } from 'jose';
import { CliError } from './admin-client.js';
import { print } from './output.js';

export function keyCommands(program: Command): void {
  const keys = program.command('keys').description('operator key pairs and the ledger master key');

  keys
    .command('generate')
    .description('write an operator key pair: <out>.private.jwk (0600, keep it) and <out>.public.jwk (for the server config)')
    .requiredOption('--out <name>', 'file name prefix; its base name becomes the operator name')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const name = path.basename(o.out);
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new CliError('--out: the base name must be 1-64 of A-Z a-z 0-9 . _ -');
      const privateFile = `${o.out}.private.jwk`;
      const publicFile = `${o.out}.public.jwk`;
      if (fs.existsSync(privateFile)) throw new CliError(`${privateFile} exists already; not overwriting a private key`);
      // P-256: signs the operator's requests (ES256) and receives reports (ECDH-ES).
      const pair = await generateKeyPair('ES256', { extractable: true });
      const priv = { ...(await exportJWK(pair.privateKey)), kid: name };
      const pub = { ...(await exportJWK(pair.publicKey)), kid: name };
      fs.writeFileSync(privateFile, `${JSON.stringify(priv, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      fs.chmodSync(privateFile, 0o600);
      fs.writeFileSync(publicFile, `${JSON.stringify(pub, null, 2)}\n`, { mode: 0o644 });
      const operator = { name, publicKey: pub };
      print(o.json, { privateKeyFile: privateFile, publicKeyFile: publicFile, operator }, () =>
        [
          `wrote ${privateFile} (private, 0600: keep it on your machine) and ${publicFile}`,
          'add this to "operators" in the server configuration:',
          JSON.stringify(operator),
        ].join('\n'),
      );
    });

  keys
    .command('ledger')
    .description('print a new random ledger master key (for ledger.masterKey / AULA_LEDGER_MASTER_KEY)')
    .option('--json', 'machine-readable output', false)
    .action((o) => {
      const key = randomBytes(32).toString('base64url');
      print(o.json, { masterKey: key }, () => key);
    });
}
