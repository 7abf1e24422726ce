"""One module per command, each with a `run(...)` that the CLI calls with the parsed options and whose result is
the exit code. Commands load, call an operation or the validators, and print; the writers share `writer`
(`carry_out` under the lock `writing` takes). Nothing is imported here, so that a reading command does not pay
for the writers' modules."""
