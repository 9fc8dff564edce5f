// Works out an image folder's layout from its file paths alone (nothing is read yet): the
// ImageFolder convention of PyTorch's torchvision, one subfolder per class,
//
//   cats/001.jpg  dogs/002.png ...                          (no splits: a validation part is held out)
//   train/cats/001.jpg  test/cats/101.jpg  val/dogs/...     (splits above the class folders)
//
// Rules (LAYOUT_RULES):
//  - Paths use "/"; "\" counts as "/" too. A path that climbs out ("..") or is absolute is refused.
//  - Hidden files and folders (".name"), macOS "__MACOSX" and Windows "Thumbs.db"/"desktop.ini"
//    are ignored without a message: every zip made on a Mac carries one per file.
//  - One folder that holds everything (a dropped "photos/" folder, a zip's top folder) is looked
//    through while every file is at least two folders below it.
//  - Splits: a top folder named train (or training) means split folders; test (testing) and val
//    (valid, validation) are then the other splits. Top folders of any other name are skipped.
//  - A class is the first folder below the split (or the top); files deeper inside belong to it;
//    files not inside a class folder are skipped.
//  - Class names are the folder names, in code-point order (as torchvision sorts them), so the
//    class indices match PyTorch's ImageFolder on the same folder.

export const SPLITS = Object.freeze({
  train: ['train', 'training'],
  test: ['test', 'testing'],
  validation: ['val', 'valid', 'validation'],
});
const SPLIT_OF = new Map(Object.entries(SPLITS).flatMap(([split, names]) => names.map((name) => [name, split])));
const IGNORED_NAMES = new Set(['__MACOSX', 'Thumbs.db', 'desktop.ini']);

/** The path as segments, or {refused: reason} when it climbs out or is absolute. */
export function pathSegments(path) {
  const text = String(path).replace(/\\/g, '/');
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) return { refused: 'an absolute path: refused (entries must stay inside the folder)' };
  const segments = text.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { refused: 'a path that climbs out of the folder (".."): refused' };
  return { segments };
}

const isIgnored = (segments) => segments.some((s) => s.startsWith('.') || IGNORED_NAMES.has(s));

/**
 * entries: [{path, directory?}] (directories only matter for spotting empty class folders).
 * Returns {layout: 'classes' | 'splits', root, groups, emptyClassFolders, skipped, ignored} where
 * groups maps a split ('all' for the classes layout; else 'train', 'test', 'validation') to a
 * Map of class name -> [entry] (each entry gains `.relative`, its path below `root`).
 */
export function planImageFolder(entries) {
  const skipped = [];
  let ignored = 0;
  const files = [];
  const directories = [];
  for (const entry of entries) {
    const { segments, refused } = pathSegments(entry.path);
    if (refused) {
      skipped.push({ path: String(entry.path), reason: refused });
      continue;
    }
    if (segments.length === 0) continue;
    if (isIgnored(segments)) {
      if (!entry.directory) ignored++;
      continue;
    }
    (entry.directory ? directories : files).push({ entry, segments });
  }

  // Look through one folder that holds every file inside any folder, while at least one file
  // lies two folders below it (a lone class folder is the class, not a wrapper). Files beside
  // the wrapper, or loose inside it, are reported as not inside a class folder.
  const root = [];
  for (;;) {
    const inside = files.filter(({ segments }) => segments.length >= root.length + 2 && root.every((s, i) => segments[i] === s));
    const name = inside[0]?.segments[root.length];
    if (!name || SPLIT_OF.has(name.toLowerCase()) || !inside.every(({ segments }) => segments[root.length] === name) ||
        !inside.some(({ segments }) => segments.length >= root.length + 3)) break;
    root.push(name);
  }
  const underRoot = (segments) => segments.length > root.length && root.every((s, i) => segments[i] === s);
  const below = (list) => list.filter(({ segments }) => underRoot(segments)).map((item) => ({ ...item, rest: item.segments.slice(root.length) }));
  const rootText = root.length ? `${root.join('/')}/` : '';
  for (const { entry, segments } of files) {
    if (!underRoot(segments)) skipped.push({ path: entry.path, reason: `outside the image folder ${rootText}: not inside a class folder` });
  }
  const rootedFiles = below(files);
  const rootedDirectories = below(directories);

  const topFolders = new Set([...rootedFiles.filter(({ rest }) => rest.length >= 2), ...rootedDirectories].map(({ rest }) => rest[0]));
  const hasTrain = [...topFolders].some((name) => SPLIT_OF.get(name.toLowerCase()) === 'train');
  const layout = hasTrain ? 'splits' : 'classes';
  const depth = layout === 'splits' ? 1 : 0;  // how many folders above the class folder

  const groups = new Map();
  const group = (split) => {
    if (!groups.has(split)) groups.set(split, new Map());
    return groups.get(split);
  };
  const splitOf = (rest) => (layout === 'splits' ? SPLIT_OF.get(rest[0].toLowerCase()) : 'all');
  for (const { entry, rest } of rootedFiles) {
    const relative = rest.join('/');
    if (layout === 'splits' && (rest.length < 2 || !splitOf(rest))) {
      skipped.push({ path: entry.path, reason: rest.length < 2 ? `not inside a split folder (${rootText}train/, test/ or val/)`
        : `"${rest[0]}" is not a split folder (train, test or val): left out` });
      continue;
    }
    if (rest.length < depth + 2) {
      skipped.push({ path: entry.path, reason: `not inside a class folder (one folder per class${layout === 'splits' ? ` under ${rootText}${rest[0]}/` : ''})` });
      continue;
    }
    const classes = group(splitOf(rest));
    const className = rest[depth];
    if (!classes.has(className)) classes.set(className, []);
    classes.get(className).push(Object.assign(entry, { relative }));
  }
  // Class folders with no files at all (a folder drop or a zip lists them as directories).
  const emptyClassFolders = [];
  const seen = new Set();
  for (const { entry, rest } of rootedDirectories) {
    if (rest.length < depth + 1 || (layout === 'splits' && !splitOf(rest))) continue;
    const split = splitOf(rest);
    const className = rest[depth];
    const key = `${split}/${className}`;
    if (seen.has(key) || groups.get(split)?.has(className)) continue;
    seen.add(key);
    emptyClassFolders.push({ split, className, path: `${rootText}${rest.slice(0, depth + 1).join('/')}/`, entryPath: entry.path });
  }
  for (const files of [...groups.values()].flatMap((classes) => [...classes.values()])) {
    files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  }
  return { layout, root: root.join('/'), groups, emptyClassFolders, skipped, ignored };
}

/** Sorted as Python's sorted() sorts them (torchvision's class order): by code unit, which is
 *  code-point order for every name without characters beyond U+FFFF. */
export function sortClassNames(names) {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
