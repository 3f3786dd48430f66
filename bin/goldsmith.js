#!/usr/bin/env node
// Entry shim: the CLI runs from its bundle in dist/bundle/ (npm run build: tsc, then scripts/bundle.mjs).
import '../dist/bundle/cli.js';
