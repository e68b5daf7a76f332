/**
 * Questions are asked through this interface so the resolver can be driven by tests (a scripted
 * prompter) and by a terminal (@inquirer/prompts, loaded only when a question is actually asked).
 */
import { CancelledError } from '../errors.js';

export interface InputQuestion {
  message: string;
  default?: string;
  /** Runs as the user types; returns true or what is wrong. */
  validate?: (value: string) => true | string;
}

export interface SelectQuestion<T extends string> {
  message: string;
  choices: Array<{ value: T; name: string; description?: string }>;
  default?: T;
}

export interface PasswordQuestion {
  message: string;
  /** Runs on submit; returns true or what is wrong (never the value itself). */
  validate?: (value: string) => true | string;
}

export interface Prompter {
  input(question: InputQuestion): Promise<string>;
  select<T extends string>(question: SelectQuestion<T>): Promise<T>;
  confirm(question: { message: string; default: boolean }): Promise<boolean>;
  /** A secret, typed masked (`*`); optional, so a prompter without it is treated as having no terminal for secrets. */
  password?(question: PasswordQuestion): Promise<string>;
}

/** Maps Ctrl+C at a prompt (inquirer's ExitPromptError) to `CancelledError`. */
async function cancellable<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') throw new CancelledError();
    throw error;
  }
}

export function terminalPrompter(): Prompter {
  // The four prompt packages, not the @inquirer/prompts umbrella: that one also brings the
  // editor prompt and its 500 kB of character-set tables, which nobody here needs.
  return {
    async input(question) {
      const { default: input } = await import('@inquirer/input');
      return cancellable(() => input({ message: question.message, default: question.default, validate: question.validate }));
    },
    async select(question) {
      const { default: select } = await import('@inquirer/select');
      return cancellable(() => select({ message: question.message, choices: question.choices, default: question.default }));
    },
    async confirm(question) {
      const { default: confirm } = await import('@inquirer/confirm');
      return cancellable(() => confirm(question));
    },
    async password(question) {
      const { default: password } = await import('@inquirer/password');
      return cancellable(() => password({ message: question.message, mask: '*', validate: question.validate }));
    },
  };
}
