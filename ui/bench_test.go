package ui

// fixtureDir holds the 100,000-exchange history the benchmarks share.
var fixtureDir string
