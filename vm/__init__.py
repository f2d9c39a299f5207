"""llconform vm/: kernels (catalogue, fetch, cache) and guests (initramfs, QEMU).

Knows nothing of Landlock semantics: expectations are carried through as data.
"""
