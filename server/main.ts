// `npm start`: load the configuration, start aula, create the demo room.
import { ConfigError, loadConfig } from './config/config.js';
import { startServer } from './server.js';

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
  if (config.rooms.demoRoom) {
    const room = await server.rooms.create({ title: 'Demo classroom', maxParticipants: config.rooms.maxParticipants });
    // Printed to the terminal for the operator, not logged: the link is the key to the room.
    console.log(`\naula is running. Demo classroom: ${server.url}/r/${room.id}\n`);
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
