//! The `unico` binary: parse the arguments, set up logging, run, turn the outcome into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    unico::cli::main()
}
