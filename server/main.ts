// `npm start`: load the configuration, start aula, create the demo room.
import { ConfigError, loadConfig } from './config/config.js';
import { configLines } from './config/summary.js';
import { startServer } from './server.js';

const DEMO_TITLE = 'Demo classroom';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`aula: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(config);
  // The effective configuration, for the operator's terminal (secrets masked).
  console.log(['aula configuration:', ...configLines(config).map((l) => `  ${l}`)].join('\n'));
  if (config.rooms.demoRoom) {
    // One demo room, kept across restarts like any other room.
    const room = server.rooms.list().find((r) => r.title === DEMO_TITLE) ?? (await server.createRoom({ title: DEMO_TITLE }));
    const links = await server.links(room);
    // Printed to the terminal for the operator, never logged: a link is the key to the room.
    console.log(
      [
        '',
        `aula is running at ${server.url}`,
        `Demo classroom, guest link:     ${links.guest}`,
        `Demo classroom, moderator link: ${links.moderator}`,
        `(links valid until ${links.expiresAt}; operator commands: npx aula --help, admin API at ${server.adminUrl})`,
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`aula: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
