#!/usr/bin/env python3
"""Writes the idx_fuzz seed corpus (fuzz/corpus/idx) from the committed IDX fixture pair.

Each seed is one idx_fuzz input: a little-endian uint32 images length, the images file, the
labels file. Seeds: the valid fixture pair, a tiny 3-image pair, and a few broken variants
(truncated header/data, swapped files, gzip magic, trailing byte). Run from the repository root:
    python3 fuzz/make_idx_corpus.py
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "idx")
OUT = os.path.join(ROOT, "fuzz", "corpus", "idx")


def idx_images(count, rows, cols, pixels):
    return struct.pack(">IIII", 0x803, count, rows, cols) + bytes(pixels)


def idx_labels(labels):
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


def seed(images, labels):
    return struct.pack("<I", len(images)) + images + labels


def main():
    with open(os.path.join(FIXTURES, "fixture-images-idx3-ubyte"), "rb") as f:
        images = f.read()
    with open(os.path.join(FIXTURES, "fixture-labels-idx1-ubyte"), "rb") as f:
        labels = f.read()
    tiny_images = idx_images(3, 2, 3, [10 * i + p for i in range(3) for p in range(6)])
    tiny_labels = idx_labels([2, 0, 9])
    seeds = {
        "fixture_pair": seed(images, labels),
        "tiny_pair": seed(tiny_images, tiny_labels),
        "tiny_images_truncated_header": seed(tiny_images[:10], tiny_labels),
        "tiny_images_truncated_data": seed(tiny_images[:-1], tiny_labels),
        "tiny_labels_truncated": seed(tiny_images, tiny_labels[:9]),
        "tiny_trailing_byte": seed(tiny_images + b"\x00", tiny_labels),
        "tiny_swapped": seed(tiny_labels, tiny_images),
        "tiny_gzip_magic": seed(b"\x1f\x8b" + tiny_images[2:], tiny_labels),
        "tiny_label_out_of_range": seed(tiny_images, idx_labels([2, 0, 10])),
        "tiny_count_mismatch": seed(tiny_images, idx_labels([2, 0])),
        "fixture_truncated_half": seed(images[: len(images) // 2], labels),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
