"""llconform's Python driver: runs the suite programs and reads their KTAP."""
