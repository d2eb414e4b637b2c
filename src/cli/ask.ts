// One question on the terminal (stderr, so stdout stays the command's output), for confirming a write.
import * as readline from 'readline';

export function askOnTerminal(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    // Ctrl+D (or a closed terminal) answers nothing, which confirms nothing.
    rl.once('close', () => resolve(''));
    rl.question(question, (answer) => {
      resolve(answer);
      rl.close();
    });
  });
}
