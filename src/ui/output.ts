/**
 * All terminal output goes through here: colours only on a terminal and never with NO_COLOR,
 * spinners only on a terminal (plain lines otherwise), errors to stderr.
 */
import { createColors } from 'picocolors';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  readonly color: boolean;
  readonly tty: boolean;
  readonly c: ReturnType<typeof createColors>;
  /** A line on stdout. */
  line(text?: string): void;
  /** A line on stderr. */
  errorLine(text: string): void;
  /** A step that takes a while: a spinner on a terminal, a plain line otherwise. */
  task<T>(title: string, run: () => Promise<T>, done?: (value: T) => string): Promise<T>;
}

export interface OutputOptions {
  stdout?: Stream;
  stderr?: Stream;
  env?: NodeJS.ProcessEnv;
}

export function colorEnabled(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if ('NO_COLOR' in env && env.NO_COLOR !== undefined) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * When the reader of our output goes away (`create-fastapps doctor | head -3`), writing fails with
 * EPIPE: that is not an error of ours, so end quietly with the exit code decided so far.
 */
function endQuietlyOnClosedPipe(stream: Stream): void {
  const emitter = stream as Stream & { on?: (event: 'error', listener: (error: NodeJS.ErrnoException) => void) => unknown };
  emitter.on?.('error', (error) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

export function createOutput({ stdout = process.stdout, stderr = process.stderr, env = process.env }: OutputOptions = {}): Output {
  endQuietlyOnClosedPipe(stdout);
  const color = colorEnabled(stdout, env);
  const c = createColors(color);
  const tty = Boolean(stdout.isTTY);
  return {
    color,
    tty,
    c,
    line: (text = '') => void stdout.write(text + '\n'),
    errorLine: (text) => void stderr.write(text + '\n'),
    async task(title, run, done) {
      if (!tty) {
        stdout.write(`${title}…\n`);
        const value = await run();
        stdout.write(`${c.green('✔')} ${done ? done(value) : title}\n`);
        return value;
      }
      let frame = 0;
      const draw = () => stdout.write(`\r${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${title}…`);
      draw();
      const timer = setInterval(draw, 80);
      try {
        const value = await run();
        clearInterval(timer);
        stdout.write(`\r\x1b[2K${c.green('✔')} ${done ? done(value) : title}\n`);
        return value;
      } catch (error) {
        clearInterval(timer);
        stdout.write(`\r\x1b[2K${c.red('✖')} ${title}\n`);
        throw error;
      }
    },
  };
}
