// Copies the browser files the pages use from node_modules into static/vendor/,
// so that whitenoise serves them and no page loads anything from outside the app
// (county intranets have no internet).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  // The minified files name their source maps; whitenoise's manifest storage needs them.
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
};
for (const [from, to] of Object.entries(files)) {
  const target = join(root, "static", "vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(root, "node_modules", from), target);
}
console.log(`copied ${Object.keys(files).length} asset files into static/vendor/`);
