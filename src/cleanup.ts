/**
 * Work to undo if the process is interrupted (Ctrl+C) or fails: e.g. removing a staging folder.
 * `cli.ts` runs these on SIGINT before exiting 130.
 */
const tasks = new Set<() => void>();

export function onAbort(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

export function runAbortTasks(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // Best effort: the process is exiting.
    }
  }
}
