// Issue 14 in the playground: the user's own photos. A generated colour data set of PNGs (coloured
// shapes at random places: tests/js/image-fixtures.mjs) is chosen as a folder, previewed per class,
// trained on with SimpleNet to a stated accuracy, and its first-layer filters are drawn in colour;
// a zip of bad inputs names every bad file while the rest loads; the fake webcam
// (--use-fake-device-for-media-stream) captures into two classes, trains, and after a reload the
// captures are still there; their .zip download opens in the CLI and as an ImageFolder.
// Controls are found by role and label; every wait is on this test's own events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { zipSync, unzipSync } from 'fflate';
import { startServer } from './static-server.mjs';
import { ROOT, SHOTS, TMP, launch, openPlayground, watch, playgroundUrl, startRun, waitForRunEnd, typeInto } from './lib.mjs';
import { shapeEntries, writeEntries, encode, SHAPE_CLASSES } from '../js/image-fixtures.mjs';

const run = promisify(execFile);
const FILES = path.join(TMP, 'your-images');
let server, browser, entries, jpeg;

before(async () => {
  entries = await shapeEntries({ perClass: 40, seed: 23 });
  jpeg = (await shapeEntries({ perClass: 1, seed: 5, formats: ['jpeg'] }))[0].bytes;
  await fs.rm(FILES, { recursive: true, force: true });
  // The folder a user would choose: the shapes, plus a notes file that is not an image.
  await writeEntries(path.join(FILES, 'shapes'), [...entries, { path: 'circles/notes.txt', bytes: new TextEncoder().encode('not a picture') }]);
  server = await startServer(0, { isolated: true });
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  await fs.rm(FILES, { recursive: true, force: true });
});

const status = (page) => page.locator('#data-status').textContent();

/** The playground on the photos, once its engine has loaded (Start waits for the photos). */
async function openOnPhotos(browserOrContext, hash) {
  const page = await browserOrContext.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const problems = watch(page);
  await page.goto(playgroundUrl(server, hash));
  await page.waitForFunction(() => window.wasmgradApp?.build, null, { timeout: 90_000 });
  return { page, problems };
}
const epochsOf = (page) => page.evaluate(() => window.wasmgradApp.epochs);

/** The share of a canvas's pixels whose red, green and blue differ by more than `gap` levels. */
function colourShare(page, selector, gap = 24) {
  return page.$$eval(selector, (canvases, g) => {
    let coloured = 0, total = 0;
    for (const c of canvases) {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < data.length; p += 4) {
        total += 1;
        if (Math.max(data[p], data[p + 1], data[p + 2]) - Math.min(data[p], data[p + 1], data[p + 2]) > g) coloured += 1;
      }
    }
    return { coloured: coloured / Math.max(1, total), canvases: canvases.length };
  }, gap);
}

test('a folder of colour images: preview per class, rules, split and cap stated; SimpleNet trains to >= 90%; filters in colour (slow: trains)', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#epochs=6&lr=0.003&batch=16' });
  await page.getByLabel('Dataset').selectOption('images');
  await page.waitForFunction(() => /^Your images: no data yet\. Drop a folder of images/.test(document.querySelector('#data-status').textContent));
  assert.equal(await page.getByLabel('Architecture', { exact: true }).inputValue(), 'simplenet');
  assert.match(await page.textContent('#image-fit-help'), /scale the shorter side .* centre-crop the rest; area-averaged/);
  assert.match(await page.textContent('#image-channels-help'), /Grey: 1 channel, grey = 0\.299 R \+ 0\.587 G \+ 0\.114 B \(ITU-R BT\.601\)/);

  await page.getByLabel('Choose a folder of images').setInputFiles(path.join(FILES, 'shapes'));
  await page.waitForFunction(() => /^In use: shapes: 3 classes \(circles, squares, triangles\), samples 3×32×32\./.test(
    document.querySelector('#data-status').textContent), null, { timeout: 60_000 });
  // 40 per class, a seeded 10% of each held out: 36 + 4.
  assert.match(await status(page), /108 training and 12 validation images \(held out: 10% of each class, seed 1\); 1 file skipped\./);
  for (const name of SHAPE_CLASSES) {
    const row = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `${name} (40)` }) });
    assert.match(await row.textContent(), /36 training · 4 validation/);
    assert.equal(await row.getByRole('button', { name: new RegExp(`^Inspect training example \\d+: ${name}$`) }).count(), 8);
  }
  assert.ok((await colourShare(page, '#class-preview-view canvas')).coloured > 0.2, 'the preview is in colour');
  const notes = await page.textContent('#photos-notes');
  assert.match(notes, /images come in \d+ sizes \(\d+x\d+ to \d+x\d+\): each was scaled and centre-cropped to 32x32 \(scale the shorter side/);
  assert.match(notes, /shapes has no test\/ or val\/ folder: held out 12 images \(10% of each class, seed 1\) for validation/);
  assert.match(await page.textContent('#photos-memory'),
    /^Memory: the engine has a fixed 512 MB\. Training simplenet at batch 16 on 3×32×32 takes about \d+ MB .*, so up to 16,384 samples \(12 KB each, 192 MB\) fit beside it\. All 121 files of this set fit \(120 loaded\)\./);
  assert.match(await page.textContent('#photos-skipped'), /1 file skipped \(the rest loaded\).*shapes\/circles\/notes\.txt: not a PNG, JPEG or WebP image: a text file/s);
  await page.locator('#photos-panel').screenshot({ path: path.join(SHOTS, 'your-images-class-preview.png') });

  // The model summary shows the lectures' numbers: 10 filters of 5x5 on 3x32x32.
  const first = page.locator('#layer-table-view tbody tr').first();
  await page.waitForFunction(() => /conv1/.test(document.querySelector('#layer-table-view tbody tr')?.textContent));
  assert.match(await first.textContent(), /conv1.*10×32×32.*760.*768,000/s);

  const runId = await startRun(page);
  await waitForRunEnd(page, runId, 180_000);
  const epochs = await epochsOf(page);
  assert.equal(epochs.length, 6);
  assert.ok(epochs.at(-1).validationAccuracy >= 0.9, `validation accuracy ${epochs.at(-1).validationAccuracy}`);

  // Class names everywhere; the first layer's filters in colour, deeper ones not.
  await page.waitForFunction(() => /triangles/.test(document.querySelector('#confusion-view').textContent));
  assert.match(await page.textContent('#probabilities-view'), /circles.*squares.*triangles/s);
  assert.match(await page.textContent('#gallery-view'), /circles.*squares.*triangles/s);
  await page.waitForFunction(() => /^conv1 · 10 filters of 3×5×5\. Each tile is one filter in colour/.test(
    document.querySelector('#filters-view .view-caption')?.textContent));
  const filters = await colourShare(page, '#filters-view canvas');
  assert.equal(filters.canvases, 10);
  assert.ok(filters.coloured > 0.3, `share of filter pixels with distinct R, G, B: ${filters.coloured}`);
  await page.locator('#filters-view').screenshot({ path: path.join(SHOTS, 'your-images-colour-filters.png') });
  await page.screenshot({ path: path.join(SHOTS, 'your-images-trained.png'), fullPage: true });
  await page.getByLabel('Layer', { exact: true }).selectOption({ label: 'conv2' });
  await page.waitForFunction(() => /^conv2 · 20 filters of 10×3×3\. Each tile is the mean over the 10 input channels/.test(
    document.querySelector('#filters-view .view-caption')?.textContent));

  // The draw pad gives way to "pick an image": a file from the device goes through the same fitting.
  assert.equal(await page.textContent('#draw-heading'), 'Try it: pick an image or take a photo');
  assert.equal(await page.locator('#draw-pad-view').isVisible(), false);
  const square = entries.find((e) => e.path.startsWith('squares/')).bytes;
  await page.getByLabel('Image to inspect').setInputFiles({ name: 'my-square.png', mimeType: 'image/png', buffer: Buffer.from(square) });
  await page.waitForFunction(() => /^Showing the image my-square\.png\./.test(document.querySelector('#input-source').textContent));
  await page.waitForFunction(() => /^Prediction: squares/.test(document.querySelector('#probabilities-view .prob-verdict').textContent));
  await page.waitForFunction(() => /^Saliency of the image my-square\.png, for class squares/.test(
    document.querySelector('#saliency-view .view-caption').textContent));
  assert.ok((await colourShare(page, '#saliency-view canvas >> nth=0')).coloured > 0.1, 'the saliency input is in colour');
  assert.ok((await colourShare(page, '#receptive-field-view canvas >> nth=0')).coloured > 0.1, 'the receptive field is drawn over colour');
  await page.getByRole('button', { name: 'Show class images' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#class-images-view canvas[aria-label^="image the model scores"]').length === 3);
  assert.ok((await colourShare(page, '#class-images-view canvas')).coloured > 0.05, 'class images in colour');
  await page.locator('#insight-panel').screenshot({ path: path.join(SHOTS, 'your-images-saliency-class-images.png') });
  await page.getByLabel('Image to inspect').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.waitForFunction(() => /^notes\.txt: not a PNG, JPEG or WebP image: a text file\.$/.test(
    document.querySelector('#image-picker-view [role=status]').textContent));

  // Grey with its weights: the same folder at 24x24, one channel.
  await page.getByLabel('Channels', { exact: true }).selectOption('1');
  await page.getByLabel('Image size').selectOption('24');
  await page.waitForFunction(() => /samples 1×24×24/.test(document.querySelector('#data-status').textContent), null, { timeout: 60_000 });
  assert.match(await page.textContent('#photos-notes'), /colour images made grey: grey = 0\.299 R \+ 0\.587 G \+ 0\.114 B/);
  assert.match(page.url(), /size=24&ch=1/);
  assert.deepEqual(await page.locator('#app-messages .message.error').allTextContents(), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad input in a zip: each file named with its reason while the rest loads; a single class is refused', async () => {
  const huge = await sharp({ create: { width: 10000, height: 10000, channels: 3, background: 'blue' } }).png().toBuffer();
  const grey = await encode(Uint8Array.from({ length: 40 * 30 }, (_, i) => (i * 7) % 255), 40, 30, 1, 'png');
  const files = { photos: { empty: {} } };
  for (const e of entries.filter((_, i) => i % 4 === 0)) {
    const [cls, name] = e.path.split('/');
    files.photos[cls] ??= {};
    files.photos[cls][name] = e.bytes;
  }
  Object.assign(files.photos.circles, { 'readme.txt': new TextEncoder().encode('shapes'), 'grey.png': grey });
  Object.assign(files.photos.squares, { 'cut.jpg': jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'huge.png': new Uint8Array(huge) });
  files['../escape.png'] = entries[0].bytes;
  const zip = zipSync(files);

  const { page, problems } = await openOnPhotos(browser, '#data=images');
  await page.getByLabel('Choose a .zip of images').setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await page.waitForFunction(() => /^In use: photos\.zip: 3 classes/.test(document.querySelector('#data-status').textContent), null, { timeout: 60_000 });
  const skipped = await page.locator('#photos-skipped-list li').allTextContents();
  const reason = (pattern) => skipped.find((line) => pattern.test(line)) ?? `(none of ${skipped.join(' | ')})`;
  assert.match(reason(/escape\.png/), /^\.\.\/escape\.png: a path that climbs out of the folder \(".."\): refused$/);
  assert.match(reason(/empty/), /^photos\/empty\/: empty class folder: no files in it; the class is left out$/);
  assert.match(reason(/readme/), /^photos\/circles\/readme\.txt: not a PNG, JPEG or WebP image: a text file$/);
  assert.match(reason(/cut\.jpg/), /^photos\/squares\/cut\.jpg: corrupt JPEG/);
  assert.match(reason(/huge/), /^photos\/squares\/huge\.png: 10000 x 10000 pixels \(100 megapixels\) is larger than the limit .* refused before decoding$/);
  assert.equal(skipped.length, 5);
  const notes = await page.textContent('#photos-notes');
  assert.match(notes, /1 greyscale image \(e\.g\. photos\/circles\/grey\.png\) among \d+ colour images: the grey ones were given three equal channels/);
  assert.match(notes, /images come in \d+ sizes/);
  assert.match(await page.textContent('#photos-summary'), /^photos\.zip: circles, squares, triangles\./);
  await page.locator('#photos-panel').screenshot({ path: path.join(SHOTS, 'your-images-bad-input.png') });
  // On a phone the preview and the skipped list fit the width.
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling at 390 px');
  await page.locator('#photos-panel').screenshot({ path: path.join(SHOTS, 'your-images-phone.png') });
  await page.setViewportSize({ width: 1400, height: 900 });

  // One class only: refused with its message, and the drop zone asks for another folder.
  const one = zipSync({ only: { circles: Object.fromEntries(entries.filter((e) => e.path.startsWith('circles/')).slice(0, 5)
    .map((e) => [e.path.split('/')[1], e.bytes])) } });
  await page.getByLabel('Choose a .zip of images').setInputFiles({ name: 'one.zip', mimeType: 'application/zip', buffer: Buffer.from(one) });
  await page.waitForFunction(() => /^Not loaded: one\.zip: only one class \("circles"\): a classifier needs at least two class folders/.test(
    document.querySelector('#data-status').textContent), null, { timeout: 30_000 });
  assert.match(await page.textContent('#photos-status'), /only one class/);
  assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled(), true);
  assert.deepEqual(problems.filter((p) => !/Images: one\.zip/.test(p)), []);
  await page.close();
});

test('a dropped folder is walked (webkitGetAsEntry, "/" stripped), an empty class folder named; the memory cap follows the model', async () => {
  const { page, problems } = await openOnPhotos(browser, '#data=images&size=96&batch=32');
  // Chromium gives a script's own DataTransfer no file-system entries, so the page's
  // webkitGetAsEntry hands out entries shaped as a dropped folder's (fullPath "/shapes/...",
  // directories read in batches), over real Files; the drop zone, its walk and the worker are the page's.
  const files = entries.map((e) => ({ path: e.path, bytes: Array.from(e.bytes) }));
  await page.evaluate((list) => {
    const fileEntry = (path, file) => ({ isFile: true, isDirectory: false, name: file.name, fullPath: `/${path}`,
      file: (ok) => setTimeout(() => ok(file)) });
    const dirEntry = (path, children) => ({ isFile: false, isDirectory: true, name: path.split('/').pop(), fullPath: `/${path}`,
      createReader: () => {
        let next = 0;
        return { readEntries: (ok) => setTimeout(() => { ok(children.slice(next, next + 4)); next += 4; }) };
      } });
    const byClass = {};
    for (const { path, bytes } of list) {
      const file = new File([Uint8Array.from(bytes)], path.split('/').pop(), { type: 'image/png' });
      (byClass[path.split('/')[0]] ??= []).push(fileEntry(`shapes/${path}`, file));
    }
    const root = dirEntry('shapes', [...Object.entries(byClass).map(([name, children]) => dirEntry(`shapes/${name}`, children)),
      dirEntry('shapes/empty', [])]);
    DataTransferItem.prototype.webkitGetAsEntry = () => root;
    const transfer = new DataTransfer();
    transfer.items.add(new File([''], 'shapes'));
    document.querySelector('#photos-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
  await page.waitForFunction(() => /^In use: shapes: 3 classes \(circles, squares, triangles\), samples 3×96×96\./.test(
    document.querySelector('#data-status').textContent), null, { timeout: 60_000 });
  assert.deepEqual(await page.locator('#photos-skipped-list li').allTextContents(),
    ['shapes/empty/: empty class folder: no files in it; the class is left out']);
  assert.match(await page.textContent('#photos-memory'), /Training simplenet at batch 32 on 3×96×96 .* up to 1,820 samples \(108 KB each, 192 MB\).*All 120 files of this set fit/);

  // VGG-mini at 96x96 needs more room: only a seeded 103 fit beside it, the same share of every class.
  await page.getByLabel('Architecture', { exact: true }).selectOption('vgg-mini');
  await page.waitForFunction(() => /This set has more: a seeded 103 files were read/.test(document.querySelector('#photos-memory').textContent),
    null, { timeout: 60_000 });
  assert.match(await page.textContent('#photos-memory'), /Training vgg-mini at batch 32 on 3×96×96 takes about \d+ MB/);
  assert.match(await page.textContent('#photos-notes'), /shapes: 120 images is more than the 103 samples of 3x96x96 .* loading a seeded 103 \(the same share of every class and split\)/);
  assert.match(await page.textContent('#app-messages'), /the images are loaded again, at most 103 of 3×96×96/);
  // A batch of 40 leaves no room at all: said, and nothing is tried again until the settings change.
  await typeInto(page.getByLabel('Batch size'), '40');
  await page.waitForFunction(() => /^Not loaded: shapes: at 96x96 no samples fit in the engine's 512 MB beside training the model; choose a smaller size \(or a smaller batch\)/
    .test(document.querySelector('#data-status').textContent), null, { timeout: 60_000 });
  assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled(), true);
  await typeInto(page.getByLabel('Batch size'), '16');
  await page.waitForFunction(() => /^In use: shapes: .* 108 training and 12 validation images/.test(document.querySelector('#data-status').textContent),
    null, { timeout: 60_000 });
  assert.deepEqual(problems.filter((p) => !/Images: shapes: at 96x96/.test(p)), []);
  await page.close();
});

test('3,000 files: decoded in the worker with a progress bar while the page keeps drawing; Cancel stops it (slow: decodes 3,000 files)', async () => {
  const copies = [];
  for (let k = 0; k < 25; k++) for (const e of entries) copies.push({ path: e.path.replace('/', `/copy${k}-`), bytes: e.bytes });
  await writeEntries(path.join(FILES, 'many', 'shapes'), copies);
  const { page, problems } = await openOnPhotos(browser, '#data=images');
  await page.evaluate(() => {
    window.frameGaps = [];
    let last = performance.now();
    const tick = (now) => {
      if (document.querySelector('#photos-progress').value > 0) window.frameGaps.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByLabel('Choose a folder of images').setInputFiles(path.join(FILES, 'many', 'shapes'));
  const bar = page.getByRole('progressbar', { name: 'Decoding progress' });
  await page.waitForFunction(() => Number(document.querySelector('#photos-progress').value) >= 300, null, { timeout: 60_000 });
  assert.equal(await bar.getAttribute('max'), '3000');
  assert.match(await page.textContent('#photos-status'), /^shapes: decoded [\d,]+ of 3,000 images…$/);
  await page.getByRole('button', { name: 'Cancel loading' }).click();
  // A cancel is the user's choice: said in the status lines, not raised as an error banner.
  await page.waitForFunction(() => /^Not loaded: loading the images was cancelled/.test(document.querySelector('#data-status').textContent));
  assert.equal(await bar.isVisible(), false);
  assert.equal(await page.locator('#app-messages').getByRole('alert').count(), 0, 'a cancel raised an error banner');
  assert.equal(await page.locator('#photos-status.problem, #data-status.problem').count(), 0, 'a cancel is shown as a problem');
  const gaps = await page.evaluate(() => window.frameGaps);
  // The page drew frame after frame while the worker decoded (a decode on the page would have drawn
  // none until it ended). The gaps are the machine's business: printed, not asserted.
  assert.ok(gaps.length > 10, `frames drawn while decoding: ${gaps.length}`);
  console.log(`# frames while decoding: ${gaps.length}, longest gap ${Math.max(...gaps).toFixed(0)} ms`);
  // Nothing is read again by an unrelated change; choosing the folder again reads it.
  await typeInto(page.getByLabel('Learning rate', { exact: true }), '0.002');
  assert.match(await status(page), /loading the images was cancelled\. Drop another folder or \.zip, or change the image size/);
  await page.getByLabel('Choose a folder of images').setInputFiles(path.join(FILES, 'many', 'shapes'));
  await page.waitForFunction(() => /^In use: shapes: .* 2,700 training and 300 validation images/.test(document.querySelector('#data-status').textContent),
    null, { timeout: 120_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

/** Holds a class's capture button until it has `count` more images. */
async function holdToCapture(page, className, count) {
  const button = page.getByRole('button', { name: `Hold to capture into ${className}` });
  const counter = button.locator('xpath=..').getByRole('status');
  const before = Number((await counter.textContent()).replace(/\D/g, ''));
  await button.hover();
  await page.mouse.down();
  await page.waitForFunction(([text, n]) => [...document.querySelectorAll('.webcam-count')]
    .some((c) => c.closest('.webcam-class').querySelector('input').value === text && Number(c.textContent.replace(/\D/g, '')) >= n),
  [className, before + count], { timeout: 30_000 });
  await page.mouse.up();
}

test('webcam: capture into two classes, train, reload and find the captures; the .zip opens in the CLI and as an ImageFolder (slow: trains)', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['camera']);
  const { page, problems } = await openOnPhotos(context, '#data=webcam&epochs=2&batch=8');
  await page.waitForFunction(() => /^Webcam captures: no data yet\. Capture images into at least two classes/.test(
    document.querySelector('#data-status').textContent));
  await typeInto(page.getByLabel('Class 1 name'), 'left');
  await typeInto(page.getByLabel('Class 2 name'), 'right');
  await holdToCapture(page, 'left', 12);
  await page.waitForFunction(() => !document.querySelector('#webcam-video').hidden);
  await holdToCapture(page, 'right', 12);
  await page.waitForFunction(() => /^In use: webcam captures: 2 classes \(left, right\), samples 3×32×32\./.test(
    document.querySelector('#data-status').textContent), null, { timeout: 30_000 });
  const counts = await page.locator('.webcam-count').allTextContents();
  const left = Number(counts[0].replace(/\D/g, ''));
  const right = Number(counts[1].replace(/\D/g, ''));
  assert.ok(left >= 12 && right >= 12, counts.join());
  assert.match(await page.textContent('#webcam-summary'), new RegExp(`^${left + right} images in 2 of 2 classes, kept in this browser \\(a reload keeps them\\)\\.`));
  assert.equal(await page.locator('.webcam-thumbnails canvas').count(), 16);
  await page.locator('#webcam-panel').screenshot({ path: path.join(SHOTS, 'your-images-webcam-capture.png') });

  const runId = await startRun(page);
  await waitForRunEnd(page, runId, 120_000);
  assert.equal((await epochsOf(page)).length, 2);
  // A photo taken with the camera is inspected with the classes' names.
  await page.getByRole('button', { name: 'Take a photo' }).click();
  await page.getByRole('button', { name: 'Take the photo' }).click();
  await page.waitForFunction(() => /^Showing the photo just taken\./.test(document.querySelector('#input-source').textContent));
  await page.waitForFunction(() => /^Prediction: (left|right) \(/.test(document.querySelector('#probabilities-view .prob-verdict').textContent));

  // The captures download as webcam-captures/<class>/00001.jpg.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as .zip' }).click()]);
  assert.equal(download.suggestedFilename(), 'webcam-captures.zip');
  const zipPath = path.join(FILES, 'webcam-captures.zip');
  await download.saveAs(zipPath);
  const unzipped = unzipSync(new Uint8Array(await fs.readFile(zipPath)));
  const names = Object.keys(unzipped).sort();
  assert.equal(names.length, left + right);
  assert.equal(names[0], 'webcam-captures/left/00001.jpg');
  assert.equal(names.filter((n) => n.startsWith('webcam-captures/right/')).length, right);

  // The model saved from the page names its classes and its image size for the CLI.
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
  const modelPath = path.join(FILES, 'webcam-page.wgm');
  await saved.saveAs(modelPath);
  const photo = path.join(FILES, 'a-capture.jpg');
  await fs.writeFile(photo, unzipped['webcam-captures/left/00001.jpg']);

  // A reload loses nothing: the captures come back from IndexedDB and load again.
  await page.reload();
  await page.waitForFunction(() => /^In use: webcam captures: 2 classes \(left, right\)/.test(document.querySelector('#data-status').textContent),
    null, { timeout: 90_000 });
  assert.deepEqual(await page.locator('.webcam-count').allTextContents(), counts);
  assert.equal(await page.getByLabel('Class 1 name').inputValue(), 'left');
  assert.deepEqual(problems, []);
  await context.close();

  // The CLI trains on the zip; Python (PIL, as torchvision's ImageFolder) reads its class folders.
  const out = path.join(FILES, 'webcam.bin');
  const cli = await run(process.execPath, [path.join(ROOT, 'bin/wasmgrad.mjs'), 'train', '--model', 'simplenet', '--data', zipPath,
    '--size', '32x32', '--epochs', '1', '--out', out], { cwd: ROOT, timeout: 120_000 });
  assert.match(cli.stdout, /left, right|2 classes/);
  await fs.access(out);
  const predicted = await run(process.execPath, [path.join(ROOT, 'bin/wasmgrad.mjs'), 'predict', '--model', modelPath, photo],
    { cwd: ROOT, timeout: 60_000 });
  const prediction = JSON.parse(predicted.stdout.split('\n')[0]);
  assert.ok(['left', 'right'].includes(prediction.className) && prediction.probability >= 0.5, predicted.stdout);
  const py = await run('/usr/bin/python3', ['-c', [
    'import sys, zipfile, io, os', 'from PIL import Image',
    'z = zipfile.ZipFile(sys.argv[1])', 'classes = sorted({n.split("/")[1] for n in z.namelist()})',
    'sizes = {Image.open(io.BytesIO(z.read(n))).convert("RGB").size for n in z.namelist()}',
    'print(classes, len(z.namelist()), sizes)'].join('\n'), zipPath]);
  assert.equal(py.stdout.trim(), `['left', 'right'] ${left + right} {(224, 224)}`);
});
