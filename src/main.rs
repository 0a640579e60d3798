//! The `unico` binary: parse the arguments, set up logging, run, turn the outcome into an exit code.

use std::process::ExitCode;

/// mimalloc instead of the system allocator: the pipeline makes millions of small allocations
/// from several threads (names, tokens, index documents), where glibc's malloc showed as a
/// fifth of the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    unico::cli::main()
}
