/**
 * Line prompts on a terminal for `hubctl login`: a visible one (username) and a hidden one (password).
 *
 * The visible prompt reads in the terminal's cooked mode, so the kernel echoes and edits the line. The
 * hidden prompt switches the terminal to raw mode (no echo) and does the little editing a password
 * needs itself: Backspace, Ctrl-U, Enter, Ctrl-D; Ctrl-C is an interrupt. Escape sequences (arrow keys,
 * bracketed-paste markers) are dropped. Prompts are written to stderr: stdout stays for data.
 *
 * Text read past the end of a line (typed ahead) is kept for the next prompt.
 */
import { HubctlError, usageError } from '../errors.js';

export interface PromptStreams {
  /** Usually process.stdin. Raw mode is used only when it is a TTY. */
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where the question goes (process.stderr). */
  output: NodeJS.WritableStream;
  /** Aborts a pending prompt (Ctrl-C in cooked mode arrives as SIGINT; main aborts this signal). */
  signal?: AbortSignal;
}

export interface Prompt {
  /** Asks and resolves with the line typed (without its line ending). */
  ask(question: string): Promise<string>;
  /** Asks with echo off. */
  askHidden(question: string): Promise<string>;
}

const interrupted = () => new HubctlError('interrupted', 'INTERRUPTED', 'login interrupted');

/** True when prompts can be shown: stdin is a terminal. */
export function canPrompt(input: { isTTY?: boolean }): boolean {
  return input.isTTY === true;
}

export function createPrompt(streams: PromptStreams): Prompt {
  let pending = '';
  let ended = false;

  function read(question: string, hidden: boolean): Promise<string> {
    const { input, output, signal } = streams;
    if (signal?.aborted) return Promise.reject(interrupted());
    const raw = hidden && input.isTTY === true && typeof input.setRawMode === 'function';
    return new Promise<string>((resolve, reject) => {
      let line = '';
      let escapeState: 'none' | 'esc' | 'csi' = 'none';
      let done = false;

      const cleanup = () => {
        done = true;
        input.off('data', onData);
        input.off('end', onEnd);
        input.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        if (raw) input.setRawMode!(false);
        input.pause();
        if (hidden) output.write('\n'); // the Enter key was not echoed
      };
      const finish = (value: string, rest: string) => {
        if (done) return;
        pending = rest;
        cleanup();
        resolve(value);
      };
      const fail = (e: unknown) => {
        if (done) return;
        cleanup();
        reject(e);
      };

      /** Feeds characters; returns true when the line is complete. */
      const feed = (text: string): boolean => {
        const chars = Array.from(text);
        for (let i = 0; i < chars.length; i++) {
          const c = chars[i]!;
          if (escapeState === 'esc') {
            escapeState = c === '[' || c === 'O' ? 'csi' : 'none';
            continue;
          }
          if (escapeState === 'csi') {
            if (c >= '@' && c <= '~') escapeState = 'none';
            continue;
          }
          if (c === '\n' || c === '\r') {
            let rest = chars.slice(i + 1).join('');
            if (c === '\r' && rest.startsWith('\n')) rest = rest.slice(1);
            finish(line, rest);
            return true;
          }
          if (!raw) {
            line += c;
            continue;
          }
          if (c === '\u0003') {
            fail(interrupted());
            return true;
          }
          if (c === '\u0004') {
            finish(line, chars.slice(i + 1).join(''));
            return true;
          }
          if (c === '\u007f' || c === '\b') line = Array.from(line).slice(0, -1).join('');
          else if (c === '\u0015') line = '';
          else if (c === '\u001b') escapeState = 'esc';
          else if (c >= ' ') line += c;
        }
        return false;
      };

      const onData = (chunk: string | Buffer) => {
        feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      };
      const onEnd = () => {
        ended = true;
        if (line === '' && !done) fail(usageError('NO_INPUT', `no answer to "${question.trim()}": the input ended`));
        else finish(line, '');
      };
      const onError = (e: unknown) => fail(e);
      const onAbort = () => fail(interrupted());

      // echo goes off before the question shows, so an answer typed right after it is never echoed
      if (raw) input.setRawMode!(true);
      output.write(question);
      if (pending !== '') {
        const text = pending;
        pending = '';
        if (feed(text)) return;
      }
      if (ended) {
        onEnd();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      input.setEncoding('utf8');
      input.on('data', onData);
      input.once('end', onEnd);
      input.once('error', onError);
      input.resume();
    });
  }

  return {
    ask: (question) => read(question, false),
    askHidden: (question) => read(question, true),
  };
}
