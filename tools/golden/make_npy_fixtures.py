#!/usr/bin/python3
"""Writes the small NumPy golden files the C# .npy/.npz tests read (tests never run Python).

Run from the repository root:  /usr/bin/python3 tools/golden/make_npy_fixtures.py
Each array's values follow a formula the tests recompute independently (see NpyGoldenTests.cs).
"""
import os

import numpy as np

OUT = os.path.join("tests", "RlsEdit.Tensors.Tests", "Fixtures")


def grid(shape, dtype):
    """value at index (i, j, k, ...) = sum(index[a] * 10**(rank-1-a)) / 4 - 1.5 (exact in float32)."""
    idx = np.indices(shape)
    weights = [10 ** (len(shape) - 1 - a) for a in range(len(shape))]
    v = sum(w * i for w, i in zip(weights, idx)) if shape else np.array(0)
    if np.dtype(dtype).kind == "f":
        return (v / 4.0 - 1.5).astype(dtype)
    return (v - 7).astype(dtype)


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, array, allow_pickle=True)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Round-trip goldens: the C# writer must reproduce these bytes exactly.
    save("f8_c_2x3.npy", grid((2, 3), "<f8"))
    save("f4_c_3x2.npy", grid((3, 2), "<f4"))
    save("f8_f_3x4.npy", np.asfortranarray(grid((3, 4), "<f8")))
    save("f4_f_2x3x4.npy", np.asfortranarray(grid((2, 3, 4), "<f4")))
    save("f8_c_2x3x4.npy", grid((2, 3, 4), "<f8"))
    save("i8_1d_5.npy", grid((5,), "<i8"))
    save("f8_0d.npy", grid((), "<f8"))
    save("f8_c_0x3.npy", grid((0, 3), "<f8"))
    save("f4_c_1x1.npy", grid((1, 1), "<f4"))
    # Read-only goldens.
    save("i4_c_2x2.npy", grid((2, 2), "<i4"))
    save("f8_c_2x3_v2.npy", grid((2, 3), "<f8"), version=(2, 0))
    save("f8_c_2x3_v3.npy", grid((2, 3), "<f8"), version=(3, 0))
    # Rejected dtypes.
    save("bad_bigendian_f8.npy", grid((2, 3), ">f8"))
    save("bad_bool.npy", np.array([True, False]))
    save("bad_complex.npy", np.array([1 + 2j]))
    save("bad_object.npy", np.array([{"a": 1}, None], dtype=object))
    save("bad_structured.npy", np.zeros(2, dtype=[("x", "<f8"), ("y", "<i4")]))
    # Archives: numpy.savez (stored) and numpy.savez_compressed (deflated).
    np.savez(os.path.join(OUT, "stored.npz"), a=grid((2, 3), "<f8"), ids=grid((5,), "<i8"))
    np.savez_compressed(os.path.join(OUT, "deflated.npz"), a=grid((2, 3), "<f8"), w=np.asfortranarray(grid((3, 4), "<f4")))


if __name__ == "__main__":
    main()
