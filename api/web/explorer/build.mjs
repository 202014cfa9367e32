// The explorer's bundle: explorer/src/main.js and what it imports from node_modules (Cytoscape.js, ECharts' core
// with the few charts it draws, oidc-client-ts), one minified script and one stylesheet in explorer/build/, which
// the service serves at /static/explore/ (api/web/assets.py). Run by `make install` after `npm ci`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const started = performance.now();
const result = await build({
  entryPoints: { explorer: join(here, "src", "main.js") },
  outdir: join(here, "build"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome110", "firefox110", "safari16"],
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});
const sizes = Object.entries(result.metafile.outputs)
  .filter(([name]) => !name.endsWith(".map") && !name.endsWith(".txt"))
  .map(([name, out]) => `${name.split("/").pop()} ${Math.round(out.bytes / 1024)} KiB`);
console.log(`explorer built in ${Math.round(performance.now() - started)} ms: ${sizes.join(", ")}`);
