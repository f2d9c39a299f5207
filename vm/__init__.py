"""llconform vm/: kernels (catalogue, fetch, build from source, cache) and guests
(initramfs, QEMU, the host row), behind one API: `vm.api`.

Knows nothing of Landlock semantics: expectations are carried through as data.
"""
