#!/usr/bin/env node
// Entry shim: the compiled CLI lives in dist/ (npm run build).
import '../dist/cli.js';
