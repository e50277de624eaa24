#!/usr/bin/env node
// The CLI as one file (npm run build bundles it with its dependencies: it starts faster).
import '../dist/critpath.mjs';
