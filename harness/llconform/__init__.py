"""llconform's Python side: the driver of `./llconform`.

The stages, each a function with a typed hand-off:
resolve, fetch/build, boot (vm.api: Kernel, BootRequest -> GuestResult) ->
KTAP (ktap.ProgramResult) -> verdicts (a matrix.KernelRow per guest) ->
the matrix document (matrix, run_matrix.run) -> renderers (render).
Outcome names and sets: outcomes.  Subcommands: commands/, one module each.
"""
