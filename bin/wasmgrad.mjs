#!/usr/bin/env node
// The wasmgrad command line: train, evaluate and inspect models headlessly with the same
// WebAssembly engine the playground runs (threaded build under Node).
//
//   wasmgrad train --model mlp --data /usr/share/datasets/fashion-mnist --epochs 3 --out model.bin
//   wasmgrad eval --model model.bin --data /usr/share/datasets/fashion-mnist
//   wasmgrad predict --model model.bin --input t10k-images-idx3-ubyte.gz --count 5
//   wasmgrad info --model lenet5
//   wasmgrad train --model simplenet --data photos/ --size 32x32 --channels 3   (an image folder)
//   wasmgrad predict --model model.bin photo.jpg
//   wasmgrad export --model model.bin --format onnx --out model.onnx   (and import)
//
// A data folder with train-* files but no t10k-* files is not an error: train holds out 10%
// of the training set (seeded) for validation and says so; eval --split validation finds the
// same samples again. Class names: --classes, else Fashion-MNIST's when the data path contains
// "fashion", else the names saved in the model file, else 0..9 (CLASS_NAMES_RULE).
//
// This file is the entry and the dispatch only: each command is a module in bin/cli/
// (train.mjs, eval.mjs, predict.mjs, info.mjs, export.mjs for export and import), and what they
// share (options, output, errors, parsing, model loading) is bin/cli/shared.mjs. IDX data are
// bin/cli/data.mjs's; image folders (one subfolder per class, PNG/JPEG/WebP, or a .zip of one)
// and image files are handled by bin/cli/image-data.mjs with bindings/js/data/; anything
// without IDX files that holds images goes there.
//
// Output: a progress bar and tables when stdout is a terminal; otherwise (or with --json)
// one JSON object per line per event ({"event":"start"|"note"|"progress"|"epoch"|"result"|"error", ...};
// image data add "loading" (decoding progress), "skipped" (a file left out, with the reason) and
// "prediction" per image)
// so autograders can parse it. Exit codes: 0 ok, 1 training/evaluation failed,
// 2 usage error, 3 bad input file or spec (the message names the file and what was wrong).
import { EXIT, CliError, HOLD_OUT, Output, commandHelp, engineCatalog, helpNeedsCatalog, parseCommand } from './cli/shared.mjs';
import { IMAGE_HELP } from './cli/image-data.mjs';
import { train } from './cli/train.mjs';
import { evaluate } from './cli/eval.mjs';
import { predict } from './cli/predict.mjs';
import { info } from './cli/info.mjs';
import { exportCommand, importCommand } from './cli/export.mjs';

/** Each command: {summary, usage, options, positionals?, run(values, out) -> exit code}. */
const COMMANDS = { train, eval: evaluate, predict, info, export: exportCommand, import: importCommand };

function mainHelp() {
  const lines = ['wasmgrad: train and inspect neural networks with the wasmgrad WebAssembly engine', '',
    'usage: wasmgrad <command> [options]', '', 'commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${command.summary}`);
  lines.push('', 'wasmgrad <command> --help shows a command\'s options.',
    'Output is JSON lines when stdout is not a terminal (or with --json).',
    'Exit codes: 0 ok, 1 training/evaluation failed, 2 usage error, 3 bad input file or spec.',
    `A data folder without test (t10k-*) files: train holds out ${100 * HOLD_OUT}% of train-* for validation and says so.`,
    'Class names (Fashion-MNIST\'s, digits, or your own): see --classes.', ...IMAGE_HELP.rules);
  return lines.join('\n');
}

async function main(argv) {
  let output = new Output(!process.stdout.isTTY || argv.includes('--json'));
  try {
    const parsed = parseCommand(argv, COMMANDS);
    if (parsed.helpFor !== undefined) {
      const command = COMMANDS[parsed.helpFor];
      const help = parsed.helpFor === null ? mainHelp()
        : commandHelp(parsed.helpFor, command, helpNeedsCatalog(command) ? await engineCatalog() : null);
      (parsed.exitCode === EXIT.ok ? process.stdout : process.stderr).write(help + '\n');
      return parsed.exitCode;
    }
    output = new Output(!process.stdout.isTTY || parsed.values.json === true);
    return await COMMANDS[parsed.name].run(parsed.values, output);
  } catch (error) {
    output.clearBar();
    const code = error instanceof CliError ? error.code : EXIT.failed;
    const message = (error instanceof CliError ? error.message : `unexpected error: ${error?.message ?? error}`)
      .replace(/^wasmgrad: /, '');
    output.event({ event: 'error', exitCode: code, message });
    process.stderr.write(`wasmgrad: ${message}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
