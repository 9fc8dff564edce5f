// Reads what an image file says about itself before anything is decoded: its format (from
// the magic bytes, not the file name), width, height and whether it is stored as greyscale.
// The loader uses it to refuse huge images and non-images with a clear reason, identically
// in Node and in the browser (whose createImageBitmap tells nothing before it decodes).
// Formats: PNG (IHDR chunk), JPEG (the SOFn segment), WebP (VP8, VP8L or VP8X chunk).

/** An image file that cannot be used; the loader skips it and reports `message`. */
export class ImageFileError extends Error {}

const fail = (message) => { throw new ImageFileError(message); };

const u16be = (b, i) => (b[i] << 8) | b[i + 1];
const u32be = (b, i) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const u24le = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const ascii = (b, i, n) => String.fromCharCode(...b.subarray(i, i + n));

// Other files people drop into image folders, named so the message can say what the file is.
const OTHER_FORMATS = [
  { test: (b) => ascii(b, 0, 4) === 'GIF8', name: 'a GIF image' },
  { test: (b) => ascii(b, 0, 2) === 'BM', name: 'a BMP image' },
  { test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*', name: 'a TIFF image' },
  { test: (b) => ascii(b, 4, 4) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|avif)$/.test(ascii(b, 8, 4)),
    name: 'a HEIC/AVIF image (convert it to JPEG or PNG)' },
  { test: (b) => ascii(b, 4, 4) === 'ftyp', name: 'a video (MP4/MOV)' },
  { test: (b) => ascii(b, 0, 4) === '%PDF', name: 'a PDF document' },
  { test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4, name: 'a zip archive' },
  { test: (b) => b[0] === 0x1f && b[1] === 0x8b, name: 'gzip data' },
];

function describeOther(bytes) {
  if (bytes.length === 0) return 'an empty file';
  const known = OTHER_FORMATS.find(({ test }) => bytes.length >= 12 && test(bytes));
  if (known) return known.name;
  const head = bytes.subarray(0, 64);
  const printable = head.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128);
  if (printable) return 'a text file';
  return `unknown data (first bytes ${Array.from(bytes.subarray(0, 4), (c) => c.toString(16).padStart(2, '0')).join(' ')})`;
}

function png(b) {
  if (b.length < 33) fail(`truncated PNG: ${b.length} bytes, shorter than its header`);
  if (ascii(b, 12, 4) !== 'IHDR') fail('corrupt PNG: the first chunk is not IHDR');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  const colourType = b[25];
  if (![0, 2, 3, 4, 6].includes(colourType)) fail(`corrupt PNG: colour type ${colourType} is not one PNG defines`);
  return { format: 'png', width, height, grey: colourType === 0 || colourType === 4, alpha: colourType === 4 || colourType === 6 };
}

// SOF0-15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
const isStartOfFrame = (m) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b) {
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) fail(`corrupt JPEG: expected a marker at byte ${i}`);
    while (i < b.length && b[i] === 0xff) i++;  // fill bytes
    const marker = b[i++];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;  // no length
    if (marker === 0xd9 || marker === 0xda) fail('corrupt JPEG: no frame header (SOF) before the image data');
    if (i + 2 > b.length) break;
    const length = u16be(b, i);
    if (length < 2) fail(`corrupt JPEG: segment length ${length} at byte ${i}`);
    if (isStartOfFrame(marker)) {
      if (i + 8 > b.length) break;
      const height = u16be(b, i + 3);
      const width = u16be(b, i + 5);
      const components = b[i + 7];
      if (height === 0) fail('unsupported JPEG: its height is given after the image data (DNL marker)');
      return { format: 'jpeg', width, height, grey: components === 1, alpha: false };
    }
    i += length;
  }
  return fail('truncated JPEG: the file ends before its frame header (SOF)');
}

function webp(b) {
  if (b.length < 30) fail(`truncated WebP: ${b.length} bytes, shorter than its header`);
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) fail('corrupt WebP: no VP8 start code');
    return { format: 'webp', width: (b[26] | (b[27] << 8)) & 0x3fff, height: (b[28] | (b[29] << 8)) & 0x3fff, grey: false, alpha: false };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) fail('corrupt WebP: no VP8L signature');
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, grey: false, alpha: ((bits >>> 28) & 1) === 1 };
  }
  if (chunk === 'VP8X') {
    return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, grey: false, alpha: (b[20] & 0x10) !== 0 };
  }
  return fail(`unsupported WebP: unknown first chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}"`);
}

/**
 * {format: 'png'|'jpeg'|'webp', width, height, grey, alpha} from the first bytes of a file.
 * Throws ImageFileError naming the problem for anything else (a text file, a GIF, a truncated
 * header, a zero size).
 */
export function readImageHeader(bytes) {
  const b = bytes;
  let header;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    header = png(b);
  } else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    header = jpeg(b);
  } else if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    header = webp(b);
  } else {
    fail(`not a PNG, JPEG or WebP image: ${describeOther(b)}`);
  }
  if (header.width === 0 || header.height === 0) fail(`corrupt ${header.format.toUpperCase()}: its header says ${header.width}x${header.height} pixels`);
  return header;
}

/**
 * A JPEG must end in an end-of-image marker (FF D9) after its first scan (SOS): a file cut short
 * does not. Inside the entropy-coded data a 0xFF byte is always followed by 00 or a restart marker
 * D0-D7, so FF D9 there is the real end (camera files may carry bytes after it). The segments
 * before the scan are skipped by their lengths, so an EXIF thumbnail's own FF D9 does not count.
 * Browsers decode a truncated JPEG silently with a grey bottom; this makes Node and browsers agree.
 */
export function jpegIsComplete(bytes) {
  const b = bytes;
  let i = 2;
  let scan = -1;
  while (i + 4 <= b.length && scan < 0) {
    if (b[i] !== 0xff) return false;
    while (i < b.length && b[i] === 0xff) i++;
    const marker = b[i++];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xda) scan = i;
    else i += u16be(b, i);
  }
  if (scan < 0) return false;
  for (let j = b.length - 2; j >= scan; j--) {
    if (b[j] === 0xff && b[j + 1] === 0xd9) return true;
  }
  return false;
}
