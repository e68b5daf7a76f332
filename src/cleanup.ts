/**
 * What Ctrl+C (SIGINT) does, wherever it lands:
 *
 * - Work to undo (`onAbort`, e.g. removing a staging folder) runs before `cli.ts` prints
 *   "Cancelled" and exits 130.
 * - A step that runs a child process (installing dependencies) is `cancellable`: the first Ctrl+C
 *   aborts the command's signal instead of exiting at once, so the step stops its child, waits for
 *   it, removes what it had half-made, and throws `CancelledError`; a second Ctrl+C exits at once.
 * - `setCancelNote` says what the user has if they cancel now (e.g. "the project is complete in
 *   my-app; dependencies are not installed"), printed under "Cancelled".
 */
const tasks = new Set<() => void>();
let cancellableSteps = 0;
let note: string | undefined;

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

/** Runs `step`, during which Ctrl+C lets it unwind instead of exiting (see above). */
export async function cancellable<T>(step: () => Promise<T>): Promise<T> {
  cancellableSteps += 1;
  try {
    return await step();
  } finally {
    cancellableSteps -= 1;
  }
}

export function inCancellableStep(): boolean {
  return cancellableSteps > 0;
}

export function setCancelNote(text: string | undefined): void {
  note = text;
}

export function cancelNote(): string | undefined {
  return note;
}
