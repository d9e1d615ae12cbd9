import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A worker script running in its own Node.js process, talking over IPC. */
export interface WorkerProcess<Message extends { type: string }> {
  readonly child: ChildProcess;
  /** Every message received so far. */
  readonly messages: Message[];
  /** Resolves with the first message (already received or coming) that matches. */
  waitFor(match: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /** Resolves when the process has exited; answers its exit code (`null` when killed by a signal). */
  exited(): Promise<number | null>;
  /** Kills the process at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/**
 * Starts `script` in its own Node.js process (a `.ts` file runs with Node's type stripping), with
 * `settings` as JSON in `process.argv[2]` and an IPC channel for messages: for multi-process and
 * crash tests of adapters and workers.
 *
 * @example
 * ```ts
 * const worker = spawnWorker<{ type: 'ready' | 'done' }>(new URL('./worker.ts', import.meta.url), { jobs: 100 });
 * await worker.waitFor((message) => message.type === 'ready');
 * await worker.kill(); // SIGKILL, as a crash would
 * ```
 */
export function spawnWorker<Message extends { type: string }>(
  script: URL,
  settings: unknown,
): WorkerProcess<Message> {
  const child = fork(fileURLToPath(script), [JSON.stringify(settings)], {
    execPath: process.execPath,
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Message[] = [];
  const listeners = new Set<() => void>();
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
      for (const listener of listeners) listener();
    }),
  );
  child.on('message', (message) => {
    messages.push(message as Message);
    for (const listener of listeners) listener();
  });

  return {
    child,
    messages,
    waitFor(match, timeoutMs = 30_000) {
      return new Promise<Message>((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (exitCode !== undefined) {
            done();
            reject(new Error(`The worker exited (code ${String(exitCode)}) before the awaited message.`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`No awaited message from the worker within ${timeoutMs} ms.`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    async kill() {
      if (exitCode !== undefined) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
}
