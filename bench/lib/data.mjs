// Reads the bundled digit set (gzipped IDX files written by scripts/make-digits.mjs) from disk for
// the Node peers; the parsing itself is bench/lib/idx.mjs, shared with the Chromium benchmark page.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIGIT_FILES, parseIdx, toSplit } from './idx.mjs';

export { DIGIT_FILES };

const readIdx = (file) => parseIdx(zlib.gunzipSync(fs.readFileSync(file)), file);

function readSplit(dir, imagesName, labelsName) {
  return toSplit(readIdx(path.join(dir, imagesName)), readIdx(path.join(dir, labelsName)), dir);
}

export function digitsPresent(dir) {
  return Object.values(DIGIT_FILES).every((f) => fs.existsSync(path.join(dir, f)));
}

export function loadDigits(dir) {
  return {
    train: readSplit(dir, DIGIT_FILES.trainImages, DIGIT_FILES.trainLabels),
    test: readSplit(dir, DIGIT_FILES.testImages, DIGIT_FILES.testLabels),
  };
}
