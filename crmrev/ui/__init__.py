"""Everything a person sees, one module each: the Rich views (views), the keypress loop
(interactive, keys) and the scripted line protocol (scripted). Import the module you need: a
command that only prints a table must not pay for the review screen's imports (benchmarks/)."""
