"""llconform vm/: kernels (catalogue, fetch, build from source, cache) and guests
(initramfs, QEMU).

Knows nothing of Landlock semantics: expectations are carried through as data.
"""
