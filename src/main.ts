// Entry point. File writes (each receipt is fsynced before its row exists) run on libuv's thread pool,
// whose 4 threads by default queue concurrent uploads behind each other's fsync: give it more threads
// before anything uses it, which is why the app itself is imported only after this line. `.env` is read
// first, since it may set UV_THREADPOOL_SIZE too.
import { failureMessage } from './common/errors/failure-message.js';
import { loadEnvFile } from './config/env-file.js';

try {
  loadEnvFile();
} catch (e) {
  process.stderr.write(`Could not start: ${failureMessage(e)}\n`);
  process.exit(1);
}
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('./bootstrap.js');
