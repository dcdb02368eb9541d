/**
 * Returns a function that runs `task` in a new task soon. Messages on a port are neither clamped
 * like nested timers nor throttled like timers in hidden tabs.
 */
export function createScheduler(task: () => void): () => void {
  if (typeof MessageChannel === 'undefined') return () => setTimeout(task, 0);
  const channel = new MessageChannel();
  channel.port1.onmessage = task;
  return () => channel.port2.postMessage(null);
}

const waiting: (() => void)[] = [];
let wake: (() => void) | undefined;

/** Resolves in a new task, so that the page runs its own tasks in between. */
export function nextTask(): Promise<void> {
  wake ??= createScheduler(() => {
    for (const resolve of waiting.splice(0)) resolve();
  });
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (waiting.length === 1) wake!();
  });
}
